"""The Elman network (BP lecture, "Elman 网络"; Elman 1990): hidden state fed back as context."""

from __future__ import annotations

import keras

from mlzoo._checks import check_positive_int
from mlzoo.models.elman.inputs import check_activation, check_sequences
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel


@keras.saving.register_keras_serializable(package="mlzoo")
class ElmanNetwork(ZooModel):
    """h_t = f(W x_t + U h_{t-1} + b), y_t = g(V h_t + c) at every step (Elman 1990, fig. 2).

    The context units hold h_{t-1}, a copy of the previous hidden state, and feed
    it back into the hidden layer (`keras.layers.SimpleRNN`, layer "hidden");
    the output layer (`Dense`, "output", float32 also under mixed precision)
    reads every hidden state, so a (batch, T, input_dim) sequence maps to a
    (batch, T, output_dim) one. Train it with `model.fit` (BP through time).

    Stateful (streaming): the context survives between the batches of one
    call, so a long stream can be fed in consecutive chunks; the batch size is
    then fixed (`batch_size`, used by `fit`/`evaluate`/`predict`, which never
    shuffle). `fit` clears the context at the start of every epoch (one pass
    over the stream). `predict` and `evaluate` clear it first too, so the same
    input always gives the same output; pass `continue_stream=True` to start
    from the context the previous call left (the next chunk of a stream), and
    `reset_context()` clears it by hand.

    `sample_weight` holds one weight per sequence (N,): it weights every step
    of that sequence's loss.

    Args:
        input_dim: features per step.
        hidden_units: hidden (= context) units.
        output_dim: outputs per step.
        activation: f, a Keras activation name; "sigmoid" as in Elman (1990).
        output_activation: g, e.g. "sigmoid" (default: binary targets in
            [0, 1]), "softmax" (targets one-hot or integer classes (N, T)) or None.
        stateful: keep the context between batches.
        batch_size: the fixed batch size; required when `stateful`.
        time_steps: a fixed sequence length (static shapes, e.g. for export);
            None (default) takes sequences of any length.
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> from mlzoo.datasets.elman_streams import temporal_xor
        >>> stream = temporal_xor(3000)
        >>> model = build_elman_network(1, 2, 1)
        >>> model.compile(keras.optimizers.Adam(0.05), "mse")
        >>> history = model.fit(stream.inputs[None], stream.targets[None], epochs=5, verbose=0)
        >>> model.predict(stream.inputs[None], verbose=0).shape
        (1, 2999, 1)
    """

    def __init__(
        self,
        input_dim: int,
        hidden_units: int,
        output_dim: int,
        activation: str = "sigmoid",
        output_activation: str | None = "sigmoid",
        stateful: bool = False,
        batch_size: int | None = None,
        time_steps: int | None = None,
        **kwargs,
    ):
        input_dim = check_positive_int("input_dim", input_dim)
        hidden_units = check_positive_int("hidden_units", hidden_units)
        output_dim = check_positive_int("output_dim", output_dim)
        check_activation("activation", activation, allow_none=False)
        check_activation("output_activation", output_activation, allow_none=True)
        if not isinstance(stateful, bool):
            raise ValueError(f"`stateful` must be True or False; received stateful={stateful!r}.")
        if batch_size is not None or stateful:
            if batch_size is None:
                raise ValueError(
                    "A stateful ElmanNetwork needs a fixed `batch_size`; received None."
                )
            batch_size = check_positive_int("batch_size", batch_size)
        if time_steps is not None:
            time_steps = check_positive_int("time_steps", time_steps)
        inputs = keras.Input((time_steps, input_dim), batch_size=batch_size, name="x")
        hidden = keras.layers.SimpleRNN(
            hidden_units,
            activation=activation,
            return_sequences=True,
            stateful=stateful,
            name="hidden",
        )(inputs)
        outputs = keras.layers.Dense(
            output_dim, activation=output_activation, dtype="float32", name="output"
        )(hidden)
        super().__init__(inputs, outputs, **kwargs)
        self.input_dim, self.hidden_units, self.output_dim = input_dim, hidden_units, output_dim
        self.output_activation = output_activation
        self.fixed_batch_size = batch_size
        self._stateful = stateful

    @property
    def stateful(self) -> bool:
        return self._stateful

    @property
    def non_trainable_variables(self) -> list:
        """Keras' list; on JAX with the context units too (Keras leaves them untracked,
        and its JAX trainer carries only listed state from one step to the next)."""
        variables = super().non_trainable_variables
        if keras.backend.backend() == "jax" and self.stateful:
            variables = [*variables, *self.get_layer("hidden").states]
        return variables

    def compile_defaults(self) -> dict:
        """Adam(0.01) on the squared error ("mse"), as in Elman's experiments."""
        return {"optimizer": keras.optimizers.Adam(0.01), "loss": "mse"}

    # Keras' steps (also its symbolic build, on the raw batch) weigh through these two.
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras' loss; a weight per sequence (N,) weights every time step of it."""
        return super().compute_loss(x, y, y_pred, _per_step(sample_weight), training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Keras' metrics; a weight per sequence (N,) weights every time step of it."""
        return super().compute_metrics(x, y, y_pred, _per_step(sample_weight))

    def reset_context(self) -> None:
        """Clear the context units (h_{t-1} = 0): the next batch starts a new stream."""
        self.get_layer("hidden").reset_state()

    def fit(self, x=None, y=None, batch_size=None, *args, callbacks=None, **kwargs):
        _hint_single_stream(self, x, "fit")
        batch_size = self._batch_size_for(batch_size)
        if self.stateful:
            if kwargs.setdefault("shuffle", False):
                raise ValueError(
                    "A stateful ElmanNetwork reads the batches in stream order; shuffle=True "
                    "would break the context between them. Leave `shuffle` unset or False."
                )
            reset = keras.callbacks.LambdaCallback(on_epoch_begin=lambda *_: self.reset_context())
            callbacks = [reset, *(callbacks or [])]
        return super().fit(x, y, batch_size, *args, callbacks=callbacks, **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, *args, continue_stream=False, **kwargs):
        """`keras.Model.evaluate` from a cleared context (`continue_stream=True`: carry it on)."""
        _hint_single_stream(self, x, "evaluate")
        self._start_stream(continue_stream)
        return super().evaluate(x, y, self._batch_size_for(batch_size), *args, **kwargs)

    def predict(self, x, batch_size=None, *args, continue_stream=False, **kwargs):
        """`keras.Model.predict` from a cleared context (`continue_stream=True`: carry it on).

        Stateful: the default gives the same output for the same input,
        whatever ran before; `continue_stream=True` starts from the context
        the previous call (`fit`, `evaluate` or `predict`) left, to feed a
        long stream in chunks.
        """
        _hint_single_stream(self, x, "predict")
        self._start_stream(continue_stream)
        return super().predict(x, self._batch_size_for(batch_size), *args, **kwargs)

    def _start_stream(self, continue_stream: bool) -> None:
        if not isinstance(continue_stream, bool):
            raise ValueError(
                f"`continue_stream` must be True or False; received {continue_stream!r}."
            )
        if continue_stream and not self.stateful:
            raise ValueError(
                "`continue_stream=True` needs a stateful ElmanNetwork (stateful=True, "
                "batch_size=...): this one starts every sequence from h = 0."
            )
        if self.stateful and not continue_stream:
            self.reset_context()

    def _batch_size_for(self, batch_size):
        fixed = self.fixed_batch_size
        if batch_size is None:
            return fixed
        if fixed is not None and batch_size != fixed:
            raise ValueError(
                f"This ElmanNetwork has the fixed batch_size={fixed}; received "
                f"batch_size={batch_size}."
            )
        return batch_size

    def check_data(self, x, y, where: str) -> None:
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "output_activation": self.output_activation,
            "batch_size": self.fixed_batch_size,
        }
        check_sequences(config, x, y, where)


def _per_step(sample_weight):
    """A weight per sequence (N,) as (N, 1), so it weights every time step of the sequence."""
    if sample_weight is None or len(sample_weight.shape) != 1:
        return sample_weight
    return keras.ops.expand_dims(sample_weight, -1)


def _hint_single_stream(model: ElmanNetwork, x, where: str) -> None:
    """A (T, features) array is one stream without its batch axis: say how to pass it."""
    if getattr(x, "ndim", None) == 2:
        raise ValueError(
            f"`{where} x` must have shape (num_sequences, time_steps, {model.input_dim}); "
            f"received shape {tuple(x.shape)}. For a single stream of shape (T, features) "
            "pass x[None]."
        )


@register("elman_network")
def build_elman_network(
    input_dim: int, hidden_units: int, output_dim: int, **kwargs
) -> ElmanNetwork:
    """An `ElmanNetwork`: input_dim - hidden_units (+ as many context units) - output_dim.

    Examples:
        >>> model = build_elman_network(6, 20, 6)            # Elman's letter-prediction network
        >>> model.output_shape
        (None, None, 6)
        >>> streaming = build_elman_network(6, 20, 6, stateful=True, batch_size=1)  # chunk by chunk
    """
    return ElmanNetwork(input_dim, hidden_units, output_dim, **kwargs)
