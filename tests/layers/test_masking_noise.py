import keras
import numpy as np
import pytest

from mlzoo.layers import MaskingNoise


def _data(shape=(40, 250), seed=0):
    return np.random.default_rng(seed).uniform(0.5, 1.5, shape).astype("float32")


def test_identity_at_inference():
    x = _data()
    layer = MaskingNoise(0.4)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    inputs = keras.Input((250,))
    model = keras.Model(inputs, layer(inputs))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_training_zeros_a_fraction_rate_without_rescaling(rate):
    x = _data()
    noisy = np.asarray(MaskingNoise(rate, seed=1)(x, training=True))
    zeroed = noisy == 0
    assert abs(zeroed.mean() - rate) < 0.02  # 10,000 entries: std of the fraction <= 0.005
    np.testing.assert_array_equal(noisy[~zeroed], x[~zeroed])  # kept entries are not rescaled


def test_rate_zero_is_identity_in_training():
    x = _data()
    np.testing.assert_array_equal(np.asarray(MaskingNoise(0.0)(x, training=True)), x)


def test_seed_reproducible_and_masks_change_between_calls():
    x = _data()
    first = MaskingNoise(0.3, seed=7)
    second = MaskingNoise(0.3, seed=7)
    mask_a = np.asarray(first(x, training=True)) == 0
    np.testing.assert_array_equal(np.asarray(second(x, training=True)) == 0, mask_a)
    assert not np.array_equal(np.asarray(first(x, training=True)) == 0, mask_a)


class Corrupter(keras.Model):
    """Applies the noise in every call, so `predict` runs it in compiled steps."""

    def __init__(self):
        super().__init__()
        self.noise = MaskingNoise(0.5, seed=3)

    def call(self, x):
        return self.noise(x, training=True)


def test_masks_change_between_compiled_steps():
    model, data = Corrupter(), _data((4, 250))
    first, second = model.predict(data, verbose=0), model.predict(data, verbose=0)
    assert abs((first == 0).mean() - 0.5) < 0.05
    assert not np.array_equal(first == 0, second == 0)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", True])
def test_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="rate"):
        MaskingNoise(rate)


def test_config_round_trip():
    layer = MaskingNoise(0.25, seed=5, name="corrupt")
    config = layer.get_config()
    assert config["rate"] == 0.25 and config["seed"] == 5
    restored = MaskingNoise.from_config(config)
    assert (restored.rate, restored.seed, restored.name) == (0.25, 5, "corrupt")


def _denoising_autoencoder(rate=0.3):
    x = keras.Input((6,))
    hidden = keras.layers.Dense(4, activation="sigmoid")(MaskingNoise(rate, seed=2)(x))
    model = keras.Model(x, keras.layers.Dense(6, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    return model


def test_keras_save_load(tmp_path):
    model = _denoising_autoencoder()
    data = _data((8, 6))
    expected = model.predict(data, verbose=0)
    path = str(tmp_path / "dae.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), expected)
    assert loaded.layers[1].rate == 0.3


def test_trains_under_mixed_float16():
    keras.config.set_dtype_policy("mixed_float16")
    model = _denoising_autoencoder()
    data = _data((32, 6)) / 2
    assert MaskingNoise(0.5)(data, training=True).dtype == "float16"
    losses = model.fit(data, data, batch_size=8, epochs=4, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_trains_under_mirrored_strategy(two_device_strategy):
    with two_device_strategy.scope():
        model = _denoising_autoencoder()
    data = _data((32, 6)) / 2
    losses = model.fit(data, data, batch_size=8, epochs=4, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
