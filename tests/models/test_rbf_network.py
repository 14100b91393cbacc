import keras
import numpy as np
import pytest

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
    with pytest.raises(ValueError, match=r"x_init.*shape \(num_samples, 10\)"):
        build_rbf_network(10, 4, 10, x_init=x)
    with pytest.raises(ValueError, match="units"):
        build_rbf_network(64, 0, 10)
    with pytest.raises(ValueError, match="one-hot rows.*integer classes"):
        model.fit(x, np.eye(10)[y], verbose=0)  # the default loss is sparse
    model.compile("adam", "categorical_crossentropy")
    with pytest.raises(ValueError, match="must be one-hot rows of 10"):
        model.fit(x, y, verbose=0)
    model.fit(x, np.eye(10)[y], verbose=0)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda x: build_rbf_network(64, 4, 10, x_init=x * 1e30), "x_init.*magnitudes"),
        (lambda x: build_rbf_network(64, 4, 10, x_init=x.astype(str)), "x_init.*numeric"),
        (lambda x: build_rbf_network(64, 4, 10, x_init=x[:0]), "x_init.*0 rows"),
        (lambda x: build_rbf_network(64, 4, 10, beta=np.inf), "beta"),
        (lambda x: build_rbf_network(64, 4, 10, beta=0), "beta"),
        (lambda x: build_rbf_network(64, 4, 10, x_init=x, beta_scale=np.nan), "beta_scale"),
        (lambda x: init_centres(x * 1e30, 4), "magnitudes"),
        (lambda x: init_centres(x.astype(str), 4), "numeric"),
        (lambda x: width_heuristic(x[:4] * 1e30), "underflow"),
        (lambda x: width_heuristic(x[:0]), "shape"),
    ],
)
def test_data_arguments_of_extreme_scale_give_clear_errors(digits, make, match):
    """Issue 15: magnitudes near 1e30 made every width underflow to 0 without a word."""
    with pytest.raises(ValueError, match=match):
        make(digits[0][:20])


def test_centres_too_close_for_float32_widths_give_a_clear_error():
    x = np.array([[0, 0], [1e-25, 0], [1, 0], [2, 0]], "float32")  # beta = 5e49: no float32
    with pytest.raises(ValueError, match="float32 cannot hold"):
        build_rbf_network(2, 4, 2, x_init=x, centre_method="sample")
    with pytest.raises(ValueError, match="beta_scale"):
        build_rbf_network(2, 3, 2, x_init=x[1:], centre_method="sample", beta_scale=1e39)


def test_regression_output_takes_targets_of_its_width():
    x = np.random.default_rng(0).random((16, 3)).astype("float32")
    model = build_rbf_network(3, 4, 2, x_init=x, output_activation=None)
    model.fit(x, x[:, :2], epochs=1, verbose=0)  # default loss: MSE
    assert model.loss == "mse"
    with pytest.raises(ValueError, match=r"shape \(num_samples, 2\)"):
        model.fit(x, x, verbose=0)
