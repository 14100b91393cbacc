"""Fuzzy ARTMAP (Carpenter et al. 1992) for classification: Fuzzy ART plus a category-label map."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from mlzoo._checks import check_non_negative, check_positive_int
from mlzoo.models._training import add_state_weight
from mlzoo.models.art import _inputs
from mlzoo.models.art._presentation import categories
from mlzoo.models.art._search import first_max
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
        M_j >= rho, label_j != y     match tracking (MT+): rho <- M_j + epsilon;
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
        labels = tf.gather(tf.convert_to_tensor(self.category_labels), tf.maximum(found, 0))
        return tf.where(found >= 0, labels, -1)

    def predict_categories(self, x, batch_size: int = 1024) -> np.ndarray:
        """ART_a category of each sample (artlib's `predict_ab(x)[0]`), numpy (N,) int32."""
        x = self._checked("predict", x, None)
        x, params = np.asarray(x, "float32"), self._params()
        weights, count = map(tf.convert_to_tensor, (self.category_weights, self.category_count))
        batches = [
            categories(type(self), params, self._encode(batch), weights, count)
            for batch in np.split(x, range(batch_size, len(x), batch_size))
        ]
        return np.concatenate(batches)

    def test_step(self, data):
        return {**super().test_step(data), "accuracy": self._accuracy.result()}

    def _update_test_trackers(self, x, y, found):
        """`loss` as `FuzzyART`'s; `accuracy`: the fraction of samples given their class."""
        super()._update_test_trackers(x, y, found)
        correct = tf.equal(self._labels_of(found), self._class_indices(y))
        self._accuracy.update_state(tf.cast(correct, tf.float32))

    def check_data(self, x, y, where: str) -> None:
        """`FuzzyART`'s feature rules; labels: classes 0..C-1 or exact one-hot rows."""
        super().check_data(x, y, where)
        _inputs.check_labels(self, y, where)

    def _state_variables(self) -> tuple:
        return (*super()._state_variables(), self.category_labels)

    def _one_hot(self, y) -> bool:
        return y.shape.rank == 2 and y.shape[-1] == self.num_classes > 1

    def _class_indices(self, y):
        if self._one_hot(y):
            return tf.argmax(y, axis=-1, output_type=tf.int32)
        return tf.cast(tf.reshape(y, [-1]), tf.int32)

    def _valid_labels(self, y):
        values = tf.cast(y, tf.float64)
        if self._one_hot(y):
            binary = tf.reduce_all((values == 0) | (values == 1))
            return binary & tf.reduce_all(tf.reduce_sum(values, axis=-1) == 1)
        whole = tf.reduce_all(values == tf.floor(values))
        return whole & tf.reduce_all((values >= 0) & (values < self.num_classes))

    def _rule_parameters(self) -> dict:
        return {**super()._rule_parameters(), "epsilon": self.epsilon}

    @staticmethod
    def _resonant_category(params, choice, match, committed, label, state):
        category_labels = state[2]
        positions = tf.range(tf.shape(choice)[0])

        def search(found, vigilance, remaining):
            candidate = first_max(choice, remaining & (match >= vigilance))
            safe = tf.maximum(candidate, 0)
            agrees = tf.gather(category_labels, safe) == label
            raised = match[safe] + params["epsilon"]
            mismatch = (candidate >= 0) & ~agrees
            visited = (choice > choice[safe]) | ((choice == choice[safe]) & (positions <= safe))
            found = tf.where(
                candidate < 0,
                -1,
                tf.where(agrees, candidate, tf.where(raised > 1, -1, _SEARCHING)),
            )
            vigilance = tf.where(mismatch, raised, vigilance)
            return found, vigilance, remaining & ~(mismatch & visited)

        start = (tf.constant(_SEARCHING), params["vigilance"], committed)
        found, _, _ = tf.while_loop(lambda found, *_: found == _SEARCHING, search, start)
        return found

    @staticmethod
    def _learned_state(state, weights, count, index, commit, label) -> tuple:
        weights, count = FuzzyART._learned_state(state, weights, count, index, commit, label)
        labels = state[2]
        label = tf.where(commit, label, labels[index])
        return weights, count, tf.tensor_scatter_nd_update(labels, [[index]], [label])
