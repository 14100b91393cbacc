"""Datasets downloaded by tensorflow-datasets (optional dependency)."""

from __future__ import annotations

from mlzoo.datasets._common import Split, checked_split, offline_hint

# mlzoo name -> tensorflow-datasets name
TFDS_NAMES = {"mnist": "mnist", "fashion_mnist": "fashion_mnist", "cifar10": "cifar10"}


def load_tfds(name: str) -> Split:
    """Official train/test split of a `TFDS_NAMES` set as numpy arrays.

    Grayscale images lose their channel axis, `(N, 28, 28, 1)` -> `(N, 28, 28)`,
    as in keras.datasets. Raises `RuntimeError` with the offline fix when
    tensorflow-datasets is missing or the download fails.
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise RuntimeError(
            f"Dataset '{name}': no local {name}.npz, and tensorflow-datasets is not installed "
            f"(pip install tensorflow-datasets; downloading needs internet). {offline_hint(name)}"
        ) from error
    try:
        train, test = tfds.as_numpy(
            tfds.load(TFDS_NAMES[name], split=["train", "test"], batch_size=-1, as_supervised=True)
        )
    except Exception as error:  # any download or preparation failure gets the same advice
        raise RuntimeError(
            f"Dataset '{name}': the tensorflow-datasets download failed "
            f"({type(error).__name__}: {error}). {offline_hint(name)}"
        ) from error
    (x_train, y_train), (x_test, y_test) = train, test
    if x_train.ndim == 4 and x_train.shape[-1] == 1:
        x_train, x_test = x_train[..., 0], x_test[..., 0]
    return checked_split(f"tensorflow-datasets '{name}'", x_train, y_train, x_test, y_test)
