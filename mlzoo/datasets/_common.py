"""Types and checks shared by the dataset sources."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""`((x_train, y_train), (x_test, y_test))`."""

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def offline_hint(name: str) -> str:
    """How to provide `name` without a download."""
    return (
        f"Put {name}.npz (arrays {', '.join(NPZ_KEYS)}: the keras.datasets layout) in a folder "
        "and pass data_dir=<folder> or set the MLZOO_DATA_DIR environment variable."
    )


def checked_split(
    source: str, x_train: ArrayLike, y_train: ArrayLike, x_test: ArrayLike, y_test: ArrayLike
) -> Split:
    """Labels as 1-D int64 (a `(N, 1)` column is flattened), lengths checked against x."""
    pairs = []
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        x, y = np.asarray(x), np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                f"{source}: y_{part} must be 1-D integer labels; received shape {y.shape}, "
                f"dtype {y.dtype}."
            )
        if len(x) != len(y):
            raise ValueError(f"{source}: x_{part} has {len(x)} samples but y_{part} has {len(y)}.")
        pairs.append((x, y.astype(np.int64)))
    return pairs[0], pairs[1]
