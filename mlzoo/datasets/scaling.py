"""Min–max scaling to [0, 1], fitted on the training split only."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _as_finite(name: str, x: ArrayLike) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype == np.bool_ or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"`{name}` must be numeric; received dtype {x.dtype}.")
    if np.issubdtype(x.dtype, np.floating) and not np.isfinite(x).all():
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return x


def minmax_scale(
    x_train: ArrayLike, x_test: ArrayLike | None = None, *, per_feature: bool | None = None
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Scale to [0, 1] with the training split's minimum and maximum.

    Test values outside the training range are clipped to [0, 1]; constant
    features map to 0.

    Args:
        x_train: training samples, first axis indexes samples.
        x_test: optional test samples, scaled with the training statistics.
        per_feature: one range per feature or one global range. Default (None):
            per feature for tabular data, global for images (uint8 or ndim > 2).

    Returns:
        The scaled float32 `x_train`, or `(x_train, x_test)` when `x_test` is given.

    Examples:
        >>> minmax_scale(np.array([[0.0, 5.0], [2.0, 5.0]]), np.array([[4.0, 1.0]]))
        (array([[0., 0.],
               [1., 0.]], dtype=float32), array([[1., 0.]], dtype=float32))
    """
    x_train = _as_finite("x_train", x_train)
    if x_train.size == 0:
        raise ValueError(f"`x_train` is empty; received shape {x_train.shape}.")
    if per_feature is None:
        per_feature = x_train.ndim <= 2 and x_train.dtype != np.uint8
    axis = 0 if per_feature else None
    # float32 for images and float32 data; float64 where the input carries more precision.
    work = np.promote_types(x_train.dtype, np.float32)
    low = x_train.min(axis=axis).astype(work)
    span = x_train.max(axis=axis).astype(work) - low
    span = np.where(span > 0, span, np.inf).astype(work)  # constant: (x - low) / inf = 0

    def scale(x: np.ndarray) -> np.ndarray:
        scaled = np.clip((x.astype(work) - low) / span, 0.0, 1.0)
        scaled += 0.0  # -0.0 (below a constant feature) -> 0.0
        return scaled.astype(np.float32, copy=False)

    if x_test is None:
        return scale(x_train)
    x_test = _as_finite("x_test", x_test)
    if x_test.shape[1:] != x_train.shape[1:]:
        raise ValueError(
            f"`x_test` samples have shape {x_test.shape[1:]}, but `x_train` samples have shape "
            f"{x_train.shape[1:]}."
        )
    return scale(x_train), scale(x_test)
