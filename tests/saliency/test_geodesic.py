import numpy as np
import pytest
import tensorflow as tf
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from mlzoo.saliency import geodesic_saliency, saliency_tf, with_saliency
from mlzoo.saliency.colour import srgb_to_lab, srgb_to_lightness


def dijkstra_distances(image, patch_size, boundary_weight, noise_threshold):
    """Reference: the same graph built explicitly (float64) with a virtual node, solved by scipy."""
    if image.ndim == 2:
        lab = srgb_to_lightness(image)[..., None].astype(np.float64)
    else:
        lab = srgb_to_lab(image).astype(np.float64)
    p = patch_size
    h, w = image.shape[0] // p, image.shape[1] // p
    features = lab.reshape(h, p, w, p, -1).mean(axis=(1, 3)).reshape(h * w, -1) / 100
    node = np.arange(h * w).reshape(h, w)
    rows, cols, weights = [], [], []
    for a, b in ((node[:, :-1], node[:, 1:]), (node[:-1], node[1:])):
        a, b = a.ravel(), b.ravel()
        weight = np.linalg.norm(features[a] - features[b], axis=1)
        weight[weight < noise_threshold] = 0.0
        rows += [a]
        cols += [b]
        weights += [weight]
    border = np.unique(np.concatenate([node[0], node[-1], node[:, 0], node[:, -1]]))
    rows += [np.full(len(border), h * w)]
    cols += [border]
    weights += [np.full(len(border), boundary_weight)]
    weights = np.maximum(np.concatenate(weights), 1e-12)  # sparse graphs drop 0 weights
    graph = coo_matrix((weights, (np.concatenate(rows), np.concatenate(cols))), (h * w + 1,) * 2)
    distances = dijkstra(graph.tocsr(), directed=False, indices=h * w)[: h * w]
    return np.repeat(np.repeat(distances.reshape(h, w), p, 0), p, 1)


PALETTE = [
    (230, 30, 30),
    (30, 200, 40),
    (40, 40, 230),
    (240, 220, 30),
    (20, 20, 20),
    (250, 250, 250),
]


def object_images(n=6, size=32, textured=True, seed=0):
    """A coloured square away from the border of a grey (optionally noisy) background; masks."""
    rng = np.random.default_rng(seed)
    images = np.full((n, size, size, 3), 110.0)
    if textured:
        images += rng.normal(0, 6, (n, size, size, 1))
    masks = np.zeros((n, size, size), bool)
    side = size * 3 // 8
    for i in range(n):
        top, left = rng.integers(4, size - side - 3, 2)
        masks[i, top : top + side, left : left + side] = True
        images[i, masks[i]] = PALETTE[i % len(PALETTE)]
    return np.clip(images, 0, 255).round().astype(np.uint8), masks


def test_srgb_to_lab_matches_reference_colours():
    rgb = np.array([[255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
    expected = [[100, 0, 0], [53.24, 80.09, 67.20], [87.73, -86.18, 83.18], [32.30, 79.19, -107.86]]
    np.testing.assert_allclose(srgb_to_lab(rgb), expected, atol=0.01)
    grey = np.arange(256, dtype=np.uint8)
    np.testing.assert_allclose(
        srgb_to_lightness(grey), srgb_to_lab(np.repeat(grey[:, None], 3, 1))[:, 0], atol=1e-4
    )


@pytest.mark.parametrize(
    "shape, patch_size, noise_threshold",
    [((3, 9, 12, 3), 1, 0.01), ((2, 8, 10, 3), 2, 0.01), ((3, 11, 7), 1, 0.01)],
)
def test_raw_distances_equal_dijkstra_on_random_images(shape, patch_size, noise_threshold):
    images = np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8)
    distances = geodesic_saliency(
        images, patch_size, 0.2, noise_threshold, normalize=False, chunk_size=2
    )
    assert distances.shape == shape[:3] and distances.dtype == np.float32
    for image, got in zip(images, distances, strict=True):
        reference = dijkstra_distances(image, patch_size, 0.2, noise_threshold)
        np.testing.assert_allclose(got, reference, rtol=1e-5, atol=1e-6)


def test_raw_distances_equal_dijkstra_along_winding_paths():
    # black/white noise with clipping: free moves inside black clusters, paths wind around
    rng = np.random.default_rng(2)
    images = (rng.random((4, 24, 24)) < 0.45).astype(np.uint8) * 255
    for threshold in (0.01, 0.5):
        distances = geodesic_saliency(images, 1, 0.3, threshold, normalize=False)
        for image, got in zip(images, distances, strict=True):
            reference = dijkstra_distances(image, 1, 0.3, threshold)
            np.testing.assert_allclose(got, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("textured", [False, True])
def test_object_away_from_the_border_is_salient(textured):
    images, masks = object_images(textured=textured)
    maps = geodesic_saliency(images)
    border = np.ones((32, 32), bool)
    border[1:-1, 1:-1] = False
    for saliency, mask in zip(maps, masks, strict=True):
        inside = saliency[mask].mean()
        assert inside > saliency[border].mean() + 0.8
        assert inside > saliency[~mask].mean() + 0.7


def test_maps_are_float32_in_unit_interval_and_chunking_does_not_matter():
    images = np.random.default_rng(3).integers(0, 256, (7, 16, 16, 3), dtype=np.uint8)
    maps = geodesic_saliency(images)
    assert maps.dtype == np.float32 and maps.shape == (7, 16, 16)
    np.testing.assert_array_equal(maps.min(axis=(1, 2)), 0.0)
    np.testing.assert_array_equal(maps.max(axis=(1, 2)), 1.0)
    np.testing.assert_array_equal(geodesic_saliency(images, chunk_size=3), maps)
    assert geodesic_saliency(images[:0]).shape == (0, 16, 16)


def test_patch_size_3_gives_full_size_maps_constant_on_blocks():
    images, _ = object_images(n=2, size=96)
    maps = geodesic_saliency(images, patch_size=3)
    assert maps.shape == (2, 96, 96)
    blocks = maps.reshape(2, 32, 3, 32, 3)
    np.testing.assert_array_equal(blocks.min(axis=(2, 4)), blocks.max(axis=(2, 4)))
    assert blocks.max() == 1.0


def test_uint8_float_and_grey_layouts_agree():
    images = np.random.default_rng(4).integers(0, 256, (3, 12, 12, 3), dtype=np.uint8)
    maps = geodesic_saliency(images)
    for scaled in (images / 255.0, (images / 255.0).astype(np.float32)):
        np.testing.assert_allclose(geodesic_saliency(scaled), maps, atol=1e-5)
    grey = images[..., 0]
    grey_maps = geodesic_saliency(grey)
    np.testing.assert_array_equal(geodesic_saliency(grey[..., None]), grey_maps)
    grey_as_rgb = np.repeat(grey[..., None], 3, -1)
    np.testing.assert_allclose(geodesic_saliency(grey_as_rgb), grey_maps, atol=1e-5)


def test_weight_clipping_zeroes_a_nearly_flat_noisy_image():
    rng = np.random.default_rng(5)
    noisy = (128 + rng.integers(-1, 2, (2, 20, 20, 1))).astype(np.uint8)  # steps of < 1 L unit
    assert not geodesic_saliency(noisy).any()
    assert geodesic_saliency(noisy, noise_threshold=0.0).max() == 1.0
    flat = np.full((1, 20, 20, 3), 200, np.uint8)
    assert not geodesic_saliency(flat).any()
    raw = geodesic_saliency(flat, boundary_weight=0.2, normalize=False)
    np.testing.assert_array_equal(raw, np.float32(0.2))


@pytest.mark.parametrize(
    "images, kwargs, match",
    [
        (np.zeros((32, 32, 3), np.uint8), {}, "single image.*add a batch axis"),
        (np.zeros((32, 32), np.uint8), {}, "single image"),
        (np.zeros((2, 2, 32, 32, 3), np.uint8), {}, r"must have shape \(N, H, W, 3\)"),
        (np.zeros((2, 32, 32, 4), np.uint8), {}, r"must have shape \(N, H, W, 3\)"),
        (np.full((1, 8, 8, 3), np.nan), {}, "NaN or inf"),
        (np.full((1, 8, 8, 3), np.inf), {}, "NaN or inf"),
        (np.full((1, 8, 8, 3), 255.0), {}, r"Scale them to \[0, 1\].*uint8"),
        (np.full((1, 8, 8, 3), -0.5), {}, r"must lie in \[0, 1\]"),
        (np.zeros((1, 8, 8, 3), np.int32), {}, "dtype int32"),
        (np.zeros((1, 8, 8, 3)), {"patch_size": 0}, "`patch_size` must be a positive integer"),
        (np.zeros((1, 8, 8, 3)), {"patch_size": 1.5}, "`patch_size` must be a positive integer"),
        (np.zeros((1, 32, 30, 3)), {"patch_size": 3}, "height 32 is not a positive multiple of"),
        (np.zeros((1, 30, 32, 3)), {"patch_size": 3}, "width 32 is not a positive multiple of"),
        (np.zeros((1, 8, 8, 3)), {"boundary_weight": -0.2}, "`boundary_weight` must be a non-n"),
        (np.zeros((1, 8, 8, 3)), {"noise_threshold": -1}, "`noise_threshold` must be a non-n"),
        (np.zeros((1, 8, 8, 3)), {"noise_threshold": np.nan}, "`noise_threshold` must be a non-n"),
        (np.zeros((1, 8, 8, 3)), {"chunk_size": 0}, "`chunk_size` must be a positive integer"),
    ],
)
def test_bad_inputs_raise_value_errors_naming_the_problem(images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        geodesic_saliency(images, **kwargs)


def test_saliency_tf_in_dataset_map_equals_numpy():
    images, _ = object_images(n=6, size=24)
    expected = geodesic_saliency(images)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    mapped = dataset.map(saliency_tf)
    assert mapped.element_spec.shape.as_list() == [None, 24, 24]
    np.testing.assert_array_equal(np.concatenate(list(mapped.as_numpy_iterator())), expected)
    in_graph = tf.function(lambda x: saliency_tf(x, patch_size=2))(tf.constant(images))
    np.testing.assert_array_equal(in_graph.numpy(), geodesic_saliency(images, patch_size=2))


def test_with_saliency_adds_maps_to_batches_and_keeps_labels():
    images, _ = object_images(n=5, size=16)
    labels = np.arange(5)
    pairs = with_saliency(tf.data.Dataset.from_tensor_slices((images, labels)).batch(2))
    x, s, y = (np.concatenate(part) for part in zip(*pairs.as_numpy_iterator(), strict=True))
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, labels)
    np.testing.assert_array_equal(s, geodesic_saliency(images))
    plain = with_saliency(tf.data.Dataset.from_tensor_slices(images).batch(5), patch_size=2)
    (x, s), *_ = plain.as_numpy_iterator()
    np.testing.assert_array_equal(s, geodesic_saliency(images, patch_size=2))


def test_tf_wrappers_check_arguments_when_built():
    images = tf.zeros((2, 16, 16, 3), tf.uint8)
    with pytest.raises(ValueError, match="width 16 is not a positive multiple of patch_size=3"):
        saliency_tf(tf.zeros((2, 15, 16, 3), tf.uint8), patch_size=3)
    with pytest.raises(ValueError, match="`boundary_weight` must be a non-negative"):
        saliency_tf(images, boundary_weight=-1.0)
    with pytest.raises(ValueError, match="dtype"):
        saliency_tf(tf.zeros((2, 16, 16, 3), tf.int32))
    with pytest.raises(TypeError, match="patch"):
        saliency_tf(images, patch=2)
    unbatched = tf.data.Dataset.from_tensor_slices(images)
    with pytest.raises(ValueError, match=r"single image.*dataset\.batch"):
        with_saliency(unbatched)
    with pytest.raises(ValueError, match="image batches or"):
        with_saliency(tf.data.Dataset.from_tensor_slices({"x": images}))
