"""Deterministic stratified train/test split for sets without an official split."""

from __future__ import annotations

import numpy as np


def stratified_split(x, y, train_size: int | float, *, seed: int = 0):
    """Split `(x, y)` so each class keeps its proportion; same seed, same split.

    Args:
        x: samples, first axis indexes samples.
        y: integer labels.
        train_size: a count in [1, N-1] or a fraction in (0, 1).
        seed: seed of the permutation.

    Returns:
        `((x_train, y_train), (x_test, y_test))`.

    >>> (xtr, ytr), (xte, yte) = stratified_split(np.arange(10), np.arange(10) % 2, 0.6)
    >>> len(xtr), len(xte)
    (6, 4)
    """
    from sklearn.model_selection import train_test_split

    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"`x` and `y` differ in length: {len(x)} and {len(y)}.")
    n = len(y)
    is_fraction = isinstance(train_size, float) and 0 < train_size < 1
    is_count = isinstance(train_size, (int, np.integer)) and 1 <= train_size < n
    if isinstance(train_size, bool) or not (is_fraction or is_count):
        raise ValueError(
            f"`train_size` must be a fraction in (0, 1) or a count in [1, {n - 1}]; received "
            f"{train_size!r}."
        )
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, train_size=train_size, stratify=y, random_state=seed
    )
    return (x_tr, y_tr), (x_te, y_te)
