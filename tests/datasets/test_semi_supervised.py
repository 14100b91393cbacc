import numpy as np
import pytest

from mlzoo.datasets import load_semi_supervised, make_shapes_labelled


def test_local_file_with_unlabelled_images(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 255, (6, 4, 4, 3), dtype=np.uint8),
        "y_train": np.arange(6) % 2,
        "x_test": rng.integers(0, 255, (4, 4, 4, 3), dtype=np.uint8),
        "y_test": np.arange(4) % 2,
        "x_unlabeled": rng.integers(0, 255, (5, 4, 4, 3), dtype=np.uint8),
    }
    np.savez(tmp_path / "toy.npz", **arrays)
    unlabelled, ((x, y), (x_test, y_test)) = load_semi_supervised("toy", tmp_path)
    np.testing.assert_array_equal(unlabelled, arrays["x_unlabeled"])
    assert x.shape == (6, 4, 4, 3) and y.dtype == np.int64 and len(x_test) == 4
    del arrays["x_unlabeled"]
    np.savez(tmp_path / "plain.npz", **arrays)
    with pytest.raises(ValueError, match="x_unlabeled"):
        load_semi_supervised("plain", tmp_path)


def test_unknown_and_offline_sets(tmp_path, monkeypatch):
    monkeypatch.delenv("MLZOO_DATA_DIR", raising=False)
    with pytest.raises(ValueError, match="Unknown semi-supervised set 'nope'"):
        load_semi_supervised("nope", tmp_path)
    with pytest.raises(RuntimeError, match="STL-10"):  # no tensorflow-datasets / no internet here
        load_semi_supervised("stl10", tmp_path)


def test_generated_shapes_have_salient_objects():
    x, y = make_shapes_labelled(200, seed=3)
    assert x.shape == (200, 32, 32, 3) and x.dtype == np.uint8
    assert np.bincount(y, minlength=5).min() > 20
    again, labels = make_shapes_labelled(200, seed=3)
    np.testing.assert_array_equal(again, x)
    unlabelled, (train, test) = load_semi_supervised("shapes")
    assert unlabelled.shape[1:] == (32, 32, 3) and len(train[0]) == len(train[1])
