import keras
import numpy as np
import pytest

import mlzoo  # noqa: F401  (registers the mlzoo objects for load_model)
from mlzoo.layers import SaliencyReconstructionHead


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ----------------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    "input_shape, target_shape",
    [((2, 7), (4, 5)), ((2, 3, 3, 2), (4, 5, 3)), ((2, 7), (6,)), ((2, 2, 3), (4, 4))],
)
def test_dense_shapes(input_shape, target_shape):
    layer = SaliencyReconstructionHead(target_shape)
    outputs = layer(np.zeros(input_shape, dtype="float32"))
    assert tuple(outputs.shape) == (2, *target_shape)
    assert layer.compute_output_shape((None, *input_shape[1:])) == (None, *target_shape)
    assert tuple(layer.projection.kernel.shape) == (
        int(np.prod(input_shape[1:])),
        int(np.prod(target_shape)),
    )


@pytest.mark.parametrize(
    "input_shape, target_shape, channels",
    [((2, 4, 4, 3), (8, 8), 1), ((2, 8, 8, 3), (8, 8, 2), 2), ((2, 3, 5, 3), (6, 4), 1)],
)
def test_conv_shapes_with_resize(input_shape, target_shape, channels):
    layer = SaliencyReconstructionHead(target_shape, kind="conv", kernel_size=3)
    outputs = layer(np.random.default_rng(0).random(input_shape).astype("float32"))
    assert tuple(outputs.shape) == (2, *target_shape)
    assert tuple(layer.projection.kernel.shape) == (3, 3, 3, channels)
    assert np.all((np.asarray(outputs) > 0) & (np.asarray(outputs) < 1))  # sigmoid by default


def test_conv_with_unknown_spatial_input_size():
    x = keras.Input((None, None, 3))
    saliency = SaliencyReconstructionHead((6, 6), kind="conv", kernel_size=3)(x)
    assert tuple(saliency.shape) == (None, 6, 6)
    model = keras.Model(x, saliency)
    assert model.predict(np.zeros((1, 3, 9, 3)), verbose=0).shape == (1, 6, 6)


# ------------------------------------------------------------------------- numerics
def test_dense_equals_manual_matmul():
    layer = SaliencyReconstructionHead((3, 4), bias_initializer="random_normal")
    codes = np.random.default_rng(1).standard_normal((5, 2, 3)).astype("float32")
    outputs = np.asarray(layer(codes))
    kernel, bias = layer.projection.kernel.numpy(), layer.projection.bias.numpy()
    expected = _sigmoid(codes.reshape(5, 6) @ kernel + bias).reshape(5, 3, 4)
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)


def test_conv_equals_resize_then_conv():
    layer = SaliencyReconstructionHead((6, 6), kind="conv", kernel_size=3, activation=None)
    codes = np.random.default_rng(2).random((2, 3, 3, 4)).astype("float32")
    outputs = np.asarray(layer(codes))
    resized = keras.ops.image.resize(codes, (6, 6), interpolation="bilinear")
    expected = keras.ops.conv(resized, layer.projection.kernel, padding="same")
    expected = np.asarray(expected)[..., 0] + layer.projection.bias.numpy()[0]
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"target_shape": (4, 4), "kind": "deconv"}, "`kind` must be one of"),
        ({"target_shape": (4, 0)}, "target_shape"),
        ({"target_shape": (-3,)}, "target_shape"),
        ({"target_shape": ()}, "target_shape"),
        ({"target_shape": 16}, "target_shape"),
        ({"target_shape": (2, 2, 2, 2)}, "target_shape"),
        ({"target_shape": (16,), "kind": "conv"}, "spatial target"),
    ],
)
def test_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SaliencyReconstructionHead(**kwargs)


def test_conv_rejects_flat_input():
    layer = SaliencyReconstructionHead((4, 4), kind="conv")
    with pytest.raises(ValueError, match=r"kind='conv' expects inputs of shape \(N, h, w, c\)"):
        layer(np.zeros((2, 8), dtype="float32"))


def test_dense_rejects_unknown_feature_dims():
    with pytest.raises(ValueError, match="known non-batch dimensions"):
        SaliencyReconstructionHead((4, 4))(keras.Input((None, 3)))


# ---------------------------------------------------------------------- serialization
def test_config_round_trip():
    layer = SaliencyReconstructionHead(
        (6, 6, 2),
        kind="conv",
        activation="relu",
        kernel_size=3,
        kernel_regularizer="l2",
        name="saliency",
    )
    config = layer.get_config()
    assert config["target_shape"] == (6, 6, 2) and config["kind"] == "conv"
    restored = SaliencyReconstructionHead.from_config(config)
    assert restored.get_config() == config
    assert restored(np.zeros((1, 3, 3, 4), dtype="float32")).shape == (1, 6, 6, 2)


def _encoder_with_head(kind="dense", seed=0):
    keras.utils.set_random_seed(seed)
    x = keras.Input((6, 6, 1))
    if kind == "dense":
        code = keras.layers.Dense(5, activation="sigmoid")(keras.layers.Flatten()(x))
    else:
        code = keras.layers.Conv2D(3, 3, strides=2, padding="same", activation="sigmoid")(x)
    saliency = SaliencyReconstructionHead((6, 6), kind=kind, kernel_size=3, name="head")(code)
    model = keras.Model(x, saliency)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    return model


def _batch(n=16, seed=3):
    rng = np.random.default_rng(seed)
    images = rng.random((n, 6, 6, 1)).astype("float32")
    return images, (images[..., 0] > 0.5).astype("float32")


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_keras_save_load(tmp_path, kind):
    model = _encoder_with_head(kind)
    images, _ = _batch(4)
    expected = model.predict(images, verbose=0)
    path = str(tmp_path / f"head_{kind}.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(images, verbose=0), expected)
    assert isinstance(loaded.get_layer("head"), SaliencyReconstructionHead)


# ------------------------------------------------------- training environments
def test_one_sgd_step_matches_under_mirrored_strategy(two_device_strategy):
    images, maps = _batch()
    single = _encoder_with_head("conv")
    with two_device_strategy.scope():
        mirrored = _encoder_with_head("conv")
    mirrored.set_weights(single.get_weights())
    before = single.evaluate(images, maps, verbose=0)
    fit_args = {"batch_size": 16, "epochs": 1, "shuffle": False, "verbose": 0}
    single.fit(images, maps, **fit_args)
    mirrored.fit(images, maps, **fit_args)
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert mirrored.evaluate(images, maps, verbose=0) < before


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_trains_under_mixed_float16(kind):
    keras.config.set_dtype_policy("mixed_float16")
    model = _encoder_with_head(kind)
    head = model.get_layer("head")
    assert head.compute_dtype == "float16" and head.projection.compute_dtype == "float16"
    assert head.projection.kernel.dtype == "float32"
    images, maps = _batch()
    assert model(images[:2]).dtype == "float16"
    losses = model.fit(images, maps, batch_size=8, epochs=3, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
