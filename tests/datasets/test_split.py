import numpy as np
import pytest

from mlzoo.datasets import stratified_split


def _data(class_sizes):
    y = np.repeat(np.arange(len(class_sizes)), class_sizes)
    x = np.stack([np.arange(len(y)), y], axis=1)  # column 1 repeats the label: pairs stay intact
    return x, y


def test_sizes_pairs_and_partition():
    x, y = _data([30, 20, 10])
    (x_tr, y_tr), (x_te, y_te) = stratified_split(x, y, 36)
    assert len(y_tr) == 36 and len(y_te) == 24
    np.testing.assert_array_equal(x_tr[:, 1], y_tr)
    np.testing.assert_array_equal(x_te[:, 1], y_te)
    np.testing.assert_array_equal(np.sort(np.concatenate([x_tr[:, 0], x_te[:, 0]])), x[:, 0])


def test_keeps_class_proportions():
    x, y = _data([30, 20, 10])
    (_, y_tr), (_, y_te) = stratified_split(x, y, 0.6)
    np.testing.assert_array_equal(np.bincount(y_tr), [18, 12, 6])
    np.testing.assert_array_equal(np.bincount(y_te), [12, 8, 4])


def test_same_seed_same_split_other_seed_other_split():
    x, y = _data([30, 20, 10])
    first, again, other = (stratified_split(x, y, 0.5, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(first[0][0], again[0][0])
    np.testing.assert_array_equal(first[1][0], again[1][0])
    assert not np.array_equal(np.sort(first[0][0][:, 0]), np.sort(other[0][0][:, 0]))


def test_output_is_shuffled_not_grouped_by_class():
    x, y = _data([50, 50])
    (_, y_tr), _ = stratified_split(x, y, 50)
    assert np.count_nonzero(np.diff(y_tr)) > 5


def test_small_classes_appear_on_both_sides():
    x, y = _data([100, 2, 2, 3])
    (_, y_tr), (_, y_te) = stratified_split(x, y, 0.9)
    assert set(y_tr) == set(y_te) == {0, 1, 2, 3}
    assert len(y_tr) == 96


def test_impossible_balance_still_gives_exact_sizes():
    x, y = _data([5, 5, 5, 1])
    (_, y_tr), (_, y_te) = stratified_split(x, y, 2)
    assert len(y_tr) == 2 and len(y_te) == 14


def test_multidimensional_samples():
    x = np.arange(40 * 2 * 3).reshape(40, 2, 3)
    (x_tr, _), (x_te, _) = stratified_split(x, np.arange(40) % 2, 0.25)
    assert x_tr.shape == (10, 2, 3) and x_te.shape == (30, 2, 3)


@pytest.mark.parametrize("train_size", [0, 10, 12, 0.0, 1.0, 1.5, -0.2, 0.01, True, "half", None])
def test_rejects_bad_train_size(train_size):
    x, y = _data([5, 5])
    with pytest.raises(ValueError, match="train_size"):
        stratified_split(x, y, train_size)


def test_rejects_mismatched_or_2d_labels():
    with pytest.raises(ValueError, match="same number of samples"):
        stratified_split(np.zeros((5, 2)), np.zeros(4, int), 2)
    with pytest.raises(ValueError, match="1-D class labels"):
        stratified_split(np.zeros((4, 2)), np.eye(4), 2)
