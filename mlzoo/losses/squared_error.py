"""Per-sample squared Euclidean error, the loss of the mutual learning paper."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mlzoo")
class SquaredError(keras.losses.Loss):
    """Squared Euclidean distance per sample, averaged over the batch.

    `E = (1/s) * sum_j ||F(x_j) - y_j||^2`, eq. (7) (positive net) and
    eq. (10) (negative net, `||G(y_j) - x_j||^2`) of Liu et al. 2017.

    Unlike `keras.losses.MeanSquaredError`, the squared differences are summed
    (not averaged) over the last axis, so the gradient does not shrink with the
    number of outputs; the paper's learning rates assume this scale.
    `reduction="sum"` drops eq. 7's 1/s (a sum over the batch, as code of the
    paper's era often computes it): the gradient grows with the batch size.

    Examples:
        >>> import numpy as np
        >>> float(SquaredError()(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])))  # .25 + .25
        0.5
        >>> summed = SquaredError(reduction="sum")
        >>> float(summed(np.zeros((2, 2)), np.full((2, 2), 0.5)))  # 2 samples x (.25 + .25)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_error", dtype=None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        return ops.sum(ops.square(y_pred - y_true), axis=-1)
