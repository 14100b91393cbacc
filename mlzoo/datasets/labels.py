"""Conversions between integer class labels and one-hot vectors."""

from __future__ import annotations

import numpy as np


def one_hot(labels, num_classes: int | None = None) -> np.ndarray:
    """Integer labels 0..C-1 → float32 one-hot rows.

    >>> one_hot([0, 2])
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"`labels` must be a 1-D array of class indices; received shape "
                         f"{labels.shape}.")
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError("`labels` must be integer class indices; received non-integer values.")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"`labels` must be >= 0; received {labels.min()}.")
    inferred = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = inferred
    elif inferred > num_classes:
        raise ValueError(f"`labels` hold class {inferred - 1}, but num_classes={num_classes}.")
    return np.eye(num_classes, dtype=np.float32)[labels]


def from_one_hot(y) -> np.ndarray:
    """One-hot (or score) rows → int64 labels (argmax).

    >>> from_one_hot([[0, 1], [1, 0]])
    array([1, 0])
    """
    y = np.asarray(y)
    if y.ndim != 2:
        raise ValueError(f"`y` must be 2-D (num_samples, num_classes); received shape {y.shape}.")
    return y.argmax(axis=1).astype(np.int64)
