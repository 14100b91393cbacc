"""Deterministic stratified train/test split for sets without an official split."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike


def _train_count(train_size: int | float, n: int) -> int:
    """`train_size` as a count in [1, n - 1]."""
    if isinstance(train_size, numbers.Integral) and not isinstance(train_size, bool):
        count = int(train_size)
    elif isinstance(train_size, numbers.Real) and 0 < train_size < 1:
        count = round(float(train_size) * n)
    else:
        raise ValueError(
            f"`train_size` must be a count or a fraction in (0, 1); received {train_size!r}."
        )
    if not 1 <= count <= n - 1:
        raise ValueError(
            f"`train_size`={train_size!r} gives {count} of {n} samples for training; both sides "
            "need at least one sample."
        )
    return count


def _per_class_counts(class_sizes: np.ndarray, n_train: int) -> np.ndarray:
    """Training samples per class: proportional, summing to `n_train`, and leaving
    each class with two or more samples on both sides when the total allows it."""
    ideal = class_sizes * n_train / class_sizes.sum()
    low = (class_sizes >= 2).astype(np.int64)
    high = class_sizes - low
    if not low.sum() <= n_train <= high.sum():
        low, high = np.zeros_like(class_sizes), class_sizes
    counts = np.clip(np.floor(ideal).astype(np.int64), low, high)
    while counts.sum() < n_train:  # give to the classes furthest below their share
        counts[np.argmax(np.where(counts < high, ideal - counts, -np.inf))] += 1
    while counts.sum() > n_train:  # take from the classes furthest above their share
        counts[np.argmin(np.where(counts > low, ideal - counts, np.inf))] -= 1
    return counts


def stratified_split(
    x: ArrayLike, y: ArrayLike, train_size: int | float, *, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split `(x, y)` so each class keeps its proportion; same seed, same split.

    Every class with two or more samples appears on both sides whenever the
    split sizes allow it. Both sides come back shuffled.

    Args:
        x: samples, first axis indexes samples.
        y: 1-D class labels.
        train_size: a count of training samples, or a fraction in (0, 1).
        seed: seed of the shuffle.

    Returns:
        `((x_train, y_train), (x_test, y_test))`.

    Examples:
        >>> (x_tr, y_tr), (x_te, y_te) = stratified_split(np.arange(10), np.arange(10) % 2, 0.6)
        >>> len(x_tr), len(x_te), int(y_tr.sum()), int(y_te.sum())
        (6, 4, 3, 2)
    """
    x, y = np.asarray(x), np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"`y` must be 1-D class labels; received shape {y.shape}.")
    if x.ndim == 0 or len(x) != len(y):
        raise ValueError(
            f"`x` and `y` must hold the same number of samples; received shapes {x.shape} "
            f"and {y.shape}."
        )
    n_train = _train_count(train_size, len(y))
    _, class_of = np.unique(y, return_inverse=True)
    per_class = _per_class_counts(np.bincount(class_of), n_train)

    order = np.random.default_rng(seed).permutation(len(y))
    is_train = np.zeros(len(y), dtype=bool)
    for k, count in enumerate(per_class):
        is_train[order[class_of[order] == k][:count]] = True
    train, test = order[is_train[order]], order[~is_train[order]]
    return (x[train], y[train]), (x[test], y[test])
