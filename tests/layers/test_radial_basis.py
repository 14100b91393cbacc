import keras
import numpy as np
import pytest

from mlzoo.layers import RadialBasis


def _data(n=20, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, d)).astype("float32")


def test_gaussians_match_the_formula():
    x, centres = _data(), _data(4, seed=1)
    beta = np.array([0.5, 1.0, 2.0, 4.0], "float32")
    layer = RadialBasis(4, centres=centres, beta=beta)
    expected = np.exp(-beta * ((x[:, None, :] - centres[None]) ** 2).sum(-1))
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        layer.squared_distances(x), ((x[:, None, :] - centres[None]) ** 2).sum(-1), atol=1e-5
    )
    assert layer.compute_output_shape((None, 3)) == (None, 4)


def test_a_centre_on_a_sample_gives_one_and_distances_stay_non_negative():
    x = _data() * 1e3
    layer = RadialBasis(20, centres=x, beta=1e-6)
    outputs = np.asarray(layer(x))
    assert np.asarray(layer.squared_distances(x)).min() >= 0.0
    np.testing.assert_allclose(np.diagonal(outputs), 1.0, atol=1e-3)


def test_frozen_centres_and_widths_do_not_train():
    x, y = _data(), _data(20, 1, seed=2)
    layer = RadialBasis(5, centres=_data(5, seed=3), trainable_centres=False, trainable_beta=False)
    model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(1)])
    centres, beta = layer.centres.numpy().copy(), layer.beta.numpy().copy()
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(layer.centres.numpy(), centres)
    np.testing.assert_array_equal(layer.beta.numpy(), beta)
    assert len(model.trainable_weights) == 2


def test_config_round_trip_and_save_load(tmp_path):
    layer = RadialBasis(4, centres=_data(4), beta=0.7, trainable_beta=False, name="rbf")
    clone = RadialBasis.from_config(layer.get_config())
    x = _data()
    np.testing.assert_allclose(clone(x), layer(x), atol=1e-6)
    model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    layer = RadialBasis(4, centres=_data(4), beta=1.0)
    out = layer(_data())
    assert out.dtype == "float16" and np.isfinite(np.asarray(out, "float32")).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"units": 0}, "units"),
        ({"units": 3, "centres": np.zeros((2, 3))}, r"shape \(3, d\)"),
        ({"units": 3, "beta": -1.0}, "non-negative"),
        ({"units": 3, "beta": np.ones(2)}, r"shape \(3,\)"),
        ({"units": 3, "centres": np.full((3, 2), np.nan)}, "NaN"),
        ({"units": 3, "min_beta": 0}, "min_beta"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RadialBasis(**kwargs)


def test_input_rank_error():
    with pytest.raises(ValueError, match=r"\(N, d\)"):
        RadialBasis(3)(np.zeros((2, 3, 4), "float32"))
