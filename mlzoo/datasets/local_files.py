"""Local `<name>.npz` files in the keras.datasets layout."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mlzoo.datasets._common import NPZ_KEYS, Split, checked_split

DATA_DIR_ENV = "MLZOO_DATA_DIR"


def find_npz(name: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """`<name>.npz` in `data_dir`, else in `$MLZOO_DATA_DIR`; None when neither has it.

    >>> find_npz("no_such_set") is None
    True
    """
    if data_dir is not None and not Path(data_dir).is_dir():
        raise NotADirectoryError(f"data_dir={str(data_dir)!r} is not an existing folder.")
    for folder in (data_dir, os.environ.get(DATA_DIR_ENV)):
        if folder and (Path(folder) / f"{name}.npz").is_file():
            return Path(folder) / f"{name}.npz"
    return None


def read_npz(path: str | os.PathLike) -> Split:
    """Read `x_train, y_train, x_test, y_test` from an `.npz` file; other arrays are ignored."""
    with np.load(path) as data:
        missing = [key for key in NPZ_KEYS if key not in data.files]
        if missing:
            raise ValueError(
                f"{path} lacks the arrays {missing}; expected {list(NPZ_KEYS)} "
                f"(the keras.datasets layout), found {data.files}."
            )
        return checked_split(str(path), *(data[key] for key in NPZ_KEYS))
