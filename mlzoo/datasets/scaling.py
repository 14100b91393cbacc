"""Min–max scaling to [0, 1], fitted on the training split only."""

from __future__ import annotations

import numpy as np


def _check_finite(name: str, x: np.ndarray) -> None:
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError(f"`{name}` contains NaN or infinite values.")


def minmax_scale(x_train, x_test=None, *, per_feature: bool | None = None):
    """Scale to [0, 1] with the training split's minimum and maximum (as the paper does).

    Test values outside the training range are clipped to [0, 1]; constant
    features map to 0.

    Args:
        x_train: training samples.
        x_test: optional test samples, scaled with the training statistics.
        per_feature: one range per feature (column) or one global range. Default:
            per feature for 2-D non-uint8 data, global for images (uint8 or ndim > 2).

    Returns:
        The scaled float32 `x_train`, or `(x_train, x_test)` when `x_test` is given.

    >>> minmax_scale(np.array([[0.0, 5.0], [2.0, 5.0]]))
    array([[0., 0.],
           [1., 0.]], dtype=float32)
    """
    x_train = np.asarray(x_train)
    _check_finite("x_train", x_train)
    if per_feature is None:
        per_feature = x_train.ndim == 2 and x_train.dtype != np.uint8
    axis = 0 if per_feature else None
    low = x_train.min(axis=axis).astype(np.float64)
    span = x_train.max(axis=axis).astype(np.float64) - low
    span = np.where(span > 0, span, np.inf)

    def scale(x):
        return np.clip((x.astype(np.float64) - low) / span, 0.0, 1.0).astype(np.float32)

    if x_test is None:
        return scale(x_train)
    x_test = np.asarray(x_test)
    _check_finite("x_test", x_test)
    return scale(x_train), scale(x_test)
