import keras
import numpy as np
import pytest

from mlzoo.visualization import (
    conv_kernel_tiles,
    image_grid,
    project_to_input,
    save_png,
    weight_tiles,
)

# ---------------------------------------------------------------- weight_tiles


def test_zero_at_grey_scaling_of_known_values():
    # One unit, max|w| = 2: I = (w / 2 + 1) * 128 - 1, rounded, clipped to [0, 255].
    kernel = np.array([[0.0], [2.0], [-2.0], [1.0], [-1.0], [0.5]])
    tile = weight_tiles(kernel, (2, 3))
    assert tile.dtype == np.uint8 and tile.shape == (2, 3)
    np.testing.assert_array_equal(tile, [[127, 255, 0], [191, 63, 159]])


def test_zero_at_grey_is_per_tile_and_sign_ordered():
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((4, 2)) * [[1.0, 100.0]]
    grid = weight_tiles(kernel, (2, 2), columns=2)
    left, right = grid[:, :2], grid[:, 3:]
    for tile, column in ((left, kernel[:, 0]), (right, kernel[:, 1])):
        # Each tile reaches 255 or 0 at its own largest |w|, whatever the other's scale.
        peak = np.unravel_index(np.argmax(np.abs(column)), (2, 2))
        assert tile[peak] == (255 if column.max() >= -column.min() else 0)
        flat = tile.reshape(-1).astype(int)
        assert ((flat > 127) == (column > 0)).all()


def test_all_zero_tile_is_mid_grey():
    np.testing.assert_array_equal(weight_tiles(np.zeros((4, 1)), (2, 2)), np.full((2, 2), 127))


def test_min_max_mode_spans_0_to_255():
    kernel = np.array([[3.0], [5.0], [4.0], [7.0]])  # (w - 3) / 4 * 255
    tile = weight_tiles(kernel, (2, 2), zero_at_grey=False)
    np.testing.assert_array_equal(tile, [[0, 128], [64, 255]])  # 127.5 and 63.75 rounded


def test_grid_shape_borders_and_partial_last_row():
    kernel = np.ones((12, 7))  # 7 tiles of 3 x 4
    grid = weight_tiles(kernel, (3, 4), columns=3)  # 3 rows: 3 + 3 + 1 tiles
    assert grid.shape == (3 * 3 + 2, 3 * 4 + 2)
    assert (grid[3, :] == 0).all() and (grid[:, 4] == 0).all()  # 1-pixel black borders
    assert (grid[8:, 5:] == 0).all()  # empty cells after the last tile
    assert (grid[8:, :4] == 255).all()  # the 7th tile (all +max)
    # Default columns = ceil(sqrt(n)); max_tiles keeps the first units only.
    assert weight_tiles(np.ones((4, 10)), (2, 2)).shape == (3 * 2 + 2, 4 * 2 + 3)  # 4 columns
    assert weight_tiles(np.ones((4, 10)), (2, 2), max_tiles=4).shape == (5, 5)


def test_tiles_follow_keras_column_layout():
    kernel = np.zeros((4, 3))
    kernel[1, 2] = 1.0  # unit 2, pixel (0, 1)
    grid = weight_tiles(kernel, (2, 2), columns=3)
    assert grid[0, 2 * 3 + 1] == 255
    assert (grid[:, :5][grid[:, :5] != 0] == 127).all()  # units 0 and 1 are all zero


def test_rgb_tiles():
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal((5 * 4 * 3, 6))
    grid = weight_tiles(kernel, (5, 4, 3), columns=4)
    assert grid.shape == (2 * 5 + 1, 4 * 4 + 3, 3)
    levels = (kernel[:, 0] / np.abs(kernel[:, 0]).max() + 1) * 128 - 1
    expected = np.clip(np.rint(levels), 0, 255).reshape(5, 4, 3)
    np.testing.assert_array_equal(grid[:5, :4], expected)


def test_keras_dense_kernel_is_accepted():
    layer = keras.layers.Dense(6)
    layer.build((None, 9))
    assert weight_tiles(layer.kernel, (3, 3)).shape == (2 * 3 + 1, 3 * 3 + 2)  # 3 columns


@pytest.mark.parametrize(
    ("kernel", "image_shape", "kwargs", "match"),
    [
        (np.ones((12, 2)), (3, 3), {}, "holds 9 values but the kernel has 12 inputs"),
        (np.ones(12), (3, 4), {}, r"shape \(inputs, units\)"),
        (np.ones((12, 2)), (2, 2, 3, 1), {}, "image_shape"),
        (np.ones((12, 2)), (2, 3, 2), {}, "C in {1, 3}"),
        (np.ones((12, 2)), (3, 4), {"columns": 0}, "columns"),
        (np.ones((12, 2)), (3, 4), {"max_tiles": 0}, "max_tiles"),
        (np.full((12, 2), np.nan), (3, 4), {}, "NaN"),
    ],
)
def test_weight_tiles_errors(kernel, image_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        weight_tiles(kernel, image_shape, **kwargs)


# ----------------------------------------------------------- conv_kernel_tiles


def test_conv_tiles_rgb_for_3_input_channels():
    rng = np.random.default_rng(2)
    kernel = rng.standard_normal((5, 5, 3, 10))
    grid = conv_kernel_tiles(kernel)  # 10 filters -> 4 columns, 3 rows
    assert grid.shape == (3 * 5 + 2, 4 * 5 + 3, 3)
    np.testing.assert_array_equal(
        grid[:5, 6:11], weight_tiles(kernel[..., 1].reshape(-1, 1), (5, 5, 3))
    )


def test_conv_tiles_grey_one_row_per_filter():
    rng = np.random.default_rng(3)
    kernel = rng.standard_normal((3, 3, 32, 4))
    grid = conv_kernel_tiles(kernel)
    assert grid.shape == (4 * 3 + 3, 32 * 3 + 31)
    tile = grid[2 * 4 : 2 * 4 + 3, 5 * 4 : 5 * 4 + 3]  # filter 2, input channel 5
    np.testing.assert_array_equal(tile, weight_tiles(kernel[:, :, 5, 2].reshape(-1, 1), (3, 3)))
    assert conv_kernel_tiles(kernel, max_tiles=64).shape == (2 * 3 + 1, 32 * 3 + 31)
    assert conv_kernel_tiles(np.ones((3, 3, 1, 9))).shape == (3 * 3 + 2, 3 * 3 + 2)


def test_conv_tiles_shape_error():
    with pytest.raises(ValueError, match=r"\(kh, kw, in_channels, filters\)"):
        conv_kernel_tiles(np.ones((3, 3, 8)))


# ------------------------------------------------------------ project_to_input


def test_projection_matches_thesis_formula():
    rng = np.random.default_rng(4)
    k1, k2 = rng.standard_normal((6, 4)), rng.standard_normal((4, 3))
    b1 = rng.standard_normal(4)
    w1, w2 = k1.T, k2.T  # thesis layout (out, in)
    projected = project_to_input([k1, k2], biases=[b1])
    assert projected.shape == (6, 3)
    for i in range(3):
        np.testing.assert_allclose(projected[:, i], w1.T @ (w2[i] - b1))
    np.testing.assert_allclose(project_to_input([k1, k2]), k1 @ k2)


def test_projection_three_layers():
    rng = np.random.default_rng(5)
    k1, k2, k3 = (rng.standard_normal(s) for s in ((5, 4), (4, 3), (3, 2)))
    b1, b2 = rng.standard_normal(4), rng.standard_normal(3)
    expected = k1 @ (k2 @ (k3 - b2[:, None]) - b1[:, None])
    np.testing.assert_allclose(project_to_input([k1, k2, k3], [b1, b2]), expected)


def test_projection_identity_and_single_kernel():
    rng = np.random.default_rng(6)
    k1 = rng.standard_normal((9, 4))
    np.testing.assert_allclose(project_to_input([k1, np.eye(4)]), k1)
    single = project_to_input([k1])
    np.testing.assert_array_equal(single, k1)
    assert single is not k1
    assert weight_tiles(project_to_input([k1, np.eye(4)]), (3, 3)).shape == (7, 7)


@pytest.mark.parametrize(
    ("kernels", "biases", "match"),
    [
        ([np.ones((6, 4)), np.ones((5, 3))], None, "has 4 units but `kernels\\[1\\]` has 5"),
        ([np.ones((6, 4)), np.ones(4)], None, r"kernels\[1\]` must be a Dense kernel"),
        ([np.ones((6, 4)), np.ones((4, 3))], [np.ones(3)], r"biases\[0\]` must have shape"),
        ([np.ones((6, 4)), np.ones((4, 3))], [np.ones(4), np.ones(3)], "leave out the top"),
        ([], None, "non-empty list"),
        (np.ones((6, 4)), None, "non-empty list"),
    ],
)
def test_projection_errors(kernels, biases, match):
    with pytest.raises(ValueError, match=match):
        project_to_input(kernels, biases)


# ------------------------------------------------------------------ image_grid


def test_image_grid_mixed_grey_and_rgb_rows():
    rng = np.random.default_rng(7)
    grey = rng.random((3, 4, 5))
    rgb = rng.random((2, 4, 5, 3))
    grid = image_grid([grey, rgb], border=2)
    assert grid.dtype == np.uint8
    assert grid.shape == (2 * 4 + 2, 3 * 5 + 2 * 2, 3)
    first = grid[:4, :5]
    assert (first[..., 0] == first[..., 1]).all() and (first[..., 1] == first[..., 2]).all()
    assert first.min() == 0 and first.max() == 255  # per-image min-max
    assert (grid[4:6] == 0).all() and (grid[6:, 14:] == 0).all()  # border, empty cell


def test_image_grid_flat_rows_with_image_shape():
    originals = np.linspace(0, 1, 2 * 6).reshape(2, 2, 3)
    flat = originals.reshape(2, 6) * 0.5
    grid = image_grid([originals, flat], image_shape=(2, 3), normalise="global", border=1)
    assert grid.shape == (5, 7)
    np.testing.assert_array_equal(grid[:2, :3], np.rint(originals[0] * 255))
    np.testing.assert_array_equal(grid[3:, 4:], np.rint(originals[1] * 0.5 * 255))


def test_image_grid_without_normalisation():
    images = np.array([[[0, 10], [200, 255]]], dtype=np.uint8)
    np.testing.assert_array_equal(image_grid([images], normalise=None), images[0])
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        image_grid([images - 1.0], normalise=None)


@pytest.mark.parametrize(
    ("rows", "kwargs", "match"),
    [
        ([np.ones((2, 6))], {}, "image_shape"),
        ([np.ones((2, 6))], {"image_shape": (2, 2)}, "holds 4 values"),
        ([np.ones((2, 3, 3)), np.ones((2, 3, 4))], {}, "same height and width"),
        ([np.ones((2, 3, 3, 2))], {}, "C in {1, 3}"),
        ([np.ones((0, 3, 3))], {}, "n >= 1"),
        (np.ones((2, 3, 3)), {}, "list of rows"),
        ([], {}, "at least one row"),
        ([np.ones((2, 3, 3))], {"normalise": "minmax"}, "normalise"),
        ([np.ones((2, 3, 3))], {"border": -1}, "border"),
    ],
)
def test_image_grid_errors(rows, kwargs, match):
    with pytest.raises(ValueError, match=match):
        image_grid(rows, **kwargs)


# -------------------------------------------------------------------- save_png


def test_save_png_writes_readable_image(tmp_path):
    from matplotlib.image import imread

    grid = weight_tiles(np.random.default_rng(8).standard_normal((16, 5)), (4, 4))
    path = save_png(grid, tmp_path / "nested" / "tiles.png", scale=3)
    assert path.exists() and path.stat().st_size > 0
    pixels = imread(path)
    assert pixels.shape[:2] == (grid.shape[0] * 3, grid.shape[1] * 3)
    # Grey levels survive: the first pixel block equals the first grid value.
    np.testing.assert_allclose(pixels[:3, :3, 0], grid[0, 0] / 255, atol=1 / 255)

    rgb = image_grid([np.random.default_rng(9).random((2, 3, 3, 3))])
    titled = save_png(rgb, str(tmp_path / "rgb.png"), title="reconstructions")
    assert imread(titled).shape[:2] == (3 + 24, 7)


def test_save_png_errors(tmp_path):
    with pytest.raises(ValueError, match="uint8"):
        save_png(np.zeros((3, 3)), tmp_path / "x.png")
    with pytest.raises(ValueError, match="shape"):
        save_png(np.zeros((3, 3, 2), np.uint8), tmp_path / "x.png")
    with pytest.raises(ValueError, match="scale"):
        save_png(np.zeros((3, 3), np.uint8), tmp_path / "x.png", scale=0)


def test_save_png_without_matplotlib(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        save_png(np.zeros((3, 3), np.uint8), tmp_path / "x.png")
