"""Weights of Dense and Conv2D kernels as grids of image tiles (thesis seed 003, 2.4.1.1)."""

from __future__ import annotations

import math

import numpy as np

from mlzoo._checks import check_positive_int
from mlzoo.visualization._pixels import (
    as_finite_array,
    assemble,
    check_image_shape,
    min_max_to_uint8,
    zero_at_grey_to_uint8,
)


def weight_tiles(
    kernel,
    image_shape: tuple[int, ...],
    *,
    columns: int | None = None,
    max_tiles: int | None = None,
    zero_at_grey: bool = True,
) -> np.ndarray:
    """One image tile per hidden unit of a Dense kernel, laid out in a grid.

    Thesis 2.4.1.1: the weights `w_k` of unit `k` over the `D` inputs are drawn as
    an image, scaled per tile. With `zero_at_grey=True` (second formula), zero
    is fixed at mid-grey: `I_k = (w_k / max|w_k| + 1) * 128 - 1`, rounded and
    clipped to [0, 255], so 0 -> 127, `+max|w_k|` -> 255, `-max|w_k|` -> 0 and
    negative weights are darker than positive ones. With `zero_at_grey=False`
    (first formula), `I_k = (w_k - min w_k) / (max w_k - min w_k) * 255`. An
    all-constant tile (0/0) is 127 resp. 0.

    Tiles are separated by 1-pixel black (0) lines, with no frame around the
    grid; cells after the last tile of a partial last row are black too.

    Args:
        kernel: Dense kernel `(D, units)` in the Keras layout (column `j` holds the
            weights of unit `j`): a numpy array or anything `np.asarray` takes
            (e.g. `layer.kernel`).
        image_shape: `(H, W)` or `(H, W, C)`, `C` in {1, 3}, with `H * W * C == D`;
            each column is reshaped to it in C order (channels last).
        columns: tiles per grid row. Default: `ceil(sqrt(n))` for `n` tiles.
        max_tiles: draw only the first `max_tiles` units. Default: all.
        zero_at_grey: the scaling formula, see above.

    Returns:
        uint8 array `(rows * H + rows - 1, columns * W + columns - 1[, C])`,
        `rows = ceil(n / columns)`; the channel axis is there iff `image_shape` has one.

    Examples:
        >>> import numpy as np
        >>> kernel = np.array([[0.0, 1.0], [2.0, -1.0]])  # 2 inputs, 2 units
        >>> weight_tiles(kernel, (1, 2), columns=1)  # unit 0 above unit 1, 1 black line between
        array([[127, 255],
               [  0,   0],
               [255,   0]], dtype=uint8)
    """
    weights = as_finite_array("kernel", kernel)
    shape = check_image_shape(image_shape)
    if weights.ndim != 2 or weights.shape[1] == 0:
        raise ValueError(
            f"`kernel` must be a Dense kernel of shape (inputs, units) with units >= 1; "
            f"received shape {weights.shape}."
        )
    if math.prod(shape) != weights.shape[0]:
        raise ValueError(
            f"`image_shape`={shape} holds {math.prod(shape)} values but the kernel has "
            f"{weights.shape[0]} inputs (kernel shape {weights.shape})."
        )
    if max_tiles is not None:
        weights = weights[:, : check_positive_int("max_tiles", max_tiles)]
    count = weights.shape[1]
    columns = math.ceil(math.sqrt(count)) if columns is None else columns
    columns = check_positive_int("columns", columns)

    tiles = weights.T.reshape(count, *shape)
    pixel_axes = tuple(range(1, tiles.ndim))
    if zero_at_grey:
        tiles = zero_at_grey_to_uint8(tiles, pixel_axes)
    else:
        low = tiles.min(axis=pixel_axes, keepdims=True)
        high = tiles.max(axis=pixel_axes, keepdims=True)
        tiles = min_max_to_uint8(tiles, low, high)
    return assemble([tiles[start : start + columns] for start in range(0, count, columns)], 1)


def conv_kernel_tiles(
    kernel,
    *,
    columns: int | None = None,
    max_tiles: int | None = None,
    zero_at_grey: bool = True,
) -> np.ndarray:
    """The filters of a Conv2D kernel as a grid of tiles, scaled as in `weight_tiles`.

    With 3 input channels each filter is one RGB tile `(kh, kw, 3)`. Otherwise each
    (filter, input channel) pair is one grey tile `(kh, kw)`, filter-major: tile
    `f * in_channels + c` is `kernel[:, :, c, f]`, and the default `columns` is
    `in_channels` (if > 1), so grid row `f` shows filter `f` (use
    `max_tiles=k * in_channels` for the first `k` filters). Each tile is scaled on
    its own (thesis 2.4.1.1).

    Args:
        kernel: Conv2D kernel `(kh, kw, in_channels, filters)` (Keras layout).
        columns: tiles per grid row. Default: `in_channels` for 2 or more channels
            other than 3, else `ceil(sqrt(filters))`.
        max_tiles: draw only the first `max_tiles` tiles. Default: all.
        zero_at_grey: the scaling formula of `weight_tiles`.

    Returns:
        uint8 array: `(rows * kh + rows - 1, columns * kw + columns - 1, 3)` for 3 input
        channels, else the same without the channel axis.

    Examples:
        >>> import numpy as np
        >>> conv_kernel_tiles(np.ones((5, 5, 3, 16))).shape  # 4 x 4 RGB tiles
        (23, 23, 3)
        >>> conv_kernel_tiles(np.ones((3, 3, 32, 8))).shape  # 8 rows of 32 grey tiles
        (31, 127)
    """
    weights = as_finite_array("kernel", kernel)
    if weights.ndim != 4 or 0 in weights.shape:
        raise ValueError(
            "`kernel` must be a Conv2D kernel of shape (kh, kw, in_channels, filters) with "
            f"all sizes >= 1; received shape {weights.shape}."
        )
    height, width, channels, filters = weights.shape
    if channels == 3:
        dense = weights.reshape(height * width * 3, filters)
        image_shape = (height, width, 3)
    else:
        dense = weights.transpose(0, 1, 3, 2).reshape(height * width, filters * channels)
        image_shape = (height, width)
        if columns is None and channels > 1:
            columns = channels
    return weight_tiles(
        dense, image_shape, columns=columns, max_tiles=max_tiles, zero_at_grey=zero_at_grey
    )
