"""Deep sharing ensemble: independent output heads on hidden layers, trained jointly, voting."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_class_labels, check_weights, one_hot_for_loss
from mlzoo.layers.ensemble_vote import VOTINGS, EnsembleVote, predicted_classes
from mlzoo.models._training import (
    apply_gradients,
    as_loss_object,
    regularization_loss,
    unscaled,
    value_and_gradients,
)
from mlzoo.models.zoo_model import ZooModel


@keras.saving.register_keras_serializable(package="mlzoo")
class SharingEnsemble(ZooModel):
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
    sigmoid heads, 0/1. The default loss (`compile()` without `loss`) is the
    cross-entropy matching the heads and the label format (eq. 7); a sparse
    loss takes integer classes only, Keras' other losses one-hot rows only. A
    network that starts with an `Embedding` takes token ids in
    [0, vocab_size). Default optimizer: Adam. Logs: `loss` (eq. 8),
    `ensemble_accuracy` (accuracy of the vote; higher is better, so Keras'
    monitors work in mode "auto") and the compiled metrics, computed on the
    ensemble output. `sample_weight` weights every head's loss term.

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

    Examples:
        >>> import mlzoo
        >>> (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
        >>> model = mlzoo.build_sharing_ensemble_mlp(64, 10, depth=4, first_units=128)
        >>> model.compile("adam", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=3, verbose=0)   # logs loss, ensemble_accuracy
        >>> model.predict(x_test, verbose=0).shape, model.predict_heads(x_test, verbose=0).shape
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
        super().__init__(**kwargs)
        outputs = getattr(network, "outputs", None)
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
        self.loss_tracker = self.add_tracker("loss", "min")
        self.ensemble_accuracy = self.add_tracker("ensemble_accuracy", "max")
        self.head_loss = None
        self.label_one_hot = None  # the label format the compiled loss takes (None: either)
        self.built = True  # every sub-layer is built: the network is functional, the vote too

    @property
    def num_heads(self) -> int:
        return len(self.head_taps)

    @property
    def feature_shape(self) -> tuple:
        return tuple(self.network.inputs[0].shape[1:])

    @property
    def vocab_size(self) -> int | None:
        """Token ids are in [0, vocab_size) when the network's input feeds an `Embedding`."""
        source = self.network.inputs[0]
        for layer in self.network.layers:
            if isinstance(layer, keras.layers.Embedding) and layer.input is source:
                return int(layer.input_dim)
        return None

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
        self._checked("predict_heads", x, None)
        heads = self.network.predict(x, batch_size=batch_size, verbose=verbose)
        return np.stack(heads if isinstance(heads, (list, tuple)) else [heads])

    def head_accuracies(self, x, y, batch_size=None) -> np.ndarray:
        """Accuracy of every head on `(x, y)`, shape (num_heads,), network order."""
        truth = check_class_labels("head_accuracies y", y, self.num_classes)
        if len(truth) != len(x):
            raise ValueError(f"`head_accuracies y` has {len(truth)} labels for {len(x)} samples.")
        heads = self.predict_heads(x, batch_size=batch_size)
        return (predicted_classes(heads) == truth).mean(axis=-1)

    # ------------------------------------------------------------------ training
    def compile_defaults(self) -> dict:
        """Adam; the loss defaults to the cross-entropy matching the labels (in the step)."""
        return {"optimizer": "adam"}

    def configure_compile(self, args: dict) -> dict:
        """`loss` applies to every head; `metrics` are computed on the ensemble output."""
        loss = args.pop("loss", None)
        self.head_loss = None if loss is None else as_loss_object(loss)
        self.label_one_hot = None if self.num_classes == 1 else one_hot_for_loss(loss)
        return args

    def _loss_for(self, y):
        if self.head_loss is not None:
            return self.head_loss, y
        if self.num_classes == 1:
            return as_loss_object("binary_crossentropy"), ops.cast(
                ops.reshape(y, (-1, 1)), "float32"
            )
        if len(y.shape) == 2 and y.shape[-1] == self.num_classes:
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
        batch_size = ops.shape(ensemble)[0]
        self.loss_tracker.update_state(unscaled(loss), sample_weight=batch_size)
        if self.num_classes == 1:
            predicted = ops.cast(ops.reshape(ensemble, (-1,)) > 0.5, "int32")
            truth = ops.cast(ops.cast(ops.reshape(y, (-1,)), "float32") > 0.5, "int32")
        else:
            predicted = ops.argmax(ensemble, axis=-1)
            one_hot = len(y.shape) == 2 and y.shape[-1] == self.num_classes
            truth = ops.argmax(y, axis=-1) if one_hot else ops.cast(ops.reshape(y, (-1,)), "int32")
        correct = ops.cast(ops.equal(predicted, truth), "float32")
        self.ensemble_accuracy.update_state(correct, sample_weight=sample_weight)
        return self.compute_metrics(x, y, ensemble, sample_weight)

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)

        def objective():
            heads = self.heads(x, training=True)
            loss = self._ensemble_loss(y, heads, sample_weight)
            return self.optimizer.scale_loss(loss), (loss, heads)

        variables = self.trainable_variables
        _, (loss, heads), grads = value_and_gradients(objective, variables)
        apply_gradients(self.optimizer, grads, variables)
        return self._update_metrics(x, y, self.vote(heads), loss, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        heads = self.heads(x, training=False)
        loss = self._ensemble_loss(y, heads, sample_weight)
        return self._update_metrics(x, y, self.vote(heads), loss, sample_weight)

    # ------------------------------------------------------------------ inputs
    def check_data(self, x, y, where: str) -> None:
        """Labels in the format of the heads and the loss; token ids below `vocab_size`."""
        vocab = self.vocab_size
        if vocab is not None and isinstance(x, np.ndarray) and x.size:
            low, high = float(x.min()), float(x.max())
            if low < 0 or high >= vocab or not np.array_equal(x, np.round(x)):
                raise ValueError(
                    f"`{where} x` must hold integer token ids in [0, {vocab - 1}] (the "
                    f"Embedding's vocab_size is {vocab}); received values in [{low:g}, "
                    f"{high:g}]. Map unknown tokens to an id below vocab_size (e.g. an "
                    "out-of-vocabulary id) or build the model with a larger vocab_size."
                )
        if y is not None:
            check_class_labels(f"{where} y", y, self.num_classes, one_hot=self.label_one_hot)
