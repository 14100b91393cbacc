import json

import keras
import numpy as np
import pytest
from keras import ops

from mlzoo.losses import ForegroundWeightedMSE, foreground_weights, pack_foreground_target


def _numpy_loss(images, saliency, reconstruction, eps=0.2):
    """Per-sample mean of (S~ * (R - I))^2 on (N, H, W, C) images and (N, H, W) maps."""
    shifted = saliency + eps
    weights = shifted / shifted.max(axis=(1, 2), keepdims=True)
    return np.mean(np.square(weights[..., None] * (reconstruction - images)), axis=(1, 2, 3))


def _batch(n=4, size=5, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.random((n, size, size, channels)).astype("float32")
    saliency = rng.random((n, size, size)).astype("float32")
    reconstruction = rng.random((n, size, size, channels)).astype("float32")
    return images, saliency, reconstruction


# ------------------------------------------------------------------------- weights
def test_foreground_weights_rescale_per_image():
    saliency = np.array([[[0.0, 0.5], [1.0, 0.0]], [[0.0, 0.1], [0.0, 0.0]]], dtype="float32")
    weights = ops.convert_to_numpy(foreground_weights(saliency, eps=0.2))
    assert weights.shape == saliency.shape
    np.testing.assert_allclose(weights.max(axis=(1, 2)), [1.0, 1.0])
    # Background pixels (S = 0) get eps / (max S + eps).
    np.testing.assert_allclose(weights[0][saliency[0] == 0], 0.2 / 1.2, rtol=1e-6)
    np.testing.assert_allclose(weights[1][saliency[1] == 0], 0.2 / 0.3, rtol=1e-6)


def test_zero_saliency_gives_uniform_weights():
    zeros = np.zeros((2, 3, 3), dtype="float32")
    for eps in (0.2, 0.0):
        weights = ops.convert_to_numpy(foreground_weights(zeros, eps=eps))
        np.testing.assert_array_equal(weights, np.ones((2, 3, 3)))


# --------------------------------------------------------------------------- values
def test_value_on_images_matches_numpy():
    images, saliency, reconstruction = _batch()
    y_true = pack_foreground_target(images, saliency)
    assert y_true.shape == (4, 5, 5, 4) and isinstance(y_true, np.ndarray)
    per_sample = ops.convert_to_numpy(ForegroundWeightedMSE(reduction=None)(y_true, reconstruction))
    expected = _numpy_loss(images, saliency, reconstruction)
    np.testing.assert_allclose(per_sample, expected, rtol=1e-5)
    np.testing.assert_allclose(
        float(ForegroundWeightedMSE()(y_true, reconstruction)), expected.mean(), rtol=1e-5
    )


def test_value_on_flat_vectors_matches_numpy():
    images, saliency, reconstruction = _batch()
    flat_images, flat_reconstruction = images.reshape(4, -1), reconstruction.reshape(4, -1)
    y_true = pack_foreground_target(flat_images, saliency)
    assert y_true.shape == (4, 75 + 25)
    np.testing.assert_array_equal(
        y_true, pack_foreground_target(flat_images, saliency.reshape(4, -1))
    )
    loss = ForegroundWeightedMSE(eps=0.5, reduction=None)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loss(y_true, flat_reconstruction)),
        _numpy_loss(images, saliency, reconstruction, eps=0.5),
        rtol=1e-5,
    )


def test_map_with_channel_axis_and_tensor_inputs():
    images, saliency, reconstruction = _batch()
    packed = pack_foreground_target(ops.convert_to_tensor(images), saliency[..., None])
    assert ops.is_tensor(packed)
    expected = pack_foreground_target(images, saliency)
    np.testing.assert_array_equal(ops.convert_to_numpy(packed), expected)


def test_large_eps_approaches_plain_mse():
    images, saliency, reconstruction = _batch()
    y_true = pack_foreground_target(images, saliency)
    mse = float(keras.losses.MeanSquaredError()(images, reconstruction))
    np.testing.assert_allclose(
        float(ForegroundWeightedMSE(eps=1e6)(y_true, reconstruction)), mse, rtol=1e-5
    )


def test_background_error_counts_eps_over_max_plus_eps():
    # A unit error on one background pixel costs (eps / (max S + eps))^2 / (H * W * C).
    images = np.zeros((1, 2, 2, 1), dtype="float32")
    saliency = np.array([[[0.8, 0.0], [0.0, 0.0]]], dtype="float32")
    reconstruction = images.copy()
    reconstruction[0, 1, 1, 0] = 1.0
    loss = float(ForegroundWeightedMSE()(pack_foreground_target(images, saliency), reconstruction))
    np.testing.assert_allclose(loss, (0.2 / 1.0) ** 2 / 4, rtol=1e-6)


# ----------------------------------------------------------------------------- errors
def test_rejects_unpacked_targets():
    images, _, reconstruction = _batch()
    with pytest.raises(ValueError, match="pack_foreground_target"):
        ForegroundWeightedMSE()(images, reconstruction)
    with pytest.raises(ValueError, match="pack_foreground_target"):
        ForegroundWeightedMSE()(images.reshape(4, -1), reconstruction.reshape(4, -1))


def test_rejects_flat_map_that_does_not_divide():
    with pytest.raises(ValueError, match="D = P \\* C"):
        ForegroundWeightedMSE()(np.zeros((2, 10 + 4)), np.zeros((2, 10)))
    with pytest.raises(ValueError, match="not a multiple of 4"):
        pack_foreground_target(np.zeros((2, 10)), np.zeros((2, 2, 2)))


def test_pack_rejects_mismatched_map():
    with pytest.raises(ValueError, match=r"\(2, 4, 4\) or \(2, 4, 4, 1\); received \(2, 4, 5\)"):
        pack_foreground_target(np.zeros((2, 4, 4, 3)), np.zeros((2, 4, 5)))


@pytest.mark.parametrize("eps", [-0.1, float("inf"), "0.2"])
def test_rejects_bad_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        ForegroundWeightedMSE(eps=eps)
    with pytest.raises(ValueError, match="eps"):
        foreground_weights(np.ones((1, 2, 2)), eps=eps)


# ---------------------------------------------------------------------- serialization
def test_serialization_round_trip():
    loss = ForegroundWeightedMSE(eps=0.3, reduction="sum", name="fg")
    config = loss.get_config()
    assert config == {"name": "fg", "reduction": "sum", "eps": 0.3}
    serialized = json.loads(json.dumps(keras.losses.serialize(loss)))
    restored = keras.losses.deserialize(serialized)
    assert isinstance(restored, ForegroundWeightedMSE)
    assert restored.get_config() == config


# ------------------------------------------------------------------------- training
def _dense_autoencoder():
    keras.utils.set_random_seed(0)
    x = keras.Input((48,))
    hidden = keras.layers.Dense(8, activation="sigmoid")(x)
    model = keras.Model(x, keras.layers.Dense(48, activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(2.0), loss=ForegroundWeightedMSE())
    return model


def _conv_autoencoder():
    keras.utils.set_random_seed(0)
    x = keras.Input((4, 4, 3))
    hidden = keras.layers.Conv2D(4, 3, padding="same", activation="sigmoid")(x)
    model = keras.Model(x, keras.layers.Conv2D(3, 3, padding="same", activation="sigmoid")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(2.0), loss=ForegroundWeightedMSE())
    return model


@pytest.mark.parametrize("layout", ["flat", "image"])
def test_fit_decreases_the_loss(layout):
    images, saliency, _ = _batch(n=32, size=4)
    if layout == "flat":
        model, x = _dense_autoencoder(), images.reshape(32, -1)
    else:
        model, x = _conv_autoencoder(), images
    losses = model.fit(x, pack_foreground_target(x, saliency), batch_size=8, epochs=4, verbose=0)
    losses = losses.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_mixed_float16():
    keras.config.set_dtype_policy("mixed_float16")
    images, saliency, reconstruction = _batch()
    y_true = pack_foreground_target(images, saliency)
    value = ForegroundWeightedMSE()(y_true, ops.convert_to_tensor(reconstruction, "float16"))
    assert value.dtype == "float32"
    expected = _numpy_loss(images, saliency, reconstruction.astype("float16").astype("float32"))
    np.testing.assert_allclose(float(value), expected.mean(), rtol=1e-5)
    model = _conv_autoencoder()
    images, saliency, _ = _batch(n=32, size=4)
    assert model(images[:1]).dtype == "float16"
    history = model.fit(
        images, pack_foreground_target(images, saliency), batch_size=8, epochs=4, verbose=0
    )
    losses = history.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
