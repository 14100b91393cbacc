"""The BP lecture's overfitting remedies (seed 002) in plain Keras: the regularised objective
E = λ (1/m) Σ E_k + (1 − λ) Σ w² and the two early-stopping rules."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlzoo.models.lecture_mlp import build_lecture_mlp
from mlzoo.regularization import lecture_l2


def _lecture_network(lam, d=4, hidden=3, outputs=2):
    model = build_lecture_mlp(d, hidden, outputs, lam=lam, learning_rate=0.5)
    # non-zero thresholds, so leaving the biases out of the penalty would show
    model.set_weights([w + 0.3 for w in model.get_weights()])
    return model


def _lecture_objective(weights, x, y, lam):
    """E = λ (1/m) Σ_k ½ Σ_j (ŷ_j − y_j)² + (1 − λ) Σ_i w_i², by hand (float64)."""
    v, gamma, w, theta = (np.asarray(a, "float64") for a in weights)
    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    y_hat = sigmoid(sigmoid(x @ v + gamma) @ w + theta)
    mean_error = np.mean(0.5 * np.sum((y_hat - y) ** 2, axis=1))
    return lam * mean_error + (1 - lam) * sum(np.sum(a**2) for a in (v, gamma, w, theta))


@pytest.mark.parametrize("lam", [1.0, 0.9, 0.5])
def test_keras_total_loss_is_the_lecture_objective_over_lambda(onehot_data, lam):
    x, y = onehot_data(n=20, input_dim=4, output_dim=2)
    model = _lecture_network(lam)
    expected = _lecture_objective(model.get_weights(), x, y, lam) / lam
    loss = model.evaluate(x, y, batch_size=len(x), verbose=0)
    assert loss == pytest.approx(expected, rel=1e-5)


def test_one_sgd_step_is_gradient_descent_on_the_lecture_objective(onehot_data):
    lam, rate = 0.8, 0.5
    x, y = onehot_data(n=20, input_dim=4, output_dim=2)
    model = _lecture_network(lam)
    before = [tf.Variable(w, dtype="float64") for w in model.get_weights()]
    with tf.GradientTape() as tape:
        v, gamma, w, theta = before
        y_hat = tf.sigmoid(tf.sigmoid(x.astype("float64") @ v + gamma) @ w + theta)
        mean_error = tf.reduce_mean(0.5 * tf.reduce_sum((y_hat - y) ** 2, axis=1))
        objective = lam * mean_error + (1 - lam) * sum(tf.reduce_sum(a**2) for a in before)
    gradients = tape.gradient(objective, before)
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    # SGD with rate η on E/λ is SGD with rate η/λ on E
    for got, start, gradient in zip(model.get_weights(), before, gradients, strict=True):
        np.testing.assert_allclose(got, start.numpy() - rate / lam * gradient.numpy(), atol=1e-6)


def test_lecture_l2_values_and_errors():
    assert lecture_l2(1.0).get_config() == {"l2": 0.0}
    assert lecture_l2(0.999).get_config()["l2"] == pytest.approx(0.001 / 0.999)
    assert lecture_l2(0.5).get_config()["l2"] == pytest.approx(1.0)
    for bad in (0, -0.1, 1.5, True, "0.9", float("nan")):
        with pytest.raises(ValueError, match="lam"):
            lecture_l2(bad)


def test_regularised_model_saves_and_loads_without_custom_objects(tmp_path, onehot_data):
    x, _ = onehot_data(n=8, input_dim=4, output_dim=2)
    model = _lecture_network(0.9)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].bias_regularizer.get_config() == {"l2": pytest.approx(1 / 9)}
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def _stopped_epoch(callback, values, monitor):
    """Drive a callback with a fixed sequence of epoch logs; the epoch it stops at, or None."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.stop_training = False  # what `fit` sets before the first epoch
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            return epoch
    return None


def test_training_error_changes_less_than_b_for_a_rounds_is_early_stopping_on_loss():
    # the lecture's first rule, a = 3 rounds, b = 0.01
    rule = dict(monitor="loss", min_delta=0.01, patience=3)
    steady = [1.0, 0.8, 0.6, 0.4, 0.2, 0.1]
    assert _stopped_epoch(keras.callbacks.EarlyStopping(**rule), steady, "loss") is None
    # from epoch 2 on the error changes by < b: stop after a = 3 such rounds (epoch index 4)
    flat = [1.0, 0.5, 0.498, 0.496, 0.495, 0.494, 0.3]
    assert _stopped_epoch(keras.callbacks.EarlyStopping(**rule), flat, "loss") == 4
    # Keras measures the change from the best value, not from the previous round: a slow but
    # steady descent (0.006 a round) adds up to more than b and keeps training going, where the
    # literal "change between rounds < b" would stop at epoch 3.
    slow = [1.0 - 0.006 * k for k in range(12)]
    assert _stopped_epoch(keras.callbacks.EarlyStopping(**rule), slow, "loss") is None


def test_validation_error_rises_is_early_stopping_on_val_loss(onehot_data):
    # the lecture's second rule: training error falls while validation error rises
    x, y = onehot_data(n=16, input_dim=4, output_dim=2)
    val_loss = [0.5, 0.4, 0.3, 0.35, 0.4, 0.45]
    callback = keras.callbacks.EarlyStopping("val_loss", patience=2, restore_best_weights=True)
    model = _lecture_network(1.0)
    weights = {}

    class FakeValidation(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = val_loss[epoch]
            weights[epoch] = self.model.get_weights()

    history = model.fit(
        x, y, epochs=len(val_loss), verbose=0, callbacks=[FakeValidation(), callback]
    )
    assert len(history.history["loss"]) == 5  # stopped 2 epochs after the best (epoch 2)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for got, want in zip(model.get_weights(), weights[2], strict=True):
        np.testing.assert_array_equal(got, want)
