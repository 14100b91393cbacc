import json

import keras
import numpy as np
import pytest
from keras import ops

from mlzoo.losses import SquaredError
from mlzoo.models._training import value_and_gradients


def _numpy_squared_error(y_true, y_pred):
    return np.sum(np.square(y_pred - y_true), axis=-1)


def test_docstring_example():
    assert float(SquaredError()(np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]]))) == 0.5


def test_sum_over_last_axis_mean_over_batch():
    rng = np.random.default_rng(0)
    y_true = rng.random((8, 3)).astype("float32")
    y_pred = rng.random((8, 3)).astype("float32")
    expected = _numpy_squared_error(y_true, y_pred).mean()
    np.testing.assert_allclose(float(SquaredError()(y_true, y_pred)), expected, rtol=1e-6)
    # Differs from MSE by the number of outputs.
    mse = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    np.testing.assert_allclose(float(SquaredError()(y_true, y_pred)), 3 * mse, rtol=1e-5)


def test_reduction_none_gives_per_sample_values():
    rng = np.random.default_rng(1)
    y_true = rng.random((5, 4)).astype("float32")
    y_pred = rng.random((5, 4)).astype("float32")
    values = SquaredError(reduction=None)(y_true, y_pred)
    assert tuple(values.shape) == (5,)
    np.testing.assert_allclose(values, _numpy_squared_error(y_true, y_pred), rtol=1e-6)


def test_reduction_sum():
    rng = np.random.default_rng(2)
    y_true = rng.random((5, 4)).astype("float32")
    y_pred = rng.random((5, 4)).astype("float32")
    np.testing.assert_allclose(
        float(SquaredError(reduction="sum")(y_true, y_pred)),
        _numpy_squared_error(y_true, y_pred).sum(),
        rtol=1e-6,
    )


def test_sample_weight():
    rng = np.random.default_rng(3)
    y_true = rng.random((6, 3)).astype("float32")
    y_pred = rng.random((6, 3)).astype("float32")
    weights = np.array([1.0, 0.0, 2.0, 0.5, 0.0, 3.0], dtype="float32")
    per_sample = _numpy_squared_error(y_true, y_pred)
    got = float(SquaredError()(y_true, y_pred, sample_weight=weights))
    # "sum_over_batch_size": weighted sum divided by the batch size.
    np.testing.assert_allclose(got, (per_sample * weights).sum() / 6, rtol=1e-6)
    # A scalar weight scales the loss.
    np.testing.assert_allclose(
        float(SquaredError()(y_true, y_pred, sample_weight=2.0)), 2 * per_sample.mean(), rtol=1e-6
    )
    # Zero-weighted samples do not contribute, whatever their error.
    y_pred_changed = y_pred.copy()
    y_pred_changed[[1, 4]] += 10.0
    np.testing.assert_allclose(
        float(SquaredError()(y_true, y_pred_changed, sample_weight=weights)), got, rtol=1e-6
    )


def test_integer_targets_are_cast():
    y_true = np.array([[0, 1, 0]], dtype="int32")
    y_pred = np.array([[0.5, 0.5, 0.0]], dtype="float32")
    assert float(SquaredError()(y_true, y_pred)) == pytest.approx(0.5)


def test_higher_rank_inputs_sum_last_axis_only():
    rng = np.random.default_rng(4)
    y_true = rng.random((2, 3, 4)).astype("float32")
    y_pred = rng.random((2, 3, 4)).astype("float32")
    values = SquaredError(reduction=None)(y_true, y_pred)
    assert tuple(values.shape) == (2, 3)
    np.testing.assert_allclose(values, _numpy_squared_error(y_true, y_pred), rtol=1e-6)


def test_serialization_round_trip():
    loss = SquaredError(reduction="sum", name="se")
    config = json.loads(json.dumps(keras.losses.serialize(loss)))
    restored = keras.losses.deserialize(config)
    assert isinstance(restored, SquaredError)
    assert restored.name == "se"
    assert restored.reduction == "sum"
    y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    assert float(restored(y_true, y_pred)) == pytest.approx(2.0)


def test_gradient_is_twice_the_residual_over_batch_size():
    y_true = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    y_pred = keras.Variable(np.array([[0.2, 0.5, 0.1], [0.3, 0.3, 0.4]], "float32"))
    _, _, (grad,) = value_and_gradients(lambda: (SquaredError()(y_true, y_pred), None), [y_pred])
    batch_size = 2
    expected = 2 * (ops.convert_to_numpy(y_pred) - y_true) / batch_size
    np.testing.assert_allclose(ops.convert_to_numpy(grad), expected, rtol=1e-6)


def test_trains_a_model():
    rng = np.random.default_rng(5)
    x = rng.random((32, 4)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 32)]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=SquaredError())
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    np.testing.assert_allclose(
        model.evaluate(x, y, verbose=0, batch_size=32),
        _numpy_squared_error(y, model.predict(x, verbose=0)).mean(),
        rtol=1e-5,
    )
