import keras
import numpy as np
import pytest

import mlzoo
from mlzoo.models.lecture_mlp import build_lecture_mlp


def test_loss_is_the_lecture_accumulated_error(onehot_data):
    x, y = onehot_data(n=24, input_dim=5, output_dim=3)
    model = build_lecture_mlp(5, 4, 3, learning_rate=0.5)
    v, b, w, c = model.get_weights()
    sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
    y_hat = sigmoid(sigmoid(x @ v + b) @ w + c)
    mean_e_k = np.mean(0.5 * np.sum((y_hat - y) ** 2, axis=1))  # (1/m) Σ_k ½ Σ_j (ŷ_j − y_j)²
    assert model.evaluate(x, y, batch_size=24, verbose=0) == pytest.approx(mean_e_k, rel=1e-5)
    assert [layer.activation.__name__ for layer in model.layers] == ["sigmoid", "sigmoid"]


def test_plain_sgd_with_the_given_rate_and_steps_per_execution():
    model = build_lecture_mlp(2, 2, 1, learning_rate=0.7, steps_per_execution=16)
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert model.optimizer.momentum == 0.0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.7)
    assert model.steps_per_execution == 16
    x = np.zeros((4, 2), "float32")
    history = model.fit(x, x[:, :1], batch_size=4, epochs=1, verbose=0)
    assert sorted(history.history) == ["binary_accuracy", "loss"]  # one output: a decision
    history = build_lecture_mlp(2, 2, 3).fit(x, np.zeros((4, 3)), epochs=1, verbose=0)
    assert sorted(history.history) == ["loss"]


def test_lambda_puts_the_lecture_penalty_on_every_kernel_and_bias():
    plain = build_lecture_mlp(4, 3, 2)
    assert all(
        layer.kernel_regularizer is None and layer.bias_regularizer is None
        for layer in plain.layers
    )
    regularised = build_lecture_mlp(4, 3, 2, lam=0.9)
    for layer in regularised.layers:
        for regularizer in (layer.kernel_regularizer, layer.bias_regularizer):
            assert regularizer.get_config() == {"l2": pytest.approx(0.1 / 0.9)}
    assert len(regularised.losses) == 4


def test_exported_and_bad_arguments_are_named():
    assert mlzoo.build_lecture_mlp is mlzoo.models.build_lecture_mlp is build_lecture_mlp
    for kwargs, name in (
        (dict(input_dim=0), "input_dim"),
        (dict(hidden_units=2.5), "hidden_units"),
        (dict(lam=0.0), "lam"),
        (dict(lam=1.5), "lam"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(learning_rate=float("inf")), "learning_rate"),
        (dict(steps_per_execution=0), "steps_per_execution"),
    ):
        arguments = dict(input_dim=2, hidden_units=2, output_dim=1) | kwargs
        with pytest.raises(ValueError, match=name):
            build_lecture_mlp(**arguments)
