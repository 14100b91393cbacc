import numpy as np
import pytest

from mlzoo.datasets import from_one_hot, one_hot


def test_one_hot_values_and_dtype():
    y = one_hot([2, 0, 1, 2])
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])


def test_one_hot_num_classes_widens_rows():
    assert one_hot(np.array([0, 1]), num_classes=5).shape == (2, 5)


def test_one_hot_accepts_column_and_whole_floats():
    np.testing.assert_array_equal(one_hot(np.array([[1], [0]])), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0])), [[0, 1], [1, 0]])


def test_round_trip():
    labels = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    restored = from_one_hot(one_hot(labels))
    assert restored.dtype == np.int64
    np.testing.assert_array_equal(restored, labels)


@pytest.mark.parametrize(
    "labels, num_classes, message",
    [
        ([0, 1.5], None, "integer class indices; received 1.5"),
        ([0, np.nan], None, "integer class indices"),
        (["a", "b"], None, "integer class indices; received dtype"),
        ([0, -1], None, "must be >= 0; received -1"),
        ([0, 3], 3, "class 3, which needs num_classes >= 4; received num_classes=3"),
        ([[0, 1], [1, 0]], None, "1-D array of class indices; received shape \\(2, 2\\)"),
        ([0, 1], 0, "`num_classes` must be a positive integer"),
        ([0, 1], 2.5, "`num_classes` must be a positive integer"),
    ],
)
def test_one_hot_rejects(labels, num_classes, message):
    with pytest.raises(ValueError, match=message):
        one_hot(labels, num_classes)


@pytest.mark.parametrize(
    "y, message",
    [
        ([0, 1, 1], "must be 2-D"),
        ([[0.2, 0.8], [1, 0]], "not one-hot: row 0"),
        ([[1, 0], [1, 1]], "not one-hot: row 1"),
        ([[1, 0], [0, 0]], "not one-hot: row 1"),
    ],
)
def test_from_one_hot_rejects(y, message):
    with pytest.raises(ValueError, match=message):
        from_one_hot(y)
