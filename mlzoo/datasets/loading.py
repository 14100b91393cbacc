"""`load(name)`: local files, then tensorflow-datasets, bundled and generated sets."""

from __future__ import annotations

import os

from mlzoo.datasets._common import Split
from mlzoo.datasets.local_files import DATA_DIR_ENV, find_npz, read_npz
from mlzoo.datasets.scaling import minmax_scale
from mlzoo.datasets.sklearn_sets import SKLEARN_TRAIN_SIZES, load_sklearn
from mlzoo.datasets.splitting import stratified_split
from mlzoo.datasets.tfds_source import TFDS_NAMES, load_tfds
from mlzoo.datasets.waveform import make_waveform

# Breiman's waveform sets: 5000 samples from a fixed seed, 3000 for training (Liu et al. 2017,
# Table 2: WF, WFN); value: number of pure-noise attributes.
_GENERATED = {"waveform": 0, "waveform_noise": 19}
_GENERATED_SIZE, _GENERATED_TRAIN, _GENERATED_SEED = 5000, 3000, 0


def available() -> list[str]:
    """Names `load` knows without a local file (tensorflow-datasets ones need it installed).

    Examples:
        >>> "digits" in available()
        True
    """
    return sorted([*TFDS_NAMES, *SKLEARN_TRAIN_SIZES, *_GENERATED])


def load(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    scale: bool = False,
    split_seed: int = 0,
) -> Split:
    """Load a dataset as `((x_train, y_train), (x_test, y_test))`, labels int64 0..C-1.

    Sources, in order: `<name>.npz` (keras.datasets layout) in `data_dir`, then in
    `$MLZOO_DATA_DIR`; tensorflow-datasets (mnist, fashion_mnist, cifar10); scikit-learn's
    bundled digits, iris, wine, breast_cancer; generated `waveform` (21 attributes) and
    `waveform_noise` (40). Sets without an official split get a deterministic
    stratified split seeded by `split_seed`.

    Args:
        name: dataset name; `available()` lists those that need no local file.
        data_dir: folder holding `<name>.npz`.
        scale: min–max scale x to [0, 1] with the training split's range (float32);
            see `minmax_scale`.
        split_seed: seed of the split of sets without an official one.

    Raises:
        ValueError: unknown `name`, or a malformed `.npz` file.
        NotADirectoryError: `data_dir` is not an existing folder.
        RuntimeError: a tensorflow-datasets set is not available offline.

    Examples:
        >>> (x, y), (x_test, y_test) = load("iris", scale=True)
        >>> x.shape, x_test.shape, x.dtype, y.dtype
        ((90, 4), (60, 4), dtype('float32'), dtype('int64'))
    """
    path = find_npz(name, data_dir)
    if path is not None:
        (x_train, y_train), (x_test, y_test) = read_npz(path)
    elif name in TFDS_NAMES:
        (x_train, y_train), (x_test, y_test) = load_tfds(name)
    elif name in SKLEARN_TRAIN_SIZES:
        (x_train, y_train), (x_test, y_test) = load_sklearn(name, split_seed)
    elif name in _GENERATED:
        x, y = make_waveform(_GENERATED_SIZE, noise_features=_GENERATED[name], seed=_GENERATED_SEED)
        (x_train, y_train), (x_test, y_test) = stratified_split(
            x, y, _GENERATED_TRAIN, seed=split_seed
        )
    else:
        raise ValueError(
            f"Unknown dataset '{name}': no {name}.npz in data_dir={data_dir!r} or "
            f"${DATA_DIR_ENV}, and not one of the available sets: {', '.join(available())}."
        )
    if scale:
        x_train, x_test = minmax_scale(x_train, x_test)
    return (x_train, y_train), (x_test, y_test)
