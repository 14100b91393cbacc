import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlzoo.layers import TiedTransposeDense
from mlzoo.models._training import value_and_gradients


def _built_dense(units=4, input_dim=6, **kwargs):
    dense = keras.layers.Dense(units, **kwargs)
    dense.build((None, input_dim))
    return dense


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ----------------------------------------------------------------------------- shapes
@pytest.mark.parametrize("batch_shape", [(5,), (2, 3)])
def test_output_shape(batch_shape):
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    inputs = np.zeros(batch_shape + (4,), dtype="float32")
    outputs = layer(inputs)
    assert tuple(outputs.shape) == batch_shape + (6,)
    assert layer.units == 6
    assert tuple(layer.kernel.shape) == (4, 6)
    assert layer.compute_output_shape((None, 4)) == (None, 6)
    assert tuple(layer.bias.shape) == (6,)


def test_symbolic_output_shape():
    dense = keras.layers.Dense(4)
    x = keras.Input((6,))
    code = dense(x)
    reconstruction = TiedTransposeDense(dense, activation="sigmoid")(code)
    assert tuple(reconstruction.shape) == (None, 6)


# ------------------------------------------------------------------------- numerics
@pytest.mark.parametrize(
    "activation, numpy_activation",
    [(None, lambda z: z), ("sigmoid", _sigmoid), ("relu", lambda z: np.maximum(z, 0.0))],
)
def test_output_matches_numpy(activation, numpy_activation):
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense, activation=activation)
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((7, 4)).astype("float32")
    layer.build((None, 4))
    bias = rng.standard_normal(6).astype("float32")
    layer.bias.assign(bias)
    expected = numpy_activation(inputs @ dense.kernel.numpy().T + bias)
    np.testing.assert_allclose(np.asarray(layer(inputs)), expected, rtol=1e-5, atol=1e-6)


def test_no_bias():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense, use_bias=False)
    inputs = np.random.default_rng(2).standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(layer(inputs)), inputs @ dense.kernel.numpy().T, rtol=1e-5, atol=1e-6
    )
    assert layer.bias is None
    assert [id(w) for w in layer.weights] == [id(dense.kernel)]


# ------------------------------------------------------------------------- the tie
def test_kernel_is_the_tied_variable():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    inputs = np.ones((2, 4), dtype="float32")
    before = np.asarray(layer(inputs))
    assert layer.tied_to is dense
    assert layer.tied_to.kernel is dense.kernel

    new_kernel = np.arange(24, dtype="float32").reshape(6, 4) / 24.0
    dense.kernel.assign(new_kernel)
    after = np.asarray(layer(inputs))
    assert not np.allclose(before, after)
    np.testing.assert_allclose(np.asarray(layer.kernel), new_kernel.T)
    np.testing.assert_allclose(after, inputs @ new_kernel.T, rtol=1e-6)


def test_weights_are_the_shared_kernel_and_own_bias():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    layer.build((None, 4))
    assert [id(w) for w in layer.trainable_weights] == [id(dense.kernel), id(layer.bias)]
    assert layer.non_trainable_weights == []


def test_frozen_tied_dense_freezes_the_kernel_here_too():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    layer.build((None, 4))
    dense.trainable = False
    assert [id(w) for w in layer.trainable_weights] == [id(layer.bias)]
    assert [id(w) for w in layer.non_trainable_weights] == [id(dense.kernel)]


def test_model_with_both_layers_counts_the_kernel_once():
    dense = keras.layers.Dense(4)
    layer = TiedTransposeDense(dense)
    inputs = keras.Input((6,))
    model = keras.Model(inputs, layer(dense(inputs)))
    assert len(model.trainable_weights) == 3  # kernel, dense bias, tied bias
    assert model.count_params() == 6 * 4 + 4 + 6


def test_gradient_through_tied_layer_reaches_dense_kernel():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    inputs = np.random.default_rng(3).standard_normal((5, 4)).astype("float32")
    _, _, (grad,) = value_and_gradients(
        lambda: (keras.ops.sum(layer(inputs)), None), [dense.kernel]
    )
    assert grad is not None
    # d/dW sum(x @ W^T + b) = (sum over batch of x) broadcast over W's input axis.
    expected = np.tile(inputs.sum(axis=0), (6, 1))
    np.testing.assert_allclose(grad, expected, rtol=1e-5)


def test_fit_of_tied_path_alone_moves_the_dense_kernel():
    # A model that contains only the tied path (the Dense is not one of its layers):
    # a gradient step through the tied layer must move the shared kernel.
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense, activation="sigmoid")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    kernel_before = dense.kernel.numpy().copy()
    bias_before = layer.bias.numpy().copy()
    rng = np.random.default_rng(4)
    model.fit(rng.random((32, 4)), rng.random((32, 6)), epochs=2, batch_size=8, verbose=0)
    assert not np.allclose(layer.bias.numpy(), bias_before)
    assert not np.allclose(dense.kernel.numpy(), kernel_before), (
        "training a model made of the tied layer did not update the shared Dense kernel"
    )


def test_training_through_both_layers_updates_shared_kernel_once():
    # Autoencoder: both layers in one model; the kernel is one variable of the model.
    dense = keras.layers.Dense(3, activation="sigmoid")
    x = keras.Input((6,))
    decoder = TiedTransposeDense(dense, activation="sigmoid")
    model = keras.Model(x, decoder(dense(x)))
    assert len(model.trainable_weights) == 3  # kernel, dense bias, decoder bias
    assert sum(w is dense.kernel for w in model.trainable_weights) == 1
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    data = np.random.default_rng(5).random((32, 6)).astype("float32")
    kernel_before = dense.kernel.numpy().copy()
    first = model.evaluate(data, data, verbose=0)
    model.fit(data, data, epochs=5, batch_size=8, verbose=0)
    assert not np.allclose(dense.kernel.numpy(), kernel_before)
    assert model.evaluate(data, data, verbose=0) < first


# ----------------------------------------------------------------------------- errors
def test_rejects_non_dense_tied_to():
    with pytest.raises(TypeError, match="keras.layers.Dense"):
        TiedTransposeDense(keras.layers.Conv1D(2, 3))
    with pytest.raises(TypeError, match="Dense"):
        TiedTransposeDense("dense")


def test_rejects_unbuilt_tied_layer():
    dense = keras.layers.Dense(4, name="encoder")
    layer = TiedTransposeDense(dense, name="decoder")
    with pytest.raises(ValueError, match="not built"):
        layer(np.zeros((2, 4), dtype="float32"))


def test_rejects_wrong_input_width():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(dense)
    with pytest.raises(ValueError, match=r"last dimension 4.*\(2, 5\)"):
        layer(np.zeros((2, 5), dtype="float32"))


# ---------------------------------------------------------------------- serialization
def test_serialize_deserialize_round_trip():
    dense = _built_dense(units=4, input_dim=6)
    layer = TiedTransposeDense(
        dense, activation="sigmoid", use_bias=False, bias_initializer="ones", name="dec"
    )
    config = layer.get_config()
    assert config["activation"] == "sigmoid"
    assert config["use_bias"] is False
    assert config["name"] == "dec"
    serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(layer)))
    with pytest.warns(UserWarning, match="own copy of"):
        restored = keras.saving.deserialize_keras_object(serialized)
    assert isinstance(restored, TiedTransposeDense)
    assert isinstance(restored.tied_to, keras.layers.Dense)
    assert restored.tied_to.units == 4
    assert restored.tied_to.built  # rebuilt from its build config, so the layer can build
    assert restored.use_bias is False
    assert restored.name == "dec"
    assert restored.get_config()["activation"] == "sigmoid"
    assert tuple(restored(np.zeros((2, 4), dtype="float32")).shape) == (2, 6)


def test_model_from_json_warns_that_the_tie_is_lost():
    x = keras.Input((6,))
    dense = keras.layers.Dense(4, name="encoder")
    model = keras.Model(x, TiedTransposeDense(dense, name="decoder")(dense(x)))
    with pytest.warns(UserWarning, match="'decoder'.*own copy of 'encoder'.*load_model"):
        restored = keras.models.model_from_json(model.to_json())
    assert restored.get_layer("decoder").tied_to is not restored.get_layer("encoder")


def _assert_tied_after_load(loaded, tied_name, dense_name, probe_input, output_index=None):
    tied = loaded.get_layer(tied_name)
    dense = loaded.get_layer(dense_name)
    assert tied.tied_to is dense
    assert tied.tied_to.kernel is dense.kernel
    before = loaded.predict(probe_input, verbose=0)
    dense.kernel.assign(dense.kernel.numpy() + 1.0)
    after = loaded.predict(probe_input, verbose=0)
    if output_index is not None:
        before, after = before[output_index], after[output_index]
    assert not np.allclose(before, after)


def test_keras_save_load_autoencoder(tmp_path):
    x = keras.Input((6,))
    dense = keras.layers.Dense(4, activation="sigmoid", name="encoder")
    decoder = TiedTransposeDense(dense, activation="sigmoid", name="decoder")
    model = keras.Model(x, decoder(dense(x)))
    decoder.bias.assign(np.linspace(-1, 1, 6).astype("float32"))
    data = np.random.default_rng(6).random((8, 6)).astype("float32")
    expected = model.predict(data, verbose=0)

    path = str(tmp_path / "autoencoder.keras")
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), expected)
    assert len(loaded.weights) == 3
    _assert_tied_after_load(loaded, "decoder", "encoder", data)


def test_keras_save_load_tied_layer_on_separate_branch(tmp_path):
    # The tied layer reads a different input than the Dense it is tied to.
    x = keras.Input((6,), name="x")
    code = keras.Input((4,), name="code")
    dense = keras.layers.Dense(4, name="encoder")
    decoder = TiedTransposeDense(dense, activation="sigmoid", name="decoder")
    encoded = dense(x)
    model = keras.Model([x, code], [encoded, decoder(code)])
    decoder.bias.assign(np.linspace(-1, 1, 6).astype("float32"))
    rng = np.random.default_rng(7)
    inputs = [rng.random((5, 6)).astype("float32"), rng.random((5, 4)).astype("float32")]
    expected = model.predict(inputs, verbose=0)

    path = str(tmp_path / "branches.keras")
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    for got, want in zip(loaded.predict(inputs, verbose=0), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    _assert_tied_after_load(loaded, "decoder", "encoder", inputs, output_index=1)


def test_keras_save_load_tied_layer_listed_before_its_dense(tmp_path):
    # The tied branch comes first in the model's inputs/outputs, so the tied layer can be
    # deserialized before the Dense it refers to.
    code = keras.Input((4,), name="code")
    x = keras.Input((6,), name="x")
    dense = keras.layers.Dense(4, name="encoder")
    dense.build((None, 6))
    decoder = TiedTransposeDense(dense, name="decoder")
    model = keras.Model([code, x], [decoder(code), dense(x)])
    rng = np.random.default_rng(8)
    inputs = [rng.random((5, 4)).astype("float32"), rng.random((5, 6)).astype("float32")]
    expected = model.predict(inputs, verbose=0)

    path = str(tmp_path / "reversed.keras")
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    for got, want in zip(loaded.predict(inputs, verbose=0), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    _assert_tied_after_load(loaded, "decoder", "encoder", inputs, output_index=0)


def test_trains_after_loading(tmp_path):
    x = keras.Input((6,))
    dense = keras.layers.Dense(3, activation="sigmoid", name="encoder")
    model = keras.Model(x, TiedTransposeDense(dense, name="decoder")(dense(x)))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    path = str(tmp_path / "ae.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    data = np.random.default_rng(9).random((16, 6)).astype("float32")
    kernel_before = loaded.get_layer("encoder").kernel.numpy().copy()
    loaded.fit(data, data, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(loaded.get_layer("encoder").kernel.numpy(), kernel_before)
    assert loaded.get_layer("decoder").tied_to is loaded.get_layer("encoder")


# ------------------------------------------------------- training environments
def _tied_autoencoder(seed=0):
    keras.utils.set_random_seed(seed)
    x = keras.Input((6,))
    dense = keras.layers.Dense(4, activation="sigmoid", name="encoder")
    decoder = TiedTransposeDense(dense, activation="sigmoid", name="decoder")
    model = keras.Model(x, decoder(dense(x)))
    model.compile(optimizer=keras.optimizers.SGD(0.5, momentum=0.9), loss="mse")
    return model


def test_autoencoder_trains_the_same_under_mirrored_strategy(two_device_strategy):
    data = np.random.default_rng(9).random((32, 6)).astype("float32")
    single = _tied_autoencoder()
    strategy = two_device_strategy
    with strategy.scope():
        mirrored = _tied_autoencoder()
    mirrored.set_weights(single.get_weights())
    fit_args = {"batch_size": 8, "epochs": 3, "shuffle": False, "verbose": 0}
    mirrored_loss = mirrored.fit(data, data, **fit_args).history["loss"]
    single_loss = single.fit(data, data, **fit_args).history["loss"]
    np.testing.assert_allclose(mirrored_loss, single_loss, rtol=1e-4)
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    assert mirrored.get_layer("decoder").tied_to is mirrored.get_layer("encoder")


def test_autoencoder_under_mixed_float16_keeps_float32_shared_kernel():
    keras.config.set_dtype_policy("mixed_float16")
    model = _tied_autoencoder()
    decoder, encoder = model.get_layer("decoder"), model.get_layer("encoder")
    assert decoder.compute_dtype == "float16" and encoder.kernel.dtype == "float32"
    data = np.random.default_rng(10).random((32, 6)).astype("float32")
    kernel_before = encoder.kernel.numpy().copy()
    losses = model.fit(data, data, batch_size=8, epochs=3, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
    assert model(data[:2]).dtype == "float16"
    assert not np.allclose(encoder.kernel.numpy(), kernel_before)


def test_autoencoder_trains_from_tf_data():
    data = np.random.default_rng(11).random((32, 6)).astype("float32")
    numpy_model, dataset_model = _tied_autoencoder(), _tied_autoencoder()
    dataset_model.set_weights(numpy_model.get_weights())
    dataset = tf.data.Dataset.from_tensor_slices((data, data)).batch(8)
    from_numpy = numpy_model.fit(data, data, batch_size=8, epochs=2, shuffle=False, verbose=0)
    from_dataset = dataset_model.fit(dataset, epochs=2, verbose=0)
    np.testing.assert_allclose(from_dataset.history["loss"], from_numpy.history["loss"], rtol=1e-5)
