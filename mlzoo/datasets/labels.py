"""Conversions between integer class labels and one-hot rows."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike


def one_hot(labels: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """Integer labels 0..C-1 → float32 one-hot rows of width `num_classes` (default max + 1).

    A column of shape `(N, 1)` is accepted as well as `(N,)`.

    Examples:
        >>> one_hot([0, 2])
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(
            f"`labels` must be a 1-D array of class indices; received shape {labels.shape}."
        )
    if labels.dtype == np.bool_ or not np.issubdtype(labels.dtype, np.number):
        raise ValueError(f"`labels` must be integer class indices; received dtype {labels.dtype}.")
    if not np.issubdtype(labels.dtype, np.integer):
        whole = np.isfinite(labels) & (labels == np.round(labels))
        if not whole.all():
            raise ValueError(
                f"`labels` must be integer class indices; received {labels[~whole][0]}."
            )
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"`labels` must be >= 0; received {labels.min()}.")
    needed = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = needed
    elif (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, numbers.Integral)
        or num_classes < 1
    ):
        raise ValueError(f"`num_classes` must be a positive integer; received {num_classes!r}.")
    elif needed > num_classes:
        raise ValueError(
            f"`labels` hold class {needed - 1}, which needs num_classes >= {needed}; "
            f"received num_classes={num_classes}."
        )
    return np.eye(num_classes, dtype=np.float32)[labels]


def from_one_hot(y: ArrayLike) -> np.ndarray:
    """One-hot rows `(N, C)` → int64 labels.

    Examples:
        >>> from_one_hot([[0, 1], [1, 0]])
        array([1, 0])
    """
    y = np.asarray(y)
    if y.ndim != 2:
        raise ValueError(f"`y` must be 2-D (num_samples, num_classes); received shape {y.shape}.")
    is_binary = (y == 0) | (y == 1)
    bad = ~(is_binary.all(axis=1) & (np.count_nonzero(y == 1, axis=1) == 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"`y` is not one-hot: row {row} is {y[row].tolist()}; each row needs a single 1 and "
            "0 elsewhere (use argmax for class scores)."
        )
    return y.argmax(axis=1).astype(np.int64)
