"""Weighted vote over the output heads of a sharing ensemble (Du et al., eq. 5-6)."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_weights

VOTINGS = ("soft", "hard")


def predicted_classes(probabilities) -> np.ndarray:
    """Classes from probabilities (..., C); one-unit sigmoid outputs threshold at 0.5.

    Examples:
        >>> predicted_classes(np.array([[0.2, 0.8], [0.9, 0.1]]))
        array([1, 0])
        >>> predicted_classes(np.array([[0.7], [0.3]]))
        array([1, 0])
    """
    probabilities = np.asarray(probabilities)
    if probabilities.shape[-1] == 1:
        return (probabilities[..., 0] > 0.5).astype("int64")
    return probabilities.argmax(axis=-1)


@keras.saving.register_keras_serializable(package="mlzoo")
class EnsembleVote(keras.layers.Layer):
    """Combine H heads' class probabilities into the ensemble's, by weighted vote.

    Eq. (5): `vote_n = sum_{l,i} lambda_{l,i} z^{(n)}_{l,i}`; eq. (6): the class is
    `argmax_n vote_n`. The layer returns the normalised votes, so its output is a
    probability vector per sample:

    - `voting="soft"`: `z` are the heads' probabilities (mean of probabilities);
    - `voting="hard"`: `z` are one-hot argmax decisions (share of weighted votes
      per class; majority vote).

    Heads with one unit (sigmoid, binary tasks) vote for `p > 0.5` (hard) or
    average `p` (soft). The weights `lambda` are a non-trainable variable
    (equal by default), so a callback can set them during training
    (`mlzoo.callbacks.AccuracyVoteWeights`, the paper's accuracy-dependent
    voting) and they are saved with the model. Computes in float32 by default,
    also under a mixed-precision policy.

    Args:
        voting: "soft" or "hard".
        vote_weights: one non-negative weight per head with a positive sum, or
            None for equal weights.

    Examples:
        >>> import keras, numpy as np
        >>> heads = [np.array([[0.6, 0.4]]), np.array([[0.3, 0.7]]), np.array([[0.2, 0.8]])]
        >>> keras.ops.convert_to_numpy(EnsembleVote("hard")(heads)).round(3)
        array([[0.333, 0.667]], dtype=float32)
        >>> keras.ops.convert_to_numpy(EnsembleVote("soft", vote_weights=[1, 0, 0])(heads)).round(3)
        array([[0.6, 0.4]], dtype=float32)
    """

    def __init__(
        self,
        voting: str = "soft",
        vote_weights: Sequence[float] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        if voting not in VOTINGS:
            raise ValueError(f"`voting` must be 'soft' or 'hard'; received voting={voting!r}.")
        self.voting = voting
        self.initial_vote_weights = (
            None
            if vote_weights is None
            else check_weights("vote_weights", vote_weights, len(vote_weights))
        )

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape:
            raise ValueError("EnsembleVote takes a non-empty list of head outputs.")
        shapes = [tuple(shape) for shape in input_shape]
        if any(len(shape) != 2 for shape in shapes) or len({s[-1] for s in shapes}) != 1:
            raise ValueError(
                "EnsembleVote needs heads of equal shape (batch, classes); received shapes "
                f"{shapes}."
            )
        self.num_heads = len(shapes)
        weights = self.initial_vote_weights or [1.0] * self.num_heads
        if len(weights) != self.num_heads:
            raise ValueError(
                f"`vote_weights` has {len(weights)} entries for {self.num_heads} heads."
            )
        self.vote_weights = self.add_weight(
            name="vote_weights",
            shape=(self.num_heads,),
            initializer=keras.initializers.Constant(weights),
            trainable=False,
            autocast=False,
        )

    def set_vote_weights(self, weights: Sequence[float]) -> None:
        """Set the heads' weights (non-negative, positive sum), e.g. from validation accuracy."""
        if not self.built:
            raise ValueError(f"Layer '{self.name}' must be built before its weights are set.")
        self.vote_weights.assign(check_weights("vote_weights", weights, self.num_heads))

    def call(self, inputs):
        stacked = ops.stack([ops.cast(head, "float32") for head in inputs], axis=1)  # (N, H, C)
        binary = stacked.shape[-1] == 1
        if self.voting == "hard":
            if binary:
                stacked = ops.cast(stacked > 0.5, "float32")
            else:
                stacked = ops.one_hot(ops.argmax(stacked, axis=-1), stacked.shape[-1])
        weights = ops.cast(self.vote_weights, "float32")
        weights = weights / ops.sum(weights)
        return ops.einsum("nhc,h->nc", stacked, weights)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        config = super().get_config()
        config.update({"voting": self.voting, "vote_weights": self.initial_vote_weights})
        return config
