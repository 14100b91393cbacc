"""Rows of images (originals, reconstructions, saliency maps) as one picture (seed 003, 2.4.1.3)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Literal

import numpy as np

from mlzoo.visualization._pixels import (
    as_finite_array,
    assemble,
    check_image_shape,
    min_max_to_uint8,
)

_NORMALISE = ("per_image", "global", None)


def image_grid(
    rows_of_images: Sequence,
    *,
    normalise: Literal["per_image", "global"] | None = "per_image",
    border: int = 1,
    image_shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Stack rows of images into one uint8 picture, row `r` showing `rows_of_images[r]`.

    Thesis 2.4.1.3 shows originals, reconstructions, saliency maps and saliency
    reconstructions one above another, each min-max normalised to 0-255 for display:
    `I = (x - min) / (max - min) * 255`, rounded (a constant image maps to 0).

    Images are `border` pixels apart on a black (0) canvas with no outside frame;
    a row with fewer images than the longest leaves its last cells black. If any row
    is RGB, grey rows are repeated over the 3 channels.

    Args:
        rows_of_images: a list of rows, each an array `(n, H, W)`, `(n, H, W, C)`
            with `C` in {1, 3}, or flat `(n, D)` with `image_shape`. All images share
            `H` and `W`.
        normalise: `"per_image"`: min and max of each image; `"global"`: min and max
            over all images of all rows; `None`: values are already intensities in
            [0, 255] and are only rounded.
        border: pixels between neighbouring images (>= 0).
        image_shape: `(H, W)` or `(H, W, C)` for the flat rows; ignored by the others.

    Returns:
        uint8 array `(rows * H + (rows - 1) * border, cols * W + (cols - 1) * border)`,
        with a last axis of 3 if any row is RGB; `cols` is the longest row's length.

    Examples:
        >>> import numpy as np
        >>> originals = np.random.rand(8, 28, 28)
        >>> reconstructions = np.random.rand(8, 784)  # flat decoder outputs
        >>> image_grid([originals, reconstructions], image_shape=(28, 28)).shape
        (57, 231)
    """
    if normalise not in _NORMALISE:
        raise ValueError(
            f"`normalise` must be one of {_NORMALISE}; received normalise={normalise!r}."
        )
    if isinstance(border, bool) or not isinstance(border, numbers.Integral) or border < 0:
        raise ValueError(f"`border` must be an integer >= 0; received border={border!r}.")
    if isinstance(rows_of_images, np.ndarray) or not isinstance(rows_of_images, Sequence):
        raise ValueError(
            "`rows_of_images` must be a list of rows, each an array of images (use "
            f"[images] for one row); received {type(rows_of_images).__name__}."
        )
    if not rows_of_images:
        raise ValueError("`rows_of_images` must hold at least one row; received [].")
    rows = [_row_images(r, row, image_shape) for r, row in enumerate(rows_of_images)]
    sizes = {row.shape[1:3] for row in rows}
    if len(sizes) > 1:
        raise ValueError(
            "All images must have the same height and width; the rows hold images of "
            f"(H, W) = {sorted(sizes)}."
        )

    if normalise == "global":
        low = min(row.min() for row in rows)
        high = max(row.max() for row in rows)
        rows = [min_max_to_uint8(row, low, high) for row in rows]
    elif normalise == "per_image":
        rows = [
            min_max_to_uint8(
                row, row.min(axis=(1, 2, 3), keepdims=True), row.max(axis=(1, 2, 3), keepdims=True)
            )
            for row in rows
        ]
    else:
        for r, row in enumerate(rows):
            if row.min() < 0 or row.max() > 255:
                raise ValueError(
                    f"With normalise=None the values must lie in [0, 255]; row {r} holds "
                    f"values in [{row.min():g}, {row.max():g}]."
                )
        rows = [np.rint(row).astype(np.uint8) for row in rows]

    channels = max(row.shape[3] for row in rows)
    rows = [np.broadcast_to(row, (*row.shape[:3], channels)) for row in rows]
    grid = assemble(rows, int(border))
    return grid if channels == 3 else grid[..., 0]


def _row_images(index: int, row, image_shape) -> np.ndarray:
    """Row `index` as a float array `(n, H, W, C)`, or a `ValueError` naming the row."""
    images = as_finite_array(f"rows_of_images[{index}]", row)
    if images.ndim == 2:
        if image_shape is None:
            raise ValueError(
                f"`rows_of_images[{index}]` is flat (shape {images.shape}); pass "
                "`image_shape=(H, W)` or `(H, W, C)` to reshape it."
            )
        shape = check_image_shape(image_shape)
        if int(np.prod(shape)) != images.shape[1]:
            raise ValueError(
                f"`image_shape`={shape} holds {int(np.prod(shape))} values but "
                f"`rows_of_images[{index}]` has {images.shape[1]} per image."
            )
        images = images.reshape(len(images), *shape)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[3] not in (1, 3) or len(images) == 0:
        raise ValueError(
            f"`rows_of_images[{index}]` must be (n, H, W), (n, H, W, C) with C in {{1, 3}} or "
            f"flat (n, D), with n >= 1; received shape {images.shape}."
        )
    return images
