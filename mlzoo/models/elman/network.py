"""The Elman network (BP lecture, "Elman 网络"; Elman 1990): hidden state fed back as context."""

from __future__ import annotations

import keras

from mlzoo._checks import check_positive_int
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._rebuilt_functional import RebuiltFunctional
from mlzoo.models.elman.inputs import check_activation, check_sequences


@keras.saving.register_keras_serializable(package="mlzoo")
class ElmanNetwork(RebuiltFunctional, CheckedInputs, keras.Model):
    """h_t = f(W x_t + U h_{t-1} + b), y_t = g(V h_t + c) at every step (Elman 1990, fig. 2).

    The context units hold h_{t-1}, a copy of the previous hidden state, and feed
    it back into the hidden layer (`keras.layers.SimpleRNN`, layer "hidden");
    the output layer (`Dense`, "output", float32 also under mixed precision)
    reads every hidden state, so a (batch, T, input_dim) sequence maps to a
    (batch, T, output_dim) one. Train it with `model.fit` (BP through time).

    Stateful (streaming): the context survives between batches, so a long
    stream can be fed in consecutive chunks; the batch size is then fixed
    (`batch_size`, used by `fit`/`evaluate`/`predict`, which never shuffle),
    `fit` clears the context at the start of every epoch (one pass over the
    stream) and `reset_context()` clears it by hand. `fit`/`evaluate`/`predict`
    reject wrong shapes, NaN inputs and bad targets with a clear error.

    Args:
        input_dim: features per step.
        hidden_units: hidden (= context) units.
        output_dim: outputs per step.
        activation: f, a Keras activation name; "sigmoid" as in Elman (1990).
        output_activation: g, e.g. "sigmoid" (default: binary targets in
            [0, 1]), "softmax" (targets one-hot or integer classes (N, T)) or None.
        stateful: keep the context between batches.
        batch_size: the fixed batch size; required when `stateful`.
        **kwargs: `keras.Model` arguments (`name`).

    Example:

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
        self._config = {
            "input_dim": input_dim,
            "hidden_units": hidden_units,
            "output_dim": output_dim,
            "activation": activation,
            "output_activation": output_activation,
            "stateful": stateful,
            "batch_size": batch_size,
        }
        inputs = keras.Input((None, input_dim), batch_size=batch_size, name="x")
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

    @property
    def stateful(self) -> bool:
        return self._config["stateful"]

    def reset_context(self) -> None:
        """Clear the context units (h_{t-1} = 0): the next batch starts a new stream."""
        self.get_layer("hidden").reset_state()

    def fit(self, x=None, y=None, batch_size=None, *args, callbacks=None, **kwargs):
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

    def evaluate(self, x=None, y=None, batch_size=None, *args, **kwargs):
        return super().evaluate(x, y, self._batch_size_for(batch_size), *args, **kwargs)

    def predict(self, x, batch_size=None, *args, **kwargs):
        return super().predict(x, self._batch_size_for(batch_size), *args, **kwargs)

    def _batch_size_for(self, batch_size):
        fixed = self._config["batch_size"]
        if batch_size is None:
            return fixed
        if fixed is not None and batch_size != fixed:
            raise ValueError(
                f"This ElmanNetwork has the fixed batch_size={fixed}; received "
                f"batch_size={batch_size}."
            )
        return batch_size

    def _check_xy(self, x, y, where: str) -> None:
        check_sequences(self._config, x, y, where)


def build_elman_network(
    input_dim: int, hidden_units: int, output_dim: int, **kwargs
) -> ElmanNetwork:
    """An `ElmanNetwork`: input_dim - hidden_units (+ as many context units) - output_dim.

    >>> model = build_elman_network(6, 20, 6)            # Elman's letter-prediction network
    >>> model.output_shape
    (None, None, 6)
    >>> streaming = build_elman_network(6, 20, 6, stateful=True, batch_size=1)  # chunk by chunk
    """
    return ElmanNetwork(input_dim, hidden_units, output_dim, **kwargs)
