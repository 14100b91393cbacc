"""Fuzzy ARTMAP (Carpenter et al. 1992) for classification: Fuzzy ART plus a category-label map."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_non_negative, check_positive_int
from mlzoo.models._training import add_state_weight
from mlzoo.models.art import _inputs
from mlzoo.models.art._base import read
from mlzoo.models.art._presentation import categories
from mlzoo.models.art._search import first_max, sum_dtype
from mlzoo.models.art.fuzzy_art import FuzzyART
from mlzoo.models.registry import register

_SEARCHING = -2


@register("fuzzy_artmap")
@keras.saving.register_keras_serializable(package="mlzoo")
class FuzzyARTMAP(FuzzyART):
    """Fuzzy ARTMAP: Fuzzy ART categories (ART_a), each mapped to one class, with match tracking.

    The simplified ARTMAP of artlib's `FuzzyARTMAP(rho, alpha, beta)` /
    `SimpleARTMAP(FuzzyART(...))`, where the map field is a label per category.
    Choice, match and learning are those of `FuzzyART`; the search for a sample
    of class y goes through the committed categories by descending T_j (ties:
    lowest j), starting at rho = vigilance:

        M_j < rho                    skip j
        M_j >= rho, label_j == y     resonance: learn w_j
        M_j >= rho, label_j != y     match tracking (MT+): rho <- M_j + epsilon
                                     (at least the next float above M_j);
                                     stop the search if rho > 1
        no category left             commit a new one with w = I, label y

    `predict` gives the class of argmax_j T_j over the committed categories;
    `predict_categories` that category. `fit` logs `loss` (the mismatch of
    `FuzzyART`, of the category each sample resonates with after match
    tracking) and `categories`; `evaluate` and validation also log `accuracy`,
    the fraction of samples whose predicted class is their label (direction
    "max", e.g. KerasTuner's objective "val_accuracy"). Training logs no
    accuracy: every sample is learned by a category of its own class.

    Args:
        input_dim: d, features per sample, each in [0, 1].
        num_classes: C; labels are integer classes 0..C-1 ((N,) or (N, 1)) or
            one-hot rows (N, C).
        max_categories: capacity; `fit` raises a `ValueError` when a sample
            needs one more category.
        vigilance: baseline rho in [0, 1] (0: fewest categories; match
            tracking raises it per sample as needed).
        choice: alpha >= 0.
        learning_rate: beta in (0, 1]; 1 is fast learning.
        epsilon: match-tracking increment (artlib's default, 1e-10).
        **kwargs: `keras.Model` arguments (`name`).

    Examples:
        >>> import mlzoo
        >>> (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
        >>> model = FuzzyARTMAP(64, 10, max_categories=500, vigilance=0.5)
        >>> model.compile()
        >>> history = model.fit(x, y, batch_size=256, validation_data=(x_test, y_test), verbose=0)
        >>> model.predict(x_test, verbose=0).shape   # class labels
        (575,)
    """

    supervised = True

    def __init__(
        self,
        input_dim: int,
        num_classes: int,
        max_categories: int = 1000,
        vigilance: float = 0.0,
        choice: float = 0.001,
        learning_rate: float = 1.0,
        epsilon: float = 1e-10,
        **kwargs,
    ):
        super().__init__(input_dim, max_categories, vigilance, choice, learning_rate, **kwargs)
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.epsilon = check_non_negative("epsilon", epsilon)
        self.category_labels = add_state_weight(
            self, "category_labels", (self.max_categories,), "int32"
        )
        self._accuracy = self.add_tracker("accuracy", "max")

    def call(self, inputs):
        """Class of each sample: the label of its `FuzzyART` category; -1 without categories."""
        return self._labels_of(self._categories_of(inputs))

    def _labels_of(self, found):
        labels = ops.take(read(self.category_labels), ops.maximum(found, 0))
        return ops.where(found >= 0, labels, -1)

    def predict_categories(self, x, batch_size: int = 1024) -> np.ndarray:
        """ART_a category of each sample (artlib's `predict_ab(x)[0]`), numpy (N,) int32."""
        x = self._checked("predict", x, None)
        x, params = np.asarray(x, "float32"), self._params()
        weights, count = map(read, (self.category_weights, self.category_count))
        batches = [
            categories(type(self), params, self._encode(batch), weights, count)
            for batch in np.split(x, range(batch_size, len(x), batch_size))
        ]
        return np.concatenate([ops.convert_to_numpy(batch) for batch in batches])

    def _test_logs(self) -> dict:
        return {**super()._test_logs(), "accuracy": self._accuracy.result()}

    def _update_test_trackers(self, x, y, found):
        """`loss` as `FuzzyART`'s; `accuracy`: the fraction of samples given their class."""
        super()._update_test_trackers(x, y, found)
        correct = self._labels_of(found) == self._class_indices(y)
        self._accuracy.update_state(ops.cast(correct, "float32"))

    def check_data(self, x, y, where: str) -> None:
        """`FuzzyART`'s feature rules; labels: classes 0..C-1 or exact one-hot rows."""
        super().check_data(x, y, where)
        _inputs.check_labels(self, y, where)

    def _state_variables(self) -> tuple:
        return (*super()._state_variables(), self.category_labels)

    def _one_hot(self, y) -> bool:
        return len(y.shape) == 2 and y.shape[-1] == self.num_classes > 1

    def _class_indices(self, y):
        if self._one_hot(y):
            return ops.cast(ops.argmax(y, axis=-1), "int32")
        return ops.cast(ops.reshape(y, [-1]), "int32")

    def _valid_labels(self, y):
        values = ops.cast(y, sum_dtype())
        if self._one_hot(y):
            binary = ops.all((values == 0) | (values == 1))
            return binary & ops.all(ops.sum(values, axis=-1) == 1)
        whole = ops.all(values == ops.floor(values))
        return whole & ops.all((values >= 0) & (values < self.num_classes))

    def _rule_parameters(self) -> dict:
        return {**super()._rule_parameters(), "epsilon": self.epsilon}

    @staticmethod
    def _resonant_category(params, choice, match, committed, label, state):
        category_labels = state[2]
        positions = ops.arange(choice.shape[0], dtype="int32")

        def search(found, vigilance, remaining):
            candidate = first_max(choice, remaining & (match >= vigilance))
            safe = ops.maximum(candidate, 0)
            agrees = ops.take(category_labels, safe) == label
            raised = _tracked(params["epsilon"], ops.take(match, safe))
            mismatch = (candidate >= 0) & ~agrees
            best = ops.take(choice, safe)
            visited = (choice > best) | ((choice == best) & (positions <= safe))
            found = ops.where(
                candidate < 0,
                -1,
                ops.where(agrees, candidate, ops.where(raised > 1, -1, _SEARCHING)),
            )
            vigilance = ops.where(mismatch, raised, vigilance)
            return found, vigilance, remaining & ~(mismatch & visited)

        start = (ops.convert_to_tensor(_SEARCHING, "int32"), params["vigilance"], committed)
        found, _, _ = ops.while_loop(lambda found, *_: found == _SEARCHING, search, start)
        return found

    @staticmethod
    def _learned_state(state, weights, count, index, commit, label) -> tuple:
        weights, count = FuzzyART._learned_state(state, weights, count, index, commit, label)
        labels = state[2]
        label = ops.where(commit, label, labels[index])
        return weights, count, ops.scatter_update(labels, ops.reshape(index, [1, 1]), label[None])


def _tracked(epsilon, match):
    """MT+'s raised vigilance M_j + epsilon, for epsilon > 0 at least the next float above M_j.

    In float64 the two agree (epsilon 1e-10 is far above M_j's resolution); in
    float32 (JAX without x64) M_j + 1e-10 rounds back to M_j, which would let
    a category of match M_j pass again.
    """
    raised = match + epsilon
    above = ops.maximum(raised, ops.nextafter(match, ops.cast(2, match.dtype)))
    return ops.where(epsilon > 0, above, raised)
