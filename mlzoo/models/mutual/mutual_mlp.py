"""The mutual learning network: a positive net F and a tied negative net G."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from mlzoo._checks import (
    check_batch,
    check_hidden_units,
    check_non_negative,
    check_positive_int,
    check_sample_shape,
    check_values,
)
from mlzoo.layers.tied_transpose_dense import TiedTransposeDense
from mlzoo.losses.squared_error import SquaredError
from mlzoo.models._training import (
    apply_gradients,
    as_loss_object,
    regularization_loss,
    unscaled,
    value_and_gradients,
)
from mlzoo.models.registry import register
from mlzoo.models.zoo_model import ZooModel

_ONE_HOT_HINT = (
    " The negative net G takes the targets y as its input, so y must be one-hot (or soft) "
    "class vectors in [0, 1]; convert integer labels with mlzoo.datasets.one_hot(labels)."
)
_SCALE_HINT = (
    " The negative net reconstructs x through a sigmoid, so x must be scaled to [0, 1] "
    "(mlzoo.datasets.minmax_scale), or build the model with reconstruction_activation=None."
)


@keras.saving.register_keras_serializable(package="mlzoo")
class MutualMLP(ZooModel):
    """Mutual learning network of Liu et al. 2017 (sections 5-6, Procedure 1).

    The model *is* the positive net `F: x -> y` (its `call`), so `predict`,
    `evaluate` and validation use F. Its attribute `negative_net` is the negative
    net `G: y -> x`, whose kernels are the transposed kernels of F in reverse
    order (eq. 5: `Nw1 = Pw2^T`, `Nw2 = Pw1^T`), with biases of its own.

    Each training step runs one direction of Procedure 1:

    - positive phase (steps 3-4): `E_p = (1/s) sum ||F(x_j) - y_j||^2` (eq. 7)
      updates the kernels and F's biases;
    - negative phase (steps 7-8): `E_n = (1/s) sum ||G(y_j) - x_j||^2` (eq. 10)
      updates the kernels and G's biases.

    The transposed copies of steps 6 and 10 are implicit: both nets read the same
    kernel variables. The phase is held in variables that the traced training
    step reads, and is set by the callbacks `AlternatingDirection` (direction
    switch) and `ConversionRateScheduler` (conversion to plain positive
    training). Without them, `fit` is plain positive training (STD-PL).

    Biases of the idle net keep their values; with a stateful optimizer their
    slots (e.g. momentum) see zero gradients, so their momentum decays while idle.

    Logs (every value finite; all usable as Keras monitors in `mode="auto"`):

    - `loss`: mean training loss of the steps taken (E_p or E_n).
    - `positive_loss` and the compiled metrics: F on the epoch's training
      batches, measured at every step; in a negative step F is evaluated
      (before the update) without being trained, so an all-negative epoch
      shows how G's training moved F.
    - `negative_loss`: mean E_n of the epoch's negative steps. An epoch
      without a negative step repeats the last measured value; a model whose G
      has never been measured measures it once, on its first training batch
      (without training it), so the log has a value before G's first step.
      The last value is saved with the model, so a resumed run logs the same.
    - Validation (`val_loss`, `val_<metric>`): F only.

    Args:
        input_dim: width r of x.
        hidden_units: width p of the hidden layer, or a list of widths for a deep
            mutual MLP (every layer tied in reverse; beyond the paper).
        output_dim: width o of y (number of classes).
        activation: hidden activation of both nets (the paper: sigmoid).
        output_activation: activation of F's output (sigmoid in the paper; use
            "softmax" with a cross-entropy loss).
        reconstruction_activation: activation of G's output (sigmoid: data
            scaled to [0, 1] as in the paper).
        l2: L2 weight penalty on the shared kernels (Keras convention:
            `l2 * sum(w^2)`; the paper's MNIST setting is 1e-5).
        kernel_initializer: initializer of the shared kernels.
        **kwargs: `keras.Model` arguments (`name`, `trainable`).

    Examples:
        >>> import keras, numpy as np
        >>> from mlzoo import build_mutual_mlp
        >>> from mlzoo.callbacks import AlternatingDirection
        >>> model = build_mutual_mlp(input_dim=4, hidden_units=8, output_dim=3)
        >>> model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
        >>> x = np.random.rand(30, 4).astype("float32")
        >>> y = np.eye(3, dtype="float32")[np.arange(30) % 3]
        >>> history = model.fit(x, y, epochs=2, callbacks=[AlternatingDirection()], verbose=0)
        >>> model.reconstruct(np.eye(3, dtype="float32")).shape   # G(y): class prototypes
        (3, 4)
    """

    compile_extras = ("negative_loss",)

    def __init__(
        self,
        input_dim: int,
        hidden_units: int | Sequence[int],
        output_dim: int,
        activation="sigmoid",
        output_activation="sigmoid",
        reconstruction_activation="sigmoid",
        l2: float = 0.0,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        input_dim = check_positive_int("input_dim", input_dim)
        output_dim = check_positive_int("output_dim", output_dim)
        widths = check_hidden_units(hidden_units)
        check_non_negative("l2", l2)

        regularizer = keras.regularizers.L2(l2) if l2 else None
        positive_layers = [
            keras.layers.Dense(
                width,
                activation=activation,
                kernel_initializer=kernel_initializer,
                kernel_regularizer=regularizer,
                name=f"positive_hidden_{i + 1}",
            )
            for i, width in enumerate(widths)
        ]
        positive_layers.append(
            keras.layers.Dense(
                output_dim,
                activation=output_activation,
                kernel_initializer=kernel_initializer,
                kernel_regularizer=regularizer,
                dtype="float32",  # keep class scores in float32 under mixed precision
                name="positive_output",
            )
        )
        super().__init__(**kwargs)
        # Subclassed, not functional: `keras.models.clone_model` then copies the whole model
        # (G and the phase state too) through `from_config`.
        width = input_dim
        for layer in positive_layers:
            layer.build((None, width))
            width = layer.units
        self.positive_layers = positive_layers

        negative_layers = []
        y_input = keras.Input((output_dim,), name="y")
        reconstruction = y_input
        for depth, tied in enumerate(reversed(positive_layers)):
            is_last = depth == len(positive_layers) - 1
            layer = TiedTransposeDense(
                tied,
                activation=reconstruction_activation if is_last else activation,
                dtype="float32" if is_last else None,
                name="negative_output" if is_last else f"negative_hidden_{depth + 1}",
            )
            negative_layers.append(layer)
            reconstruction = layer(reconstruction)
        self.negative_net = keras.Model(y_input, reconstruction, name="negative_net")
        self.input_dim = input_dim
        self.hidden_units = hidden_units if isinstance(hidden_units, int) else list(widths)
        self.output_dim = output_dim
        self.activation = activation
        self.output_activation = output_activation
        self.reconstruction_activation = reconstruction_activation
        self.l2 = l2
        self.kernel_initializer = kernel_initializer
        self._kernels = [layer.kernel for layer in positive_layers]
        self._positive_biases = [layer.bias for layer in positive_layers]
        self._negative_biases = [layer.bias for layer in negative_layers]

        # Phase state lives in variables so a traced step (steps_per_execution > 1,
        # tf.distribute) reads the current value; callbacks write it.
        self.negative_phase = keras.Variable(
            0, dtype="int32", trainable=False, name="negative_phase"
        )
        self.direction_period_batches = keras.Variable(
            0, dtype="int32", trainable=False, name="direction_period_batches"
        )
        self.mutual_learning = keras.Variable(
            1, dtype="int32", trainable=False, name="mutual_learning"
        )
        self.mutual_step = keras.Variable(
            0, dtype="int32", trainable=False, name="mutual_step", aggregation="only_first_replica"
        )
        # The last logged E_n, repeated by epochs without a negative step (saved with the
        # model, so a resumed run logs the same); written after every epoch by `fit`.
        self.negative_loss_last = keras.Variable(
            0.0, dtype="float32", trainable=False, name="negative_loss_last"
        )
        self.negative_loss_measured = keras.Variable(
            0, dtype="int32", trainable=False, name="negative_loss_measured"
        )
        self.loss_tracker = self.add_tracker("loss", "min")
        self.positive_loss_tracker = self.add_tracker("positive_loss", "min")
        self.negative_loss_tracker = self.add_tracker("negative_loss", "min")
        self.negative_loss = SquaredError()
        self.built = True

    def call(self, x, training=None):
        """F(x): the class scores of the positive net."""
        for layer in self.positive_layers:
            x = layer(x, training=training)
        return x

    @property
    def feature_shape(self) -> tuple:
        return (self.input_dim,)

    # ----------------------------------------------------------------- compile
    def compile_defaults(self) -> dict:
        """RMSprop; `mlzoo.losses.SquaredError` for both nets (eq. 7 and eq. 10)."""
        return {"optimizer": "rmsprop", "loss": SquaredError(), "negative_loss": SquaredError()}

    def configure_compile(self, args: dict) -> dict:
        """`negative_loss` (any Keras loss) trains G; the rest is Keras' compile."""
        self.negative_loss = as_loss_object(args.pop("negative_loss", None) or SquaredError())
        return args

    # ------------------------------------------------------------------------ training
    def is_negative_step(self):
        """Whether the next training step is a negative-phase step (a bool tensor)."""
        period = self.direction_period_batches
        by_batch = ops.equal((self.mutual_step // ops.maximum(period, 1)) % 2, 1)
        negative = ops.where(period > 0, by_batch, ops.equal(self.negative_phase, 1))
        return ops.logical_and(ops.equal(self.mutual_learning, 1), negative)

    def _negative_objective(self, x, y, sample_weight, training):
        """E_n of one batch (per-replica scaled like Keras' losses), with the L2 penalty."""
        x_rec = self.negative_net(y, training=training)
        return self.negative_loss(x, x_rec, sample_weight) + regularization_loss(self)

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        negative = self.is_negative_step()
        # A model whose G was never measured measures it on its first positive step.
        seed = ops.logical_and(
            ops.equal(self.negative_loss_measured, 0),
            ops.equal(self.negative_loss_tracker.count, 0),
        )
        branch = ops.cast(ops.where(negative, 1, ops.where(seed, 2, 0)), "int32")
        batch_size = ops.shape(x)[0]
        kernels, positive_biases = self._kernels, self._positive_biases
        negative_biases = self._negative_biases
        num_kernels = len(kernels)

        # Pure branches (no assignment): (loss, E_p, measured E_n, F(x), gradients).
        def positive_step(measure_negative):
            def objective():
                y_pred = self(x, training=True)
                loss = self.compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
                )
                return self.optimizer.scale_loss(loss), (loss, y_pred)

            _, (loss, y_pred), grads = value_and_gradients(objective, kernels + positive_biases)
            measured = (
                self._negative_objective(x, y, sample_weight, training=False)
                if measure_negative
                else ops.zeros((), "float32")
            )
            idle = [ops.zeros(b.shape, b.dtype) for b in negative_biases]
            return [loss, loss, measured, ops.cast(y_pred, "float32"), *grads, *idle]

        def negative_step():
            y_pred = self(x, training=False)  # F is measured, not trained
            positive = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
            )

            def objective():
                loss = self._negative_objective(x, y, sample_weight, training=True)
                return self.optimizer.scale_loss(loss), loss

            _, loss, grads = value_and_gradients(objective, kernels + negative_biases)
            idle = [ops.zeros(b.shape, b.dtype) for b in positive_biases]
            return [
                loss,
                positive,
                loss,
                ops.cast(y_pred, "float32"),
                *grads[:num_kernels],
                *idle,
                *grads[num_kernels:],
            ]

        loss, positive_loss, measured, y_pred, *grads = ops.switch(
            branch, [lambda: positive_step(False), negative_step, lambda: positive_step(True)]
        )
        biases = positive_biases + negative_biases
        held = [ops.copy(b) for b in biases]
        apply_gradients(self.optimizer, grads, kernels + biases)
        idle = [negative] * len(positive_biases)
        idle += [ops.logical_not(negative)] * len(negative_biases)
        for bias, before, is_idle in zip(biases, held, idle, strict=True):
            bias.assign(ops.where(is_idle, before, bias.value))
        self.mutual_step.assign_add(1)
        self.loss_tracker.update_state(unscaled(loss), sample_weight=batch_size)
        self.positive_loss_tracker.update_state(unscaled(positive_loss), sample_weight=batch_size)
        measures = ops.cast(ops.not_equal(branch, 0), "int32")  # a negative or seeding step
        self.negative_loss_tracker.update_state(
            unscaled(measured), sample_weight=batch_size * measures
        )
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self.loss_tracker.update_state(unscaled(loss), sample_weight=ops.shape(x)[0])
        logs = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        return {k: v for k, v in logs.items() if k not in ("positive_loss", "negative_loss")}

    def get_metrics_result(self):
        """Keras' metric results, with `negative_loss` repeating its last value while idle."""
        logs = super().get_metrics_result()
        if "negative_loss" in logs:
            tracker = self.negative_loss_tracker
            logs["negative_loss"] = ops.where(
                tracker.count > 0, tracker.result(), self.negative_loss_last.value
            )
        return logs

    def fit(
        self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, **kwargs
    ):
        """`keras.Model.fit`; the epoch's `negative_loss` is kept for the idle epochs after it."""
        callbacks = [_KeepNegativeLoss(), *(callbacks or [])]
        return super().fit(x, y, batch_size, epochs, verbose, callbacks, **kwargs)

    # ----------------------------------------------------------------- inputs and outputs
    def check_data(self, x, y, where: str) -> None:
        if y is not None:
            check_sample_shape(f"{where} y", y, (self.output_dim,), _ONE_HOT_HINT)
        if where != "fit" or not isinstance(x, np.ndarray):
            return  # only training data must lie in G's ranges; specs carry no values
        if self.reconstruction_activation == "sigmoid":
            check_values("fit x", x, value_range=(0.0, 1.0), hint=_SCALE_HINT)
        if y is not None:
            check_values("fit y", y, value_range=(0.0, 1.0), hint=_ONE_HOT_HINT)

    def reconstruct(self, y, batch_size=None, verbose=0):
        """Data-space reconstruction of the negative net, G(y).

        With one-hot `y` (e.g. `np.eye(output_dim)`) these are the class
        prototypes of figures 13 and 17 of the paper.
        """
        check_batch("reconstruct y", y, (self.output_dim,))
        return self.negative_net.predict(y, batch_size=batch_size, verbose=verbose)


class _KeepNegativeLoss(keras.callbacks.Callback):
    """Stores each epoch's logged `negative_loss` in the model (before any backup is written)."""

    def on_epoch_end(self, epoch, logs=None):
        if logs and "negative_loss" in logs:
            self.model.negative_loss_last.assign(logs["negative_loss"])
            self.model.negative_loss_measured.assign(1)


@register("mutual_mlp")
def build_mutual_mlp(
    input_dim: int,
    hidden_units: int | Sequence[int],
    output_dim: int,
    activation="sigmoid",
    **kwargs,
) -> MutualMLP:
    """Build a mutual learning MLP (positive net F, tied negative net G).

    See `MutualMLP` for every argument. The paper's MNIST network is
    `build_mutual_mlp(784, 300, 10, l2=1e-5)`, trained with
    `SGD(0.2, momentum=0.9)` and batch size 200 (section 7.4.2).
    """
    return MutualMLP(input_dim, hidden_units, output_dim, activation=activation, **kwargs)
