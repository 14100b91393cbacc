"""Local `<name>.npz` files in the keras.datasets layout."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from mlzoo.datasets._common import NPZ_KEYS, Split, checked_split

DATA_DIR_ENV = "MLZOO_DATA_DIR"


def find_npz(name: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """`<name>.npz` in `data_dir`, else in `$MLZOO_DATA_DIR`; None when neither has it.

    Examples:
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
    """Read `x_train, y_train, x_test, y_test` from an `.npz` file; other arrays are ignored.

    The file is read without pickle: a file that is not a zip archive of numeric
    arrays (e.g. a renamed pickle, ragged object arrays) is refused with a
    `ValueError` that says how to write one.
    """
    layout = (
        f"mlzoo reads numeric arrays {list(NPZ_KEYS)} (the keras.datasets layout), never "
        "pickled objects: write them with np.savez(path, x_train=..., y_train=..., "
        "x_test=..., y_test=...) from numeric arrays (pad ragged sequences to one length)."
    )
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not an .npz archive. {layout}")
    with np.load(path, allow_pickle=False) as data:
        missing = [key for key in NPZ_KEYS if key not in data.files]
        if missing:
            raise ValueError(
                f"{path} lacks the arrays {missing}; expected {list(NPZ_KEYS)} "
                f"(the keras.datasets layout), found {data.files}."
            )
        try:
            arrays = [data[key] for key in NPZ_KEYS]
        except ValueError:  # numpy: "Object arrays cannot be loaded when allow_pickle=False"
            raise ValueError(f"{path} holds object (pickled) arrays. {layout}") from None
        return checked_split(str(path), *arrays)
