"""Write a uint8 picture (tiles, image grid) to a PNG file with matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mlzoo._checks import check_positive_int

_DPI = 100
_TITLE_POINTS = 10
_TITLE_PIXELS = 24  # height of the band above the picture that holds the title


def save_png(array, path: str | os.PathLike, *, scale: int = 1, title: str | None = None) -> Path:
    """Save a uint8 grey `(H, W)` / `(H, W, 1)` or RGB `(H, W, 3)` picture as a PNG.

    Each pixel becomes a `scale` x `scale` block (nearest-neighbour enlargement), drawn
    1:1 with no axes and no resampling through matplotlib's Agg canvas (pyplot's state
    is left alone); grey levels map 0 -> black, 255 -> white. The file is
    `(W * scale)` pixels wide and `(H * scale)` high, plus a 24-pixel band on top when
    `title` is given (a title wider than the picture is cut off). Parent folders are
    created.

    Requires matplotlib (`pip install matplotlib`, or the package's `scripts` extra).

    Args:
        array: the uint8 picture, e.g. from `weight_tiles` or `image_grid`.
        path: the PNG file to write.
        scale: pixels per array element along each axis (positive integer).
        title: optional text centred above the picture.

    Returns:
        The `Path` written.

    Examples:
        >>> import numpy as np
        >>> from mlzoo.visualization import save_png, weight_tiles
        >>> save_png(weight_tiles(np.random.randn(784, 64), (28, 28)), "runs/w1.png", scale=2)
        PosixPath('runs/w1.png')
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "save_png needs matplotlib: `pip install matplotlib` (or the `scripts` extra, "
            "`pip install mlzoo[scripts]`)."
        ) from error

    image = np.asarray(array)
    if image.dtype != np.uint8:
        raise ValueError(
            f"`array` must be uint8 (e.g. from `weight_tiles` or `image_grid`); received "
            f"dtype {image.dtype}."
        )
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3) or not image.size:
        raise ValueError(
            "`array` must be a non-empty (H, W), (H, W, 1) or (H, W, 3) picture; received "
            f"shape {np.shape(array)}."
        )
    scale = check_positive_int("scale", scale)
    image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    height, width = image.shape[:2]
    band = 0 if title is None else _TITLE_PIXELS

    figure = Figure(figsize=(width / _DPI, (height + band) / _DPI), dpi=_DPI)
    FigureCanvasAgg(figure)
    figure.figimage(image, cmap="gray", vmin=0, vmax=255, origin="upper")
    if title is not None:
        figure.text(
            0.5,
            1 - band / 2 / (height + band),
            title,
            ha="center",
            va="center",
            fontsize=_TITLE_POINTS,
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=_DPI, format="png")
    return path
