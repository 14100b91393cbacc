"""Shared pixel helpers: array checks, the thesis's 0-255 scalings and the tile canvas."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

BORDER_VALUE = 0
"""Grey level (black) of the 1-pixel lines between tiles and of empty cells in a grid."""


def as_finite_array(name: str, values) -> np.ndarray:
    """`values` as a float64 numpy array, or a `ValueError` naming `name`."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`{name}` must be a numeric array; {error}") from None
    if not np.isfinite(array).all():
        bad = int(array.size - np.isfinite(array).sum())
        raise ValueError(f"`{name}` contains {bad} NaN or infinite values.")
    return array


def check_image_shape(image_shape) -> tuple[int, ...]:
    """`(H, W)` or `(H, W, C)` with `C` in {1, 3} as a tuple of ints, or a `ValueError`."""
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    if (
        shape is None
        or len(shape) not in (2, 3)
        or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in shape
        )
        or (len(shape) == 3 and shape[2] not in (1, 3))
    ):
        raise ValueError(
            "`image_shape` must be (H, W) or (H, W, C) with positive sizes and C in {1, 3}; "
            f"received image_shape={image_shape!r}."
        )
    return tuple(int(s) for s in shape)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """`numerator / denominator`, with 0 where the denominator is 0 (a constant image)."""
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def min_max_to_uint8(values: np.ndarray, low, high) -> np.ndarray:
    """`(v - low) / (high - low) * 255`, rounded; `low`, `high` broadcast against `values`.

    Where `high == low` (a constant image) the result is 0.
    """
    return np.rint(_ratio(values - low, high - low) * 255).astype(np.uint8)


def zero_at_grey_to_uint8(values: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """`(v / max|v| + 1) * 128 - 1`, rounded and clipped to [0, 255], max taken over `axes`.

    0 maps to 127 (mid-grey), `+max|v|` to 255 and `-max|v|` to -1, clipped to 0.
    An all-zero image maps to 127.
    """
    scale = np.abs(values).max(axis=axes, keepdims=True)
    levels = np.rint((_ratio(values, scale) + 1) * 128 - 1)
    return np.clip(levels, 0, 255).astype(np.uint8)


def assemble(rows: Sequence[Sequence[np.ndarray]], border: int) -> np.ndarray:
    """Paste equal-sized uint8 images row by row on a `BORDER_VALUE` canvas.

    Images are `border` pixels apart (no frame around the outside); a row shorter
    than the longest leaves its last cells empty.
    """
    height, width = rows[0][0].shape[:2]
    columns = max(len(row) for row in rows)
    canvas = np.full(
        (
            len(rows) * height + (len(rows) - 1) * border,
            columns * width + (columns - 1) * border,
            *rows[0][0].shape[2:],
        ),
        BORDER_VALUE,
        dtype=np.uint8,
    )
    for r, row in enumerate(rows):
        for c, image in enumerate(row):
            top, left = r * (height + border), c * (width + border)
            canvas[top : top + height, left : left + width] = image
    return canvas
