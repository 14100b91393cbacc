import json

import keras
import numpy as np
import pytest

from mlzoo.layers import TiedConv2DTranspose
from mlzoo.models._training import value_and_gradients


def _built_conv(filters=4, channels=3, kernel_size=3, size=8, **kwargs):
    conv = keras.layers.Conv2D(filters, kernel_size, **kwargs)
    conv.build((None, size, size, channels))
    return conv


# ------------------------------------------------------------------------- numerics
def test_equals_convolution_with_flipped_swapped_kernel():
    # Thesis §3.2.2.1: R^k = W^k flipped on both spatial axes, in/out channels swapped.
    conv = _built_conv(filters=4, channels=3, padding="same")
    layer = TiedConv2DTranspose(conv, use_bias=False)
    codes = np.random.default_rng(0).standard_normal((2, 8, 8, 4)).astype("float32")
    flipped = conv.kernel.numpy()[::-1, ::-1].transpose(0, 1, 3, 2)
    expected = keras.ops.conv(codes, flipped, padding="same")
    np.testing.assert_allclose(np.asarray(layer(codes)), np.asarray(expected), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "padding, stride, size, code_size",
    [("same", 1, 7, 7), ("valid", 1, 7, 5), ("same", 2, 8, 4), ("valid", 2, 9, 4)],
)
def test_adjoint_of_the_convolution_and_shapes(padding, stride, size, code_size):
    conv = _built_conv(filters=4, channels=3, size=size, padding=padding, strides=stride)
    layer = TiedConv2DTranspose(conv, use_bias=False)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, size, size, 3)).astype("float32")
    y = rng.standard_normal((2, code_size, code_size, 4)).astype("float32")
    conv_x = np.asarray(keras.ops.conv(x, conv.kernel, strides=stride, padding=padding))
    conv_t_y = np.asarray(layer(y))
    assert conv_x.shape == y.shape
    assert conv_t_y.shape == x.shape
    assert layer.compute_output_shape((None, code_size, code_size, 4)) == (None, size, size, 3)
    np.testing.assert_allclose(np.sum(conv_x * y), np.sum(x * conv_t_y), rtol=1e-4)


def test_symbolic_shapes_with_unknown_spatial_size():
    conv = keras.layers.Conv2D(5, 3, strides=2, padding="same")
    x = keras.Input((None, None, 2))
    reconstruction = TiedConv2DTranspose(conv, activation="sigmoid")(conv(x))
    assert tuple(reconstruction.shape) == (None, None, None, 2)
    model = keras.Model(x, reconstruction)
    assert model.predict(np.zeros((1, 6, 10, 2)), verbose=0).shape == (1, 6, 10, 2)


def test_bias_and_activation():
    conv = _built_conv(filters=4, channels=3, padding="same")
    layer = TiedConv2DTranspose(conv, activation="relu")
    codes = np.random.default_rng(2).standard_normal((2, 8, 8, 4)).astype("float32")
    layer.build(codes.shape)
    bias = np.array([0.5, -1.0, 2.0], dtype="float32")
    layer.bias.assign(bias)
    linear = np.asarray(TiedConv2DTranspose(conv, use_bias=False)(codes))
    np.testing.assert_allclose(np.asarray(layer(codes)), np.maximum(linear + bias, 0), atol=1e-6)
    assert tuple(layer.bias.shape) == (3,)


# ------------------------------------------------------------------------- the tie
def test_kernel_is_the_tied_variable():
    conv = _built_conv(padding="same")
    layer = TiedConv2DTranspose(conv)
    codes = np.ones((1, 8, 8, 4), dtype="float32")
    before = np.asarray(layer(codes))
    assert layer.tied_to is conv
    assert layer.kernel is conv.kernel
    conv.kernel.assign(conv.kernel.numpy() + 1.0)
    assert not np.allclose(np.asarray(layer(codes)), before)
    assert [id(w) for w in layer.trainable_weights] == [id(conv.kernel), id(layer.bias)]


def _conv_autoencoder(seed=0, lr=0.5):
    keras.utils.set_random_seed(seed)
    x = keras.Input((8, 8, 2))
    conv = keras.layers.Conv2D(3, 3, strides=2, padding="same", activation="sigmoid", name="enc")
    decoder = TiedConv2DTranspose(conv, activation="sigmoid", name="dec")
    model = keras.Model(x, decoder(conv(x)))
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    return model


def _images(n=16, seed=3):
    return np.random.default_rng(seed).random((n, 8, 8, 2)).astype("float32")


def test_fit_moves_the_one_shared_kernel():
    model = _conv_autoencoder()
    conv, decoder = model.get_layer("enc"), model.get_layer("dec")
    assert len(model.trainable_weights) == 3  # kernel, conv bias, decoder bias
    assert sum(w is conv.kernel for w in model.trainable_weights) == 1
    data = _images()
    kernel_before = conv.kernel.numpy().copy()
    first = model.evaluate(data, data, verbose=0)
    model.fit(data, data, batch_size=8, epochs=3, verbose=0)
    assert not np.allclose(conv.kernel.numpy(), kernel_before)
    assert decoder.kernel is conv.kernel
    assert model.evaluate(data, data, verbose=0) < first


def test_gradient_through_decoder_alone_reaches_conv_kernel():
    conv = _built_conv(padding="same")
    layer = TiedConv2DTranspose(conv)
    codes = np.random.default_rng(4).standard_normal((2, 8, 8, 4)).astype("float32")
    _, _, (grad,) = value_and_gradients(
        lambda: (keras.ops.sum(keras.ops.square(layer(codes))), None), [conv.kernel]
    )
    assert grad is not None and float(np.abs(np.asarray(grad)).sum()) > 0


# ----------------------------------------------------------------------------- errors
def test_rejects_non_conv2d():
    with pytest.raises(TypeError, match="keras.layers.Conv2D"):
        TiedConv2DTranspose(keras.layers.Dense(3))
    with pytest.raises(TypeError, match="Conv2D"):
        TiedConv2DTranspose("conv")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"data_format": "channels_first"}, "data_format='channels_last'"),
        ({"dilation_rate": 2}, r"dilation_rate=\(1, 1\)"),
        ({"groups": 2}, "groups=1"),
    ],
)
def test_rejects_unsupported_conv(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TiedConv2DTranspose(keras.layers.Conv2D(4, 3, **kwargs))


def test_rejects_unbuilt_tied_layer():
    layer = TiedConv2DTranspose(keras.layers.Conv2D(4, 3, name="enc"))
    with pytest.raises(ValueError, match="'enc', which is not built"):
        layer(np.zeros((1, 4, 4, 4), dtype="float32"))


def test_rejects_wrong_input_channels():
    layer = TiedConv2DTranspose(_built_conv(filters=4))
    with pytest.raises(ValueError, match=r"\(N, h, w, 4\).*\(1, 6, 6, 3\)"):
        layer(np.zeros((1, 6, 6, 3), dtype="float32"))
    with pytest.raises(ValueError, match=r"\(N, h, w, 4\)"):
        TiedConv2DTranspose(_built_conv(filters=4))(np.zeros((6, 4), dtype="float32"))


# ---------------------------------------------------------------------- serialization
def test_serialize_deserialize_round_trip():
    layer = TiedConv2DTranspose(
        _built_conv(filters=4), activation="sigmoid", use_bias=False, name="dec"
    )
    serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(layer)))
    with pytest.warns(UserWarning, match="own copy of"):
        restored = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(restored, TiedConv2DTranspose)
    assert isinstance(restored.tied_to, keras.layers.Conv2D) and restored.tied_to.built
    assert restored.get_config() == {**layer.get_config(), "tied_to": restored.tied_to}
    assert restored(np.zeros((1, 6, 6, 4), dtype="float32")).shape == (1, 8, 8, 3)


def test_keras_save_load_keeps_the_tie(tmp_path):
    model = _conv_autoencoder()
    model.get_layer("dec").bias.assign(np.array([0.3, -0.2], dtype="float32"))
    data = _images(4)
    expected = model.predict(data, verbose=0)
    path = str(tmp_path / "conv_ae.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), expected)
    conv, decoder = loaded.get_layer("enc"), loaded.get_layer("dec")
    assert decoder.tied_to is conv and decoder.kernel is conv.kernel
    assert len(loaded.weights) == 3
    conv.kernel.assign(conv.kernel.numpy() + 1.0)
    assert not np.allclose(loaded.predict(data, verbose=0), expected)


# ------------------------------------------------------- training environments
def test_trains_the_same_under_mirrored_strategy(two_device_strategy):
    data = _images()
    single = _conv_autoencoder()
    with two_device_strategy.scope():
        mirrored = _conv_autoencoder()
    mirrored.set_weights(single.get_weights())
    fit_args = {"batch_size": 8, "epochs": 2, "shuffle": False, "verbose": 0}
    mirrored_loss = mirrored.fit(data, data, **fit_args).history["loss"]
    single_loss = single.fit(data, data, **fit_args).history["loss"]
    np.testing.assert_allclose(mirrored_loss, single_loss, rtol=1e-4)
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert mirrored.get_layer("dec").tied_to is mirrored.get_layer("enc")


def test_mixed_float16():
    keras.config.set_dtype_policy("mixed_float16")
    model = _conv_autoencoder(lr=2.0)
    conv, decoder = model.get_layer("enc"), model.get_layer("dec")
    assert decoder.compute_dtype == "float16" and conv.kernel.dtype == "float32"
    data = _images()
    assert model(data[:2]).dtype == "float16"
    kernel_before = conv.kernel.numpy().copy()
    losses = model.fit(data, data, batch_size=8, epochs=3, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert not np.allclose(conv.kernel.numpy(), kernel_before)
