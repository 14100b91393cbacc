import numpy as np
import pytest

from mlzoo.datasets import minmax_scale


def test_tabular_is_scaled_per_feature_with_train_statistics():
    x_train = np.array([[0.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    x_test = np.array([[1.0, 20.0], [8.0, 0.0]])
    train, test = minmax_scale(x_train, x_test)
    assert train.dtype == test.dtype == np.float32
    np.testing.assert_allclose(train, [[0, 0], [0.5, 1], [1, 0.5]])
    # Test values beyond the training range are clipped, not rescaled.
    np.testing.assert_allclose(test, [[0.25, 0.5], [1, 0]])


def test_single_array_returns_array():
    scaled = minmax_scale(np.array([[1.0], [3.0]]))
    assert isinstance(scaled, np.ndarray)
    np.testing.assert_allclose(scaled, [[0], [1]])


def test_constant_feature_maps_to_zero():
    x_train = np.array([[5.0, 0.0], [5.0, 1.0]])
    train, test = minmax_scale(x_train, np.array([[4.0, 0.5], [7.0, 0.5]]))
    assert np.isfinite(train).all() and np.isfinite(test).all()
    np.testing.assert_array_equal(train[:, 0], [0, 0])
    np.testing.assert_array_equal(test[:, 0], [0, 0])
    assert not np.signbit(test).any()


def test_images_use_one_global_range():
    x_train = np.zeros((2, 3, 3), np.uint8)
    x_train[0, 0, 0], x_train[1, 2, 2] = 50, 250
    train, test = minmax_scale(x_train, np.full((1, 3, 3), 150, np.uint8))
    assert train.shape == (2, 3, 3) and train.dtype == np.float32
    np.testing.assert_allclose(train[0, 0, 0], 0.2)
    np.testing.assert_allclose(train.max(), 1.0)
    np.testing.assert_allclose(test, 0.6)


def test_flattened_uint8_images_use_one_global_range():
    x_train = np.array([[0, 100], [50, 200]], np.uint8)
    np.testing.assert_allclose(minmax_scale(x_train), [[0, 0.5], [0.25, 1]])


def test_per_feature_overrides_the_default():
    x = np.array([[0.0, 10.0], [2.0, 30.0]])
    np.testing.assert_allclose(minmax_scale(x, per_feature=False), [[0, 1 / 3], [1 / 15, 1]])
    images = np.array([[[0, 10]], [[2, 30]]], np.uint8)
    np.testing.assert_allclose(minmax_scale(images, per_feature=True), [[[0, 0]], [[1, 1]]])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("argument", ["x_train", "x_test"])
def test_rejects_non_finite_input_naming_the_argument(bad, argument):
    arrays = {"x_train": np.array([[0.0], [1.0]]), "x_test": np.array([[0.5]])}
    arrays[argument][0, 0] = bad
    with pytest.raises(ValueError, match=f"`{argument}` contains NaN or infinite"):
        minmax_scale(arrays["x_train"], arrays["x_test"])


def test_rejects_mismatched_feature_shapes_and_empty_train():
    with pytest.raises(ValueError, match=r"`x_test` samples have shape \(3,\)"):
        minmax_scale(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="`x_train` is empty"):
        minmax_scale(np.zeros((0, 2)))
