"""Geodesic saliency with background priors (Wei, Wen, Zhu, Sun, ECCV 2012), batched in numpy.

Each image is cut into `patch_size` x `patch_size` patches on a 4-connected grid. A patch's
appearance is its mean CIELAB colour scaled by 1/100; the edge between neighbours p, q weighs

    w(p, q) = ||lab(p) - lab(q)|| / 100,  set to 0 when below `noise_threshold` (weight clipping)

and every boundary patch is joined to one virtual background node B by an edge of weight
`boundary_weight`. The saliency of a patch is its geodesic distance to the background,

    saliency(p) = min over paths p = p_0, ..., p_k = B of  sum_i w(p_i, p_{i+1}),

min-max normalised per image to [0, 1] and repeated back to pixels. The shortest paths are
exact: Bellman-Ford relaxation by directional sweeps (left→right, right→left, top→bottom,
bottom→top), vectorised over the batch, repeated until no distance changes.

The maps are input preprocessing, computed once per image on the host: `geodesic_saliency`
is NumPy and works whatever the Keras backend; `saliency_tf` and `with_saliency` run it
inside `tf.data` pipelines (TensorFlow must be installed; `tf.data` feeds JAX models too).

Examples:
    >>> import numpy as np
    >>> images = np.zeros((1, 5, 5, 3), np.uint8)
    >>> images[0, 2, 2] = 255  # one white pixel on black, touching no border
    >>> geodesic_saliency(images)[0, 2]
    array([0., 0., 1., 0., 0.], dtype=float32)
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import numpy as np

from mlzoo._checks import check_non_negative, check_positive_int
from mlzoo.saliency.colour import srgb_to_lab, srgb_to_lightness

if TYPE_CHECKING:
    import tensorflow as tf


def geodesic_saliency(
    images,
    patch_size: int = 1,
    boundary_weight: float = 0.2,
    noise_threshold: float = 0.01,
    *,
    normalize: bool = True,
    chunk_size: int | None = None,
) -> np.ndarray:
    """Geodesic saliency maps, float32 `(N, H, W)`, of a batch of images.

    `images`: `(N, H, W, 3)` sRGB or `(N, H, W)` / `(N, H, W, 1)` grey, uint8 in 0..255 or
    float in [0, 1]. H and W must be multiples of `patch_size` (thesis: 1 for 32x32 images,
    3 for 96x96). `boundary_weight` (thesis: 0.2) joins each boundary patch to the virtual
    background node; internal edge weights below `noise_threshold` (thesis: 0.01) become 0.
    With `normalize=False` the raw geodesic distances are returned (every value is at least
    `boundary_weight`); otherwise each map is min-max scaled to [0, 1] (a flat map gives 0).
    `chunk_size` images are processed at a time (default: at most 2**18 patches and 2**20
    pixels, e.g. 256 images of 32x32), which bounds the memory and keeps arrays in cache.

    Examples:
        >>> geodesic_saliency(np.zeros((2, 96, 96, 3), np.uint8), patch_size=3).shape
        (2, 96, 96)
    """
    patch_size, boundary_weight, noise_threshold = _check_params(
        patch_size, boundary_weight, noise_threshold
    )
    images = np.asarray(images)
    _check_shape(images.shape, patch_size)
    _check_values(images)
    if chunk_size is None:  # measured sweet spot on a 2-core EPYC: cache-sized work arrays
        pixels = images.shape[1] * images.shape[2]
        chunk_size = max(1, min(2**18 * patch_size**2 // pixels, 2**20 // pixels))
    chunk_size = check_positive_int("chunk_size", chunk_size)
    out = np.empty(images.shape[:3], np.float32)
    for start in range(0, len(images), chunk_size):
        chunk = images[start : start + chunk_size]
        horizontal, vertical = _edge_weights(_patch_features(chunk, patch_size), noise_threshold)
        distances = _geodesic_distances(horizontal, vertical, boundary_weight)  # (h, w, n)
        if normalize:
            _min_max_normalize(distances)
        h, w, n = distances.shape
        blocks = out[start : start + n].reshape(n, h, patch_size, w, patch_size)
        blocks[:] = distances.transpose(2, 0, 1)[:, :, None, :, None]  # repeat to pixels
    return out


def saliency_tf(images, **kwargs) -> tf.Tensor:
    """`geodesic_saliency` as a TensorFlow op (via `tf.numpy_function`), for `tf.data` pipelines.

    Works eagerly and in graph mode (`dataset.map`, `tf.function`); the result is float32
    with static shape `(N, H, W)`. `kwargs` are `geodesic_saliency`'s; they, the dtype and the
    static shape are checked when the op is built, pixel values when it runs.

    Examples:
        >>> import tensorflow as tf
        >>> saliency_tf(tf.zeros((2, 8, 8, 3), tf.uint8)).shape
        TensorShape([2, 8, 8])
    """
    import tensorflow as tf

    images = tf.convert_to_tensor(images)
    options = inspect.signature(geodesic_saliency).bind(images, **kwargs)
    options.apply_defaults()
    patch_size, _, _ = _check_params(
        *(options.arguments[k] for k in ("patch_size", "boundary_weight", "noise_threshold"))
    )
    if images.dtype not in (tf.uint8, tf.float16, tf.float32, tf.float64):
        raise ValueError(
            f"`images` must be uint8 (0..255) or float in [0, 1]; received dtype {images.dtype}."
        )
    if images.shape.rank is not None:
        _check_shape(tuple(images.shape), patch_size)
    maps = tf.numpy_function(
        lambda x: geodesic_saliency(x, **kwargs), [images], tf.float32, stateful=False
    )
    maps.set_shape(images.shape[:3])
    return maps


def with_saliency(dataset: tf.data.Dataset, **kwargs) -> tf.data.Dataset:
    """Add saliency maps to a dataset of image batches: `x` → `(x, s)`, `(x, y)` → `(x, s, y)`.

    The elements must already be batched (`dataset.batch(n)`); `kwargs` go to
    `geodesic_saliency`. Order is kept; maps are computed in parallel (`AUTOTUNE`).

    Examples:
        >>> import tensorflow as tf
        >>> ds = tf.data.Dataset.from_tensor_slices(tf.zeros((4, 8, 8, 3), tf.uint8)).batch(2)
        >>> [s.shape for _, s in with_saliency(ds)]
        [TensorShape([2, 8, 8]), TensorShape([2, 8, 8])]
    """
    import tensorflow as tf

    spec = dataset.element_spec
    if isinstance(spec, tf.TensorSpec):
        return dataset.map(
            lambda x: (x, saliency_tf(x, **kwargs)), num_parallel_calls=tf.data.AUTOTUNE
        )
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], tf.TensorSpec):
        return dataset.map(
            lambda x, y: (x, saliency_tf(x, **kwargs), y), num_parallel_calls=tf.data.AUTOTUNE
        )
    raise ValueError(
        "`dataset` must yield image batches or (image_batch, labels) pairs; its element_spec "
        f"is {spec}."
    )


# ----------------------------------------------------------------------------- checks
def _check_params(patch_size, boundary_weight, noise_threshold) -> tuple[int, float, float]:
    return (
        check_positive_int("patch_size", patch_size),
        check_non_negative("boundary_weight", boundary_weight),
        check_non_negative("noise_threshold", noise_threshold),
    )


def _check_shape(shape: tuple, patch_size: int) -> None:
    """Batch rank and grid divisibility; unknown (None) dimensions pass."""
    if len(shape) == 2 or (len(shape) == 3 and shape[-1] in (1, 3)):
        raise ValueError(
            f"`images` of shape {shape} looks like a single image; saliency works on batches: "
            "add a batch axis (images[None]) or batch the dataset (dataset.batch(n)). For a "
            "batch of grey images this narrow, pass shape (N, H, W, 1)."
        )
    if len(shape) not in (3, 4) or (len(shape) == 4 and shape[-1] not in (1, 3, None)):
        raise ValueError(
            "`images` must have shape (N, H, W, 3) for RGB or (N, H, W) / (N, H, W, 1) for "
            f"grey; received shape {shape}."
        )
    for name, size in (("height", shape[1]), ("width", shape[2])):
        if size is not None and (size < 1 or size % patch_size):
            raise ValueError(
                f"Image {name} {size} is not a positive multiple of patch_size={patch_size}; "
                "crop or pad the images, or choose a patch size that divides it."
            )


def _check_values(images: np.ndarray) -> None:
    if images.dtype == np.uint8:
        return
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(
            f"`images` must be uint8 (0..255) or float in [0, 1]; received dtype {images.dtype}."
        )
    if images.size == 0:
        return
    if not np.isfinite(images).all():
        raise ValueError(f"`images` contains {np.sum(~np.isfinite(images))} NaN or inf values.")
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"Float `images` must lie in [0, 1]; received values in [{low:g}, {high:g}]. "
            "Scale them to [0, 1] (e.g. divide by 255) or pass uint8 images."
        )


# ----------------------------------------------------------------------------- the method
def _patch_features(images: np.ndarray, patch_size: int) -> np.ndarray:
    """Mean CIELAB colour per patch, float32 `(h, w, C, N)` (C = 3, or 1 for grey)."""
    batch_last = np.ascontiguousarray(np.moveaxis(images, 0, -1))  # (H, W[, C], N)
    if images.ndim == 3 or images.shape[-1] == 1:
        lab = srgb_to_lightness(batch_last.reshape(*images.shape[1:3], 1, len(images)))
    else:
        lab = srgb_to_lab(batch_last, axis=2)
    if patch_size == 1:
        return lab
    height, width, channels, n = lab.shape
    p = patch_size
    return lab.reshape(height // p, p, width // p, p, channels, n).mean(axis=(1, 3))


def _edge_weights(features: np.ndarray, noise_threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Clipped weights `(h, w-1, N)` right-neighbour and `(h-1, w, N)` lower-neighbour edges."""
    weights = []
    for diff in (features[:, 1:] - features[:, :-1], features[1:] - features[:-1]):
        np.square(diff, out=diff)
        w = diff.sum(axis=2)
        np.sqrt(w, out=w)
        w *= np.float32(0.01)  # Lab / 100
        w[w < noise_threshold] = 0.0
        weights.append(w)
    return weights[0], weights[1]


def _geodesic_distances(
    horizontal: np.ndarray, vertical: np.ndarray, boundary_weight: float
) -> np.ndarray:
    """Exact shortest-path lengths `(h, w, N)` to the virtual node, by sweeps to convergence.

    Boundary patches start (and stay: weights are >= 0) at `boundary_weight`, the rest at
    inf. A round relaxes d[q] = min(d[q], d[p] + w(p, q)) for every interior q, sweeping
    each direction in turn; an image whose round changed nothing has every edge relaxed, so
    its distances are exact. Once at most half of the images still change, the finished
    ones are stored and dropped from the work arrays.
    """
    h, w, n = horizontal.shape[0], vertical.shape[1], horizontal.shape[2]
    result = np.full((h, w, n), np.float32(boundary_weight), np.float32)
    if h < 3 or w < 3:
        return result
    d = result.copy()
    d[1:-1, 1:-1] = np.inf
    index = np.arange(n)
    while index.size:
        changed = _relaxation_round(d, horizontal, vertical)
        if changed.sum() <= len(index) // 2:
            result[:, :, index[~changed]] = d[:, :, ~changed]
            index, d = index[changed], d[:, :, changed]
            horizontal, vertical = horizontal[:, :, changed], vertical[:, :, changed]
    return result


def _relaxation_round(d: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray) -> np.ndarray:
    """Sweep `d` in place along rows, then along columns; `(N,)` bool: which images changed."""
    previous = d.copy()
    _sweep(d[1:-1].transpose(1, 0, 2), horizontal[1:-1].transpose(1, 0, 2))
    _sweep(d[:, 1:-1], vertical[:, 1:-1])
    return (previous != d).any(axis=(0, 1))


def _sweep(d: np.ndarray, weights: np.ndarray) -> None:
    """Relax d[j] from d[j - 1] forwards, then from d[j + 1] backwards, for 0 < j < len - 1.

    `weights[j]` is the edge between positions j and j + 1 along the swept axis 0.
    """
    buffer = np.empty_like(d[0])
    for j in range(1, len(d) - 1):
        np.add(d[j - 1], weights[j - 1], out=buffer)
        np.minimum(d[j], buffer, out=d[j])
    for j in range(len(d) - 2, 0, -1):
        np.add(d[j + 1], weights[j], out=buffer)
        np.minimum(d[j], buffer, out=d[j])


def _min_max_normalize(distances: np.ndarray) -> None:
    """Scale each map (last axis indexes images) to [0, 1] in place; flat maps become 0."""
    low, high = distances.min(axis=(0, 1)), distances.max(axis=(0, 1))
    span = high - low
    distances -= low  # a flat map is now 0
    np.divide(distances, span, out=distances, where=span > 0)
