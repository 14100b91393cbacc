import sys
import types

import numpy as np
import pytest

from mlzoo.datasets import available, load


def _save(folder, name, n_train=6, n_test=4, **arrays):
    rng = np.random.default_rng(0)
    content = {
        "x_train": rng.integers(0, 256, (n_train, 4, 4), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.int32) % 3,
        "x_test": rng.integers(0, 256, (n_test, 4, 4), dtype=np.uint8),
        "y_test": np.arange(n_test, dtype=np.int32) % 3,
        **arrays,
    }
    np.savez(folder / f"{name}.npz", **content)
    return content


def _fake_tfds(monkeypatch, load_fn):
    module = types.ModuleType("tensorflow_datasets")
    module.load = load_fn
    module.as_numpy = lambda tree: tree
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", module)


# Local .npz files


def test_reads_npz_from_data_dir(tmp_path):
    saved = _save(tmp_path, "tiny")
    (x, y), (x_test, y_test) = load("tiny", data_dir=tmp_path)
    np.testing.assert_array_equal(x, saved["x_train"])
    np.testing.assert_array_equal(x_test, saved["x_test"])
    np.testing.assert_array_equal(y, saved["y_train"])
    assert y.dtype == y_test.dtype == np.int64 and x.dtype == np.uint8


def test_reads_npz_from_env_var(tmp_path, monkeypatch):
    saved = _save(tmp_path, "tiny")
    monkeypatch.setenv("MLZOO_DATA_DIR", str(tmp_path))
    (x, _), _ = load("tiny")
    np.testing.assert_array_equal(x, saved["x_train"])


def test_data_dir_wins_over_env_var_and_falls_back_to_it(tmp_path, monkeypatch):
    for folder in ("arg", "env"):
        (tmp_path / folder).mkdir()
    _save(tmp_path / "arg", "tiny", n_train=3)
    _save(tmp_path / "env", "tiny", n_train=5)
    _save(tmp_path / "env", "other", n_train=7)
    monkeypatch.setenv("MLZOO_DATA_DIR", str(tmp_path / "env"))
    assert len(load("tiny", data_dir=str(tmp_path / "arg"))[0][0]) == 3
    assert len(load("other", data_dir=tmp_path / "arg")[0][0]) == 7


def test_local_file_shadows_builtin_sets(tmp_path):
    _save(tmp_path, "iris", n_train=6)
    assert load("iris", data_dir=tmp_path)[0][0].shape == (6, 4, 4)


def test_label_column_is_flattened_and_extra_arrays_ignored(tmp_path):
    _save(tmp_path, "tiny", y_train=np.array([[0], [1], [2], [0], [1], [2]]), x_unlabeled=[1, 2])
    (_, y), _ = load("tiny", data_dir=tmp_path)
    assert y.shape == (6,) and y.dtype == np.int64


def test_scale_uses_one_global_range_for_images(tmp_path):
    x_train = np.array([[[10, 20]], [[30, 110]]], np.uint8)
    _save(
        tmp_path,
        "tiny",
        n_train=2,
        x_train=x_train,
        x_test=np.array([[[0, 60]]], np.uint8),
        y_train=np.array([0, 1]),
        y_test=np.array([1]),
    )
    (x, _), (x_test, _) = load("tiny", data_dir=tmp_path, scale=True)
    assert x.dtype == x_test.dtype == np.float32
    np.testing.assert_allclose(x, [[[0, 0.1]], [[0.2, 1]]])
    np.testing.assert_allclose(x_test, [[[0, 0.5]]])


def test_npz_with_missing_arrays_is_rejected(tmp_path):
    np.savez(tmp_path / "broken.npz", x_train=np.zeros(3), y_train=np.zeros(3, int))
    with pytest.raises(ValueError, match=r"lacks the arrays \['x_test', 'y_test'\]"):
        load("broken", data_dir=tmp_path)


def test_file_that_is_not_an_npz_archive_is_rejected_without_suggesting_pickle(tmp_path):
    (tmp_path / "renamed.npz").write_bytes(b"\x80\x04 a pickle, not a zip archive")
    with pytest.raises(ValueError, match="is not an .npz archive") as error:
        load("renamed", data_dir=tmp_path)
    assert "allow_pickle" not in str(error.value) and "np.savez" in str(error.value)


def test_npz_with_object_arrays_is_refused(tmp_path):
    ragged = np.empty(6, dtype=object)
    ragged[:] = [[1, 2], [3]] * 3
    _save(tmp_path, "ragged", x_train=ragged)
    with pytest.raises(ValueError, match="holds object .pickled. arrays") as error:
        load("ragged", data_dir=tmp_path)
    assert "pad ragged sequences" in str(error.value)


def test_npz_with_float_labels_is_rejected(tmp_path):
    _save(tmp_path, "tiny", y_test=np.array([0.0, 1.0, 2.0, 0.5]))
    with pytest.raises(ValueError, match="y_test must be 1-D integer labels"):
        load("tiny", data_dir=tmp_path)


def test_npz_with_mismatched_lengths_is_rejected(tmp_path):
    _save(tmp_path, "tiny", y_train=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="x_train has 6 samples but y_train has 3"):
        load("tiny", data_dir=tmp_path)


def test_missing_data_dir_is_an_error(tmp_path):
    with pytest.raises(NotADirectoryError, match="not an existing folder"):
        load("iris", data_dir=tmp_path / "nowhere")


# scikit-learn's bundled sets


@pytest.mark.parametrize(
    "name, train, test, features, classes",
    [
        ("iris", 90, 60, 4, 3),
        ("wine", 90, 88, 13, 3),
        ("digits", 1222, 575, 64, 10),
        ("breast_cancer", 284, 285, 30, 2),
    ],
)
def test_sklearn_sets_split_sizes(name, train, test, features, classes):
    (x, y), (x_test, y_test) = load(name)
    assert x.shape == (train, features) and x_test.shape == (test, features)
    assert x.dtype == np.float32 and y.dtype == y_test.dtype == np.int64
    assert set(y) == set(y_test) == set(range(classes))


def test_sklearn_split_is_stratified_and_seeded():
    (x, y), _ = load("iris")
    np.testing.assert_array_equal(np.bincount(y), [30, 30, 30])
    np.testing.assert_array_equal(x, load("iris")[0][0])
    (x_other, _), _ = load("iris", split_seed=1)
    assert not np.array_equal(np.sort(x, axis=0), np.sort(x_other, axis=0))


def test_scale_fits_on_the_training_split_per_feature():
    (x, _), (x_test, _) = load("wine", scale=True)
    assert x.dtype == x_test.dtype == np.float32
    np.testing.assert_allclose(x.min(axis=0), 0)
    np.testing.assert_allclose(x.max(axis=0), 1)
    assert x_test.min() >= 0 and x_test.max() <= 1


# Generated sets


def test_waveform_samples_do_not_depend_on_split_seed():
    (x0, y0), (t0, _) = load("waveform", split_seed=0)
    (x1, _), (t1, _) = load("waveform", split_seed=1)
    assert not np.array_equal(x0, x1)
    rows = [np.sort(np.concatenate(pair)[:, 0]) for pair in ((x0, t0), (x1, t1))]
    np.testing.assert_array_equal(*rows)
    assert np.bincount(y0).min() >= 950


# tensorflow-datasets


def test_tfds_arrays_are_returned_without_channel_axis(monkeypatch):
    calls = []

    def fake_load(name, **kwargs):
        calls.append((name, kwargs))
        images = np.arange(5 * 28 * 28, dtype=np.uint8).reshape(5, 28, 28, 1)
        return [(images[:3], np.array([0, 1, 2])), (images[3:], np.array([1, 9]))]

    _fake_tfds(monkeypatch, fake_load)
    (x, y), (x_test, y_test) = load("mnist")
    assert calls == [
        ("mnist", {"split": ["train", "test"], "batch_size": -1, "as_supervised": True})
    ]
    assert x.shape == (3, 28, 28) and x_test.shape == (2, 28, 28)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y_test, [1, 9])


def test_tfds_download_failure_explains_the_offline_fix(monkeypatch):
    def offline(name, **kwargs):
        raise OSError("Could not resolve host: storage.googleapis.com")

    _fake_tfds(monkeypatch, offline)
    with pytest.raises(RuntimeError, match="'cifar10'.*download failed") as info:
        load("cifar10")
    message = str(info.value)
    for hint in ("cifar10.npz", "data_dir=", "MLZOO_DATA_DIR", "Could not resolve host"):
        assert hint in message


def test_missing_tfds_explains_both_fixes(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)  # import fails
    with pytest.raises(RuntimeError, match="pip install tensorflow-datasets") as info:
        load("fashion_mnist")
    message = str(info.value)
    for hint in ("'fashion_mnist'", "fashion_mnist.npz", "data_dir=", "MLZOO_DATA_DIR"):
        assert hint in message


def test_local_file_is_used_before_tfds(tmp_path, monkeypatch):
    def fail(name, **kwargs):
        raise AssertionError("tensorflow-datasets must not be called")

    _fake_tfds(monkeypatch, fail)
    _save(tmp_path, "mnist")
    assert load("mnist", data_dir=tmp_path)[0][0].shape == (6, 4, 4)


# Names


def test_unknown_name_lists_available_sets():
    with pytest.raises(ValueError, match="Unknown dataset 'nope'.*digits, fashion_mnist, iris"):
        load("nope")


def test_available_names():
    assert available() == [
        "breast_cancer",
        "cifar10",
        "digits",
        "fashion_mnist",
        "iris",
        "mnist",
        "waveform",
        "waveform_noise",
        "wine",
    ]
