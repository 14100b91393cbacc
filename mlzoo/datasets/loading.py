"""`load(name)`: local files, then tensorflow-datasets, then bundled and generated sets."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import numpy as np

from mlzoo.datasets.scaling import minmax_scale
from mlzoo.datasets.splitting import stratified_split
from mlzoo.datasets.waveform import make_waveform

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# scikit-learn loader and training share; iris and wine follow Table 2 of Liu et al. 2017.
_SKLEARN = {
    "iris": ("load_iris", 90),
    "wine": ("load_wine", 90),
    "digits": ("load_digits", 0.68),
    "breast_cancer": ("load_breast_cancer", 0.5),
}
# Breiman's generator: 5000 samples, 3000 for training (Table 2: WF, WFN).
_GENERATED = {"waveform": 0, "waveform_noise": 19}
_TFDS = {"mnist": "mnist", "fashion_mnist": "fashion_mnist", "cifar10": "cifar10"}
_KEYS = ("x_train", "y_train", "x_test", "y_test")


def available() -> list[str]:
    """Names `load` knows without a local file."""
    return sorted([*_SKLEARN, *_GENERATED, *_TFDS])


def _local_file(name: str, data_dir) -> Path | None:
    for folder in (data_dir, os.environ.get("MLZOO_DATA_DIR")):
        if folder and (Path(folder) / f"{name}.npz").is_file():
            return Path(folder) / f"{name}.npz"
    return None


def _load_npz(path: Path) -> Split:
    with np.load(path) as data:
        missing = [k for k in _KEYS if k not in data]
        if missing:
            raise ValueError(f"{path} lacks the arrays {missing}; expected keys {list(_KEYS)}.")
        x_train, y_train, x_test, y_test = (data[k] for k in _KEYS)
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64))


def _offline_help(name: str) -> str:
    return (
        f"Put {name}.npz (keys {', '.join(_KEYS)}, the keras.datasets layout) in a folder and "
        "pass data_dir=... or set MLZOO_DATA_DIR."
    )


def _load_tfds(name: str) -> Split:
    try:
        tfds = importlib.import_module("tensorflow_datasets")
    except ImportError as error:
        raise RuntimeError(
            f"Dataset '{name}' is not available locally and tensorflow-datasets is not "
            f"installed (pip install tensorflow-datasets). {_offline_help(name)}"
        ) from error
    try:
        splits = tfds.as_numpy(
            tfds.load(_TFDS[name], split=["train", "test"], batch_size=-1, as_supervised=True)
        )
    except Exception as error:  # noqa: BLE001 - any download failure gets the same advice
        raise RuntimeError(
            f"Could not download dataset '{name}' with tensorflow-datasets ({error}). "
            f"{_offline_help(name)}"
        ) from error
    (x_train, y_train), (x_test, y_test) = splits
    squeeze = (lambda x: x[..., 0]) if np.ndim(x_train) == 4 and x_train.shape[-1] == 1 else None
    if squeeze:
        x_train, x_test = squeeze(x_train), squeeze(x_test)
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64))


def _load_sklearn(name: str, split_seed: int) -> Split:
    import sklearn.datasets

    loader, train_size = _SKLEARN[name]
    x, y = getattr(sklearn.datasets, loader)(return_X_y=True)
    return stratified_split(x.astype(np.float32), y.astype(np.int64), train_size, seed=split_seed)


def _load_generated(name: str, split_seed: int) -> Split:
    x, y = make_waveform(5000, noise_features=_GENERATED[name], seed=0)
    return stratified_split(x, y, 3000, seed=split_seed)


def load(
    name: str, data_dir: str | os.PathLike | None = None, *, scale: bool = False,
    split_seed: int = 0,
) -> Split:
    """Load a dataset as `((x_train, y_train), (x_test, y_test))`, labels int64 0..C-1.

    Sources, in order: `<name>.npz` in `data_dir`, then in `$MLZOO_DATA_DIR`;
    tensorflow-datasets (mnist, fashion_mnist, cifar10; a clear error offline);
    scikit-learn's bundled iris, wine, digits, breast_cancer; generated
    `waveform` (21 attributes) and `waveform_noise` (40). Sets without an
    official split get a deterministic stratified split seeded by `split_seed`.

    Args:
        name: dataset name (`available()` lists those needing no file).
        data_dir: folder holding `<name>.npz`.
        scale: min–max scale x to [0, 1] with the training split's range (float32).
        split_seed: seed of the split of sets without an official one.

    Example:

    >>> (x, y), (x_test, y_test) = load("iris", scale=True)
    >>> x.shape, x_test.shape
    ((90, 4), (60, 4))
    """
    local = _local_file(name, data_dir)
    if local is not None:
        (x_train, y_train), (x_test, y_test) = _load_npz(local)
    elif name in _SKLEARN:
        (x_train, y_train), (x_test, y_test) = _load_sklearn(name, split_seed)
    elif name in _GENERATED:
        (x_train, y_train), (x_test, y_test) = _load_generated(name, split_seed)
    elif name in _TFDS:
        (x_train, y_train), (x_test, y_test) = _load_tfds(name)
    else:
        raise ValueError(
            f"Unknown dataset '{name}': no {name}.npz in data_dir={data_dir!r} or "
            f"MLZOO_DATA_DIR, and it is none of {', '.join(available())}."
        )
    if scale:
        x_train, x_test = minmax_scale(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)
