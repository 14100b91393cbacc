"""Deep sharing ensemble: independent output heads on hidden layers, trained jointly, voting."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from mlzoo._checks import check_weights
from mlzoo.layers.ensemble_vote import VOTINGS, EnsembleVote
from mlzoo.models._checked_inputs import CheckedInputs
from mlzoo.models._training import as_loss_object, regularization_loss, require_tensorflow, unscaled

_LABEL_HINT = (
    " Pass integer class labels 0..C-1 (shape (N,) or (N, 1)) or one-hot rows (N, C); "
    "for a one-unit sigmoid head (num_classes=1), labels 0/1."
)


@keras.saving.register_keras_serializable(package="mlzoo")
class SharingEnsemble(CheckedInputs, keras.Model):
    """A network whose hidden layers carry independent output heads that vote (Du et al.).

    `network` maps the input to the list of the H heads' class probabilities;
    the heads share the network's hidden layers. Training minimises eq. (8),

        loss = sum_{l,j} lambda_{l,j} J_{l,j}(w, theta),

    so each shared layer receives the weighted sum of the gradients of every
    head above it (eq. 9-11); `model.fit` does this with any optimizer.
    Inference is the weighted vote of the heads (eq. 5-6, `EnsembleVote`):
    `predict` returns the ensemble's class probabilities, `predict_heads` every
    head's. Build one with `attach_sharing_ensemble` (any functional backbone)
    or the `build_sharing_ensemble_*` builders.

    Labels: integer classes (N,) / (N, 1) or one-hot (N, C); with one-unit
    sigmoid heads, 0/1. The default loss (`compile(loss=None)`) is the
    cross-entropy matching the heads and the label format (eq. 7). Logs: `loss`
    (eq. 8), `ensemble_accuracy` (accuracy of the vote) and the compiled
    metrics, computed on the ensemble output.

    Args:
        network: functional `keras.Model` whose outputs are the heads'
            probabilities, each (batch, C) (C = 1: sigmoid).
        head_taps: for each head, the index of the tap (hidden layer) it sits
            on, in network order; heads on the last tap are the "top" heads.
        loss_weights: lambda_{l,j} per head (non-negative); default all 1.
        voting: "soft" (mean of probabilities) or "hard" (majority of argmax).
        vote_weights: per-head vote weights, "equal" (default) or "top" (only
            the heads on the last tap vote: a deeply-supervised net, whose
            lower heads only train).
        **kwargs: `keras.Model` arguments (`name`, ...).

    Example:

    >>> import mlzoo
    >>> (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
    >>> model = mlzoo.build_sharing_ensemble_mlp(64, 10, depth=4, first_units=128)
    >>> model.compile("adam", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=20, verbose=0)   # logs loss, ensemble_accuracy
    >>> model.predict(x_test).shape, model.predict_heads(x_test).shape
    ((575, 10), (10, 575, 10))
    """

    def __init__(
        self,
        network: keras.Model,
        head_taps: Sequence[int] | None = None,
        loss_weights: Sequence[float] | None = None,
        voting: str = "soft",
        vote_weights: str | Sequence[float] = "equal",
        **kwargs,
    ):
        require_tensorflow("SharingEnsemble")
        super().__init__(**kwargs)
        outputs = network.outputs
        if not isinstance(outputs, (list, tuple)) or not outputs:
            raise ValueError("`network` must be a functional model whose outputs are the heads.")
        shapes = [tuple(output.shape) for output in outputs]
        if any(len(shape) != 2 for shape in shapes) or len({s[-1] for s in shapes}) != 1:
            raise ValueError(
                f"Every head must output (batch, num_classes) alike; received shapes {shapes}."
            )
        num_heads = len(outputs)
        self.network = network
        self.num_classes = int(shapes[0][-1])
        self.head_taps = [0] * num_heads if head_taps is None else [int(t) for t in head_taps]
        if len(self.head_taps) != num_heads:
            raise ValueError(
                f"`head_taps` has {len(self.head_taps)} entries for {num_heads} heads."
            )
        self.loss_weights = (
            [1.0] * num_heads
            if loss_weights is None
            else check_weights("loss_weights", loss_weights, num_heads)
        )
        if voting not in VOTINGS:
            raise ValueError(f"`voting` must be 'soft' or 'hard'; received voting={voting!r}.")
        self.voting = voting
        self.vote_weights = vote_weights if isinstance(vote_weights, str) else list(vote_weights)
        self.vote = EnsembleVote(voting, self._initial_vote_weights(), name="vote")
        self.vote.build(shapes)
        self._loss_tracker = keras.metrics.Mean(name="loss")
        self._ensemble_accuracy = keras.metrics.Mean(name="ensemble_accuracy")
        self.head_loss = None
        self.built = True  # every sub-layer is built: the network is functional, the vote too

    @property
    def num_heads(self) -> int:
        return len(self.head_taps)

    def _initial_vote_weights(self) -> list[float]:
        if self.vote_weights == "equal":
            return [1.0] * self.num_heads
        if self.vote_weights == "top":
            top = max(self.head_taps)
            return [float(tap == top) for tap in self.head_taps]
        if isinstance(self.vote_weights, str):
            raise ValueError(
                "`vote_weights` must be 'equal', 'top' or one weight per head; received "
                f"{self.vote_weights!r}."
            )
        return check_weights("vote_weights", self.vote_weights, self.num_heads)

    # ------------------------------------------------------------------ forward
    def heads(self, inputs, training=False) -> list:
        """The heads' outputs as a list (also for a single-head network)."""
        outputs = self.network(inputs, training=training)
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def call(self, inputs, training=False):
        return self.vote(self.heads(inputs, training=training))

    def predict_heads(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """Every head's class probabilities, shape (num_heads, N, C), network order."""
        self._check_xy(x, None, "predict_heads")
        heads = self.network.predict(x, batch_size=batch_size, verbose=verbose)
        return np.stack(heads if isinstance(heads, (list, tuple)) else [heads])

    def head_accuracies(self, x, y, batch_size=None) -> np.ndarray:
        """Accuracy of every head on `(x, y)`, shape (num_heads,), network order."""
        self._check_xy(x, y, "head_accuracies")
        heads = self.predict_heads(x, batch_size=batch_size)
        truth = class_labels(y, self.num_classes)
        return (predicted_classes(heads) == truth).mean(axis=-1)

    # ------------------------------------------------------------------ training
    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """Configure training; `loss` applies to every head (default: matching cross-entropy).

        `metrics` are computed on the ensemble output; `ensemble_accuracy` is always logged.
        """
        super().compile(optimizer=optimizer, metrics=metrics, **kwargs)
        self.head_loss = None if loss is None else as_loss_object(loss)
        self._compile_config.config["loss"] = loss

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    @property
    def metrics(self):
        metrics = [self._loss_tracker, self._ensemble_accuracy]
        if self._compile_metrics is not None:
            metrics.append(self._compile_metrics)
        return metrics

    def _loss_for(self, y):
        if self.head_loss is not None:
            return self.head_loss, y
        if self.num_classes == 1:
            return as_loss_object("binary_crossentropy"), ops.cast(
                ops.reshape(y, (-1, 1)), "float32"
            )
        if y.shape.rank == 2 and y.shape[-1] == self.num_classes:
            return as_loss_object("categorical_crossentropy"), y
        return as_loss_object("sparse_categorical_crossentropy"), ops.reshape(y, (-1,))

    def _ensemble_loss(self, y, heads, sample_weight):
        """Eq. (8): sum over heads of lambda_{l,j} J_{l,j}, plus weight penalties."""
        loss_fn, target = self._loss_for(y)
        terms = [
            weight * loss_fn(target, head, sample_weight)
            for weight, head in zip(self.loss_weights, heads, strict=True)
            if weight
        ]
        return ops.sum(ops.stack(terms)) + regularization_loss(self)

    def _update_metrics(self, x, y, ensemble, loss, sample_weight):
        batch_size = tf.shape(ensemble)[0]
        self._loss_tracker.update_state(unscaled(loss), sample_weight=batch_size)
        if self.num_classes == 1:
            predicted = ops.cast(ops.reshape(ensemble, (-1,)) > 0.5, "int64")
            truth = ops.cast(ops.cast(ops.reshape(y, (-1,)), "float32") > 0.5, "int64")
        else:
            predicted = ops.argmax(ensemble, axis=-1)
            one_hot = y.shape.rank == 2 and y.shape[-1] == self.num_classes
            truth = ops.argmax(y, axis=-1) if one_hot else ops.cast(ops.reshape(y, (-1,)), "int64")
        correct = ops.cast(ops.equal(predicted, truth), "float32")
        self._ensemble_accuracy.update_state(correct, sample_weight=sample_weight)
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, ensemble, sample_weight)
        return {metric.name: metric.result() for metric in self.metrics[:2]} | (
            self._compile_metrics.result() if self._compile_metrics is not None else {}
        )

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            heads = self.heads(x, training=True)
            loss = self._ensemble_loss(y, heads, sample_weight)
            scaled = self.optimizer.scale_loss(loss)
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(scaled, variables), variables)
        return self._update_metrics(x, y, self.vote(heads), loss, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        heads = self.heads(x, training=False)
        loss = self._ensemble_loss(y, heads, sample_weight)
        return self._update_metrics(x, y, self.vote(heads), loss, sample_weight)

    # ------------------------------------------------------------------ inputs
    def _check_xy(self, x, y, where: str):
        check_inputs(self.network, self.num_classes, x, y, where)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "network": keras.saving.serialize_keras_object(self.network),
            "head_taps": self.head_taps,
            "loss_weights": self.loss_weights,
            "voting": self.voting,
            "vote_weights": self.vote_weights,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


def class_labels(y, num_classes: int) -> np.ndarray:
    """Integer classes from integer, (N, 1) or one-hot labels (numpy)."""
    y = np.asarray(y)
    if num_classes > 1 and y.ndim == 2 and y.shape[1] == num_classes:
        return y.argmax(axis=1)
    y = y.reshape(-1)
    return (y > 0.5).astype("int64") if num_classes == 1 else y.astype("int64")


def predicted_classes(probabilities: np.ndarray) -> np.ndarray:
    """Classes from probabilities (..., C); one-unit sigmoid outputs threshold at 0.5."""
    if probabilities.shape[-1] == 1:
        return (probabilities[..., 0] > 0.5).astype("int64")
    return probabilities.argmax(axis=-1)


def check_inputs(network: keras.Model, num_classes: int, x, y, where: str) -> None:
    """Clear errors for wrong input shapes, NaN inputs and wrong label formats."""
    expected = tuple(network.inputs[0].shape[1:])
    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        spec = spec[0] if isinstance(spec, (tuple, list)) else spec
        shape = getattr(spec, "shape", None)
        if shape is not None and shape.rank is not None and not _compatible(shape[1:], expected):
            raise ValueError(
                f"`{where} x` elements must have shape (batch, {_fmt(expected)}); the dataset "
                f"yields shape {tuple(shape)}."
            )
        return
    if x is None or not hasattr(x, "shape"):
        return
    if not _compatible(tuple(x.shape[1:]), expected):
        raise ValueError(
            f"`{where} x` must have shape (num_samples, {_fmt(expected)}); received shape "
            f"{tuple(x.shape)}."
        )
    values = np.asarray(x)
    if np.issubdtype(values.dtype, np.floating) and not np.isfinite(values).all():
        raise ValueError(
            f"`{where} x` contains {int((~np.isfinite(values)).sum())} NaN or infinite values."
        )
    if y is None or not hasattr(y, "shape"):
        return
    labels = np.asarray(y)
    if labels.shape[0] != values.shape[0]:
        raise ValueError(
            f"`{where} x` has {values.shape[0]} samples but `{where} y` has {labels.shape[0]}."
        )
    if not np.issubdtype(labels.dtype, np.number) or not np.isfinite(labels).all():
        raise ValueError(f"`{where} y` must be finite numeric labels.{_LABEL_HINT}")
    one_hot = labels.ndim == 2 and labels.shape[1] == num_classes and num_classes > 1
    if one_hot:
        if labels.min() < 0 or not np.allclose(labels.sum(1), 1.0, atol=1e-3):
            raise ValueError(
                f"`{where} y` of shape {labels.shape} must be one-hot (or probability) rows "
                f"summing to 1.{_LABEL_HINT}"
            )
        return
    if labels.ndim > 2 or (labels.ndim == 2 and labels.shape[1] != 1):
        raise ValueError(
            f"`{where} y` has shape {labels.shape}, but the heads have {num_classes} "
            f"output(s).{_LABEL_HINT}"
        )
    high = max(num_classes, 2)
    if (labels != np.round(labels)).any() or labels.min() < 0 or labels.max() >= high:
        raise ValueError(
            f"`{where} y` must hold integer classes in [0, {high - 1}]; received values in "
            f"[{labels.min():g}, {labels.max():g}].{_LABEL_HINT}"
        )


def _compatible(shape, expected) -> bool:
    if len(shape) != len(expected):
        return False
    pairs = zip(shape, expected, strict=True)
    return all(want is None or got is None or got == want for got, want in pairs)


def _fmt(shape) -> str:
    return ", ".join("?" if dim is None else str(dim) for dim in shape)
