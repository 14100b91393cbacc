"""The mutual learning network: a positive net F and a tied negative net G."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import tensorflow as tf
from keras import ops

from mlzoo._checks import (
    check_array,
    check_hidden_units,
    check_non_negative,
    check_positive_int,
    check_spec,
)
from mlzoo.layers.tied_transpose_dense import TiedTransposeDense
from mlzoo.losses.squared_error import SquaredError
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._training import as_loss_object, regularization_loss, require_tensorflow, unscaled

_ONE_HOT_HINT = (
    " The negative net G takes the targets y as its input, so y must be one-hot (or soft) "
    "class vectors in [0, 1]; convert integer labels with mlzoo.datasets.one_hot(labels)."
)
_SCALE_HINT = (
    " The negative net reconstructs x through a sigmoid, so x must be scaled to [0, 1] "
    "(mlzoo.datasets.minmax_scale), or build the model with reconstruction_activation=None."
)


@keras.saving.register_keras_serializable(package="mlzoo")
class MutualMLP(CheckedInputs, keras.Model):
    """Mutual learning network of Liu et al. 2017 (sections 5-6, Procedure 1).

    The model *is* the positive net `F: x -> y` (a functional MLP), so `predict`,
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

    Logs: `loss` (mean loss of the steps actually taken), `positive_loss` and
    `negative_loss` (NaN in an epoch without a step of that phase) and the
    compiled metrics, computed on positive steps only (NaN otherwise).

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

    Example:

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
        require_tensorflow("MutualMLP")
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
        x_input = keras.Input((input_dim,), name="x")
        scores = x_input
        for layer in positive_layers:
            scores = layer(scores)

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

        super().__init__(inputs=x_input, outputs=scores, **kwargs)
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
        # Per-phase trackers stay out of `self.metrics` so validation logs hold only the
        # positive net's loss and metrics; `reset_metrics` resets them each epoch.
        object.__setattr__(
            self,
            "_phase_trackers",
            {
                "positive_loss": keras.metrics.Mean(name="positive_loss"),
                "negative_loss": keras.metrics.Mean(name="negative_loss"),
            },
        )
        self.negative_loss = SquaredError()

    # ----------------------------------------------------------------- compile / config
    def compile(self, optimizer="rmsprop", loss=None, negative_loss=None, **kwargs):
        """Configure training; `loss` is the positive loss, `negative_loss` G's loss.

        Both default to `mlzoo.losses.SquaredError` (eq. 7 and eq. 10). Any Keras
        loss is accepted for either, e.g. `loss="categorical_crossentropy"` with
        `output_activation="softmax"`.
        """
        loss = SquaredError() if loss is None else loss
        negative_loss = SquaredError() if negative_loss is None else negative_loss
        super().compile(optimizer=optimizer, loss=loss, **kwargs)
        self.negative_loss = as_loss_object(negative_loss)
        self._compile_config.config["negative_loss"] = negative_loss

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "input_dim": self.input_dim,
            "hidden_units": self.hidden_units,
            "output_dim": self.output_dim,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "reconstruction_activation": self.reconstruction_activation,
            "l2": self.l2,
            "kernel_initializer": keras.saving.serialize_keras_object(
                keras.initializers.get(self.kernel_initializer)
            ),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["kernel_initializer"] = keras.initializers.get(config["kernel_initializer"])
        return cls(**config)

    # ------------------------------------------------------------------------ training
    def is_negative_step(self):
        """Whether the next training step is a negative-phase step (a bool tensor)."""
        period = self.direction_period_batches
        by_batch = ops.equal((self.mutual_step // ops.maximum(period, 1)) % 2, 1)
        negative = ops.where(period > 0, by_batch, ops.equal(self.negative_phase, 1))
        return ops.logical_and(ops.equal(self.mutual_learning, 1), negative)

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        negative = self.is_negative_step()
        batch_size = tf.shape(x)[0]
        variables = self._kernels + self._positive_biases + self._negative_biases
        num_kernels, num_positive = len(self._kernels), len(self._positive_biases)

        def positive_step():
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self._compute_loss(
                    x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
                )
                scaled = self.optimizer.scale_loss(loss)
            grads = tape.gradient(scaled, variables[: num_kernels + num_positive])
            self._phase_trackers["positive_loss"].update_state(
                unscaled(loss), sample_weight=batch_size
            )
            self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
            return [loss] + grads + [ops.zeros_like(b) for b in self._negative_biases]

        def negative_step():
            negative_vars = self._kernels + self._negative_biases
            with tf.GradientTape() as tape:
                x_rec = self.negative_net(y, training=True)
                loss = self.negative_loss(x, x_rec, sample_weight) + regularization_loss(self)
                scaled = self.optimizer.scale_loss(loss)
            grads = tape.gradient(scaled, negative_vars)
            self._phase_trackers["negative_loss"].update_state(
                unscaled(loss), sample_weight=batch_size
            )
            positive_zeros = [ops.zeros_like(b) for b in self._positive_biases]
            return [loss] + grads[:num_kernels] + positive_zeros + grads[num_kernels:]

        replica_loss, *grads = tf.cond(negative, negative_step, positive_step)
        held = [ops.copy(b) for b in self._positive_biases + self._negative_biases]
        self.optimizer.apply(grads, variables)
        idle = [negative] * num_positive + [ops.logical_not(negative)] * len(self._negative_biases)
        for bias, before, is_idle in zip(
            self._positive_biases + self._negative_biases, held, idle, strict=True
        ):
            bias.assign(ops.where(is_idle, before, bias))
        self.mutual_step.assign_add(1)
        self._loss_tracker.update_state(unscaled(replica_loss), sample_weight=batch_size)
        return self._training_logs()

    def _training_logs(self):
        logs = {"loss": self._loss_tracker.result()}
        nan = ops.convert_to_tensor(float("nan"))
        positive_seen = self._phase_trackers["positive_loss"].count > 0
        for name, tracker in self._phase_trackers.items():
            logs[name] = ops.where(tracker.count > 0, tracker.result(), nan)
        if self._compile_metrics is not None:
            for name, value in self._compile_metrics.result().items():
                logs[name] = ops.where(positive_seen, ops.cast(value, "float32"), nan)
        return logs

    def reset_metrics(self):
        super().reset_metrics()
        for tracker in self._phase_trackers.values():
            tracker.reset_state()

    # ----------------------------------------------------------------- inputs and outputs
    def _check_xy(self, x, y, where: str):
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if isinstance(spec, tuple) and len(spec) >= 2:
                check_spec(f"{where} x", spec[0], last_dim=self.input_dim)
                check_spec(f"{where} y", spec[1], last_dim=self.output_dim)
            return
        # Only training data must lie in G's output range; scores of other data are harmless.
        scaled = where == "fit" and self.reconstruction_activation == "sigmoid"
        check_array(
            f"{where} x",
            x,
            last_dim=self.input_dim,
            value_range=(0.0, 1.0) if scaled else None,
            hint=_SCALE_HINT if scaled else "",
        )
        if y is not None:
            check_array(
                f"{where} y",
                y,
                last_dim=self.output_dim,
                value_range=(0.0, 1.0) if where == "fit" else None,
                hint=_ONE_HOT_HINT,
            )

    def predict(self, x, *args, **kwargs):
        """Class scores of the positive net, F(x)."""
        return super().predict(x, *args, **kwargs)

    def reconstruct(self, y, batch_size=None, verbose=0):
        """Data-space reconstruction of the negative net, G(y).

        With one-hot `y` (e.g. `np.eye(output_dim)`) these are the class
        prototypes of figures 13 and 17 of the paper.
        """
        check_array("reconstruct y", y, last_dim=self.output_dim, hint=_ONE_HOT_HINT)
        return self.negative_net.predict(y, batch_size=batch_size, verbose=verbose)


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
