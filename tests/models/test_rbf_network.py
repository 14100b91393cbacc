import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo import build_rbf_network
from mlzoo.models.rbf import RBFNetwork, init_centres, width_heuristic


@pytest.fixture
def digits():
    (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
    return x.astype("float32"), y, x_test.astype("float32"), y_test


def test_centres_kmeans_and_sample(digits):
    x = digits[0]
    kmeans = init_centres(x, 30, "kmeans", seed=0)
    sample = init_centres(x, 30, "sample", seed=0)
    assert kmeans.shape == sample.shape == (30, 64)
    assert all((row == x).all(1).any() for row in sample)  # training samples
    inertia = {
        name: ((x[:, None, :] - c[None]) ** 2).sum(-1).min(1).sum()
        for name, c in (("kmeans", kmeans), ("sample", sample))
    }
    assert inertia["kmeans"] < inertia["sample"]
    with pytest.raises(ValueError, match="method"):
        init_centres(x, 3, "grid")
    with pytest.raises(ValueError, match="at least as many samples"):
        init_centres(x[:5], 10)


def test_width_heuristic_reaches_the_nearest_centre_at_exp_minus_half():
    centres = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 6.0]])
    beta = width_heuristic(centres)
    np.testing.assert_allclose(beta, 1 / (2 * np.array([5.0, 2.0, 2.0]) ** 2), rtol=1e-6)


def test_learns_digits_and_round_trips(digits, tmp_path):
    x, y, x_test, y_test = digits
    model = build_rbf_network(64, 60, 10, x_init=x)
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    accuracy = (model.predict(x_test, verbose=0).argmax(1) == y_test).mean()
    assert accuracy > 0.9
    model.save(tmp_path / "rbf.keras")
    restored = keras.models.load_model(tmp_path / "rbf.keras")
    assert isinstance(restored, RBFNetwork)
    np.testing.assert_array_equal(
        restored.predict(x_test, verbose=0), model.predict(x_test, verbose=0)
    )


def test_numpy_dataset_and_mirrored_strategy_agree(digits, mirrored_strategy):
    x, y = digits[0][:64], digits[1][:64]
    results = []
    for mode in ("numpy", "dataset", "mirrored"):
        keras.utils.set_random_seed(0)
        if mode == "mirrored":
            with mirrored_strategy.scope():
                model = build_rbf_network(64, 8, 10, x_init=x)
                model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
        else:
            model = build_rbf_network(64, 8, 10, x_init=x)
            model.compile(
                keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", steps_per_execution=4
            )
        if mode == "dataset":
            model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=2, verbose=0)
        else:
            model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        results.append(model.predict(x, verbose=0))
    np.testing.assert_allclose(results[1], results[0], atol=1e-6)
    np.testing.assert_allclose(results[2], results[0], atol=1e-5)


def test_mixed_precision(digits):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = digits[0][:64], digits[1][:64]
    model = build_rbf_network(64, 8, 10, x_init=x)
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    assert model.predict(x, verbose=0).dtype == np.float32


def test_rejects_bad_inputs(digits):
    x, y = digits[0][:20], digits[1][:20]
    model = build_rbf_network(64, 4, 10, x_init=x)
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="shape"):
        model.fit(x[:, :10], y, verbose=0)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(bad, y, verbose=0)
    with pytest.raises(ValueError, match="integer classes"):
        model.fit(x, y + 20, verbose=0)
    with pytest.raises(ValueError, match="features"):
        build_rbf_network(10, 4, 10, x_init=x)
    with pytest.raises(ValueError, match="units"):
        build_rbf_network(64, 0, 10)
