"""Image sets with an unlabelled part, for unsupervised pre-training then fine-tuning."""

from __future__ import annotations

import os

import numpy as np

from mlzoo.datasets._common import Split, checked_split, offline_hint
from mlzoo.datasets.local_files import find_npz, read_npz

UNLABELLED_KEY = "x_unlabeled"


def load_semi_supervised(
    name: str, data_dir: str | os.PathLike | None = None
) -> tuple[np.ndarray, Split]:
    """`x_unlabelled, ((x_train, y_train), (x_test, y_test))`, images uint8 (N, H, W, C).

    Sources: `<name>.npz` with the keras.datasets arrays plus `x_unlabeled` (e.g.
    `cifar10_small.npz`) in `data_dir` or `$MLZOO_DATA_DIR`; "stl10" from
    tensorflow-datasets (5,000 labelled 96x96 training images, 100,000
    unlabelled, 8,000 test; needs internet the first time); "shapes" is
    generated (`make_shapes`), no file needed.

    Raises:
        ValueError: unknown name, or an `.npz` without `x_unlabeled`.
        RuntimeError: STL-10 is not available offline.
    """
    if name == "shapes":
        return make_shapes(4000, seed=0), (
            make_shapes_labelled(2000, 1),
            make_shapes_labelled(1000, 2),
        )
    path = find_npz(name, data_dir)
    if path is not None:
        with np.load(path) as data:
            if UNLABELLED_KEY not in data.files:
                raise ValueError(
                    f"{path} has no `{UNLABELLED_KEY}` array of unlabelled images; found "
                    f"{data.files}."
                )
            unlabelled = data[UNLABELLED_KEY]
        return unlabelled, read_npz(path)
    if name == "stl10":
        return _load_stl10()
    raise ValueError(
        f"Unknown semi-supervised set '{name}': no {name}.npz (with `{UNLABELLED_KEY}`) in "
        f"data_dir={data_dir!r} or $MLZOO_DATA_DIR, and not 'stl10' or 'shapes'."
    )


def _load_stl10() -> tuple[np.ndarray, Split]:
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise RuntimeError(
            "STL-10 needs tensorflow-datasets (pip install tensorflow-datasets) and internet "
            f"for the first download. {offline_hint('stl10')} Add the `x_unlabeled` array."
        ) from error
    try:
        train, test, unlabelled = tfds.as_numpy(
            tfds.load(
                "stl10", split=["train", "test", "unlabelled"], batch_size=-1, as_supervised=True
            )
        )
    except Exception as error:  # any download or preparation failure gets the same advice
        raise RuntimeError(
            f"STL-10: the tensorflow-datasets download failed ({type(error).__name__}: "
            f"{error}). {offline_hint('stl10')} Add the `x_unlabeled` array."
        ) from error
    return unlabelled[0], checked_split("tensorflow-datasets 'stl10'", *train, *test)


_SHAPES = ("square", "disc", "cross", "ring", "bar")


def make_shapes_labelled(n: int, seed: int = 0, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """`n` generated images (uint8, (n, size, size, 3)) of one coloured shape each, and labels.

    Five classes (square, disc, cross, ring, bar) of random colour, scale and
    position on a noisy, smoothly shaded background: a small stand-in for
    object images whose object is salient.

    Examples:
        >>> x, y = make_shapes_labelled(10)
        >>> x.shape, x.dtype, sorted(set(y)) <= [0, 1, 2, 3, 4]
        ((10, 32, 32, 3), dtype('uint8'), True)
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype("float32") / size
    labels = rng.integers(0, len(_SHAPES), n)
    images = np.empty((n, size, size, 3), dtype="float32")
    for i, label in enumerate(labels):
        tone = rng.uniform(0.2, 0.8, 3)
        slope = rng.uniform(-0.2, 0.2, (2, 3))
        background = tone + yy[..., None] * slope[0] + xx[..., None] * slope[1]
        cy, cx = rng.uniform(0.35, 0.65, 2)
        radius = rng.uniform(0.15, 0.3)
        dy, dx = yy - cy, xx - cx
        distance = np.sqrt(dy**2 + dx**2)
        mask = {
            "square": (np.abs(dy) < radius) & (np.abs(dx) < radius),
            "disc": distance < radius,
            "cross": ((np.abs(dy) < radius / 3) | (np.abs(dx) < radius / 3))
            & (np.abs(dy) < radius)
            & (np.abs(dx) < radius),
            "ring": (distance < radius) & (distance > radius / 2),
            "bar": (np.abs(dy) < radius / 3) & (np.abs(dx) < radius * 1.3),
        }[_SHAPES[label]]
        colour = (tone + rng.choice([-1, 1], 3) * rng.uniform(0.3, 0.5, 3)) % 1.0
        image = np.where(mask[..., None], colour, background)
        images[i] = image + rng.normal(0, 0.03, image.shape)
    return (np.clip(images, 0, 1) * 255).astype("uint8"), labels.astype("int64")


def make_shapes(n: int, seed: int = 0, size: int = 32) -> np.ndarray:
    """Unlabelled images from `make_shapes_labelled`."""
    return make_shapes_labelled(n, seed, size)[0]
