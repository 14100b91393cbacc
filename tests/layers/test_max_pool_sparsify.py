import keras
import numpy as np
import pytest

from mlzoo.layers import MaxPoolSparsify, TiedConv2DTranspose
from mlzoo.models._training import value_and_gradients


def _numpy_sparsify(x, rows, cols):
    out = np.zeros_like(x)
    for i in range(0, x.shape[1], rows):
        for j in range(0, x.shape[2], cols):
            window = x[:, i : i + rows, j : j + cols, :]
            peak = window.max(axis=(1, 2), keepdims=True)
            out[:, i : i + rows, j : j + cols, :] = np.where(window == peak, window, 0)
    return out


def test_hand_made_array():
    x = np.array(
        [
            [1, 5, -4, -1],  # a negative maximum is kept too
            [2, 3, -3, -2],
            [9, 0, 4, 4],
            [0, 8, 1, 2],
        ],
        dtype="float32",
    ).reshape(1, 4, 4, 1)
    expected = np.array(
        [
            [0, 5, 0, -1],
            [0, 0, 0, 0],
            [9, 0, 4, 4],  # a tie keeps both maxima
            [0, 0, 0, 0],
        ],
        dtype="float32",
    )
    np.testing.assert_array_equal(np.asarray(MaxPoolSparsify(2)(x))[0, :, :, 0], expected)


@pytest.mark.parametrize("pool_size, shape", [(2, (5, 3)), ((3, 2), (7, 5)), ((2, 4), (4, 8))])
def test_matches_numpy_including_tail_windows(pool_size, shape):
    x = np.random.default_rng(0).standard_normal((2, *shape, 3)).astype("float32")
    layer = MaxPoolSparsify(pool_size)
    rows, cols = layer.pool_size
    np.testing.assert_array_equal(np.asarray(layer(x)), _numpy_sparsify(x, rows, cols))
    assert layer.compute_output_shape((None, *shape, 3)) == (None, *shape, 3)


def test_unknown_spatial_size_in_graph_mode():
    x = keras.Input((None, None, 2))
    model = keras.Model(x, MaxPoolSparsify(2)(x))
    data = np.random.default_rng(1).standard_normal((2, 5, 7, 2)).astype("float32")
    np.testing.assert_array_equal(model.predict(data, verbose=0), _numpy_sparsify(data, 2, 2))


def test_gradient_reaches_kept_entries_only():
    data = np.random.default_rng(2).standard_normal((2, 5, 5, 3)).astype("float32")
    x = keras.Variable(data)
    _, _, (grad,) = value_and_gradients(
        lambda: (keras.ops.sum(3.0 * MaxPoolSparsify(2)(x)), None), [x]
    )
    kept = _numpy_sparsify(data, 2, 2) != 0
    np.testing.assert_array_equal(np.asarray(grad), 3.0 * kept)


def test_config_round_trip():
    layer = MaxPoolSparsify((3, 2), name="sparse")
    config = layer.get_config()
    assert config["pool_size"] == (3, 2)
    restored = MaxPoolSparsify.from_config(config)
    assert restored.pool_size == (3, 2) and restored.name == "sparse"
    assert MaxPoolSparsify([2, 2]).pool_size == (2, 2)


@pytest.mark.parametrize("pool_size", [0, (2, 0), (2, 2, 2), 1.5, "2"])
def test_rejects_bad_pool_size(pool_size):
    with pytest.raises(ValueError, match="pool_size"):
        MaxPoolSparsify(pool_size)


def test_rejects_wrong_rank():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\).*\(2, 4, 4\)"):
        MaxPoolSparsify()(np.zeros((2, 4, 4), dtype="float32"))


def _sparse_conv_autoencoder():
    # Thesis §3.2.2.2: encode, keep the pooling-window maxima, decode with the tied kernel.
    x = keras.Input((6, 6, 1))
    conv = keras.layers.Conv2D(3, 3, padding="same", activation="sigmoid", name="enc")
    sparse = MaxPoolSparsify(2, name="sparse")(conv(x))
    outputs = TiedConv2DTranspose(conv, activation="sigmoid", name="dec")(sparse)
    model = keras.Model(x, outputs)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    return model


def test_keras_save_load_in_sparse_autoencoder(tmp_path):
    model = _sparse_conv_autoencoder()
    data = np.random.default_rng(3).random((4, 6, 6, 1)).astype("float32")
    expected = model.predict(data, verbose=0)
    path = str(tmp_path / "sparse_ae.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), expected)
    assert loaded.get_layer("sparse").pool_size == (2, 2)


def test_sparse_autoencoder_trains_under_mixed_float16():
    keras.config.set_dtype_policy("mixed_float16")
    model = _sparse_conv_autoencoder()
    data = np.random.default_rng(4).random((16, 6, 6, 1)).astype("float32")
    assert model.get_layer("sparse")(data[:1]).dtype == "float16"
    losses = model.fit(data, data, batch_size=8, epochs=3, verbose=0).history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]
