import keras
import numpy as np
import pytest

from mlzoo import build_joint_mlp, build_mutual_mlp
from mlzoo.callbacks import ActivationStats
from mlzoo.callbacks.activation_stats import histogram_entropy
from mlzoo.losses import SquaredError


def test_histogram_entropy_extremes():
    uniform = np.linspace(0.0, 1.0, 1000, endpoint=False)[:, None]
    constant = np.full((1000, 1), 0.999)
    np.testing.assert_allclose(histogram_entropy(uniform, 10), [np.log(10)], rtol=1e-9)
    np.testing.assert_allclose(histogram_entropy(constant, 10), [0.0])
    two = np.array([[0.1], [0.9]] * 50)
    np.testing.assert_allclose(histogram_entropy(two, 4), [np.log(2)], rtol=1e-9)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_logs_per_layer_statistics_that_match_the_layer(onehot_data, activation):
    x, y = onehot_data()
    model = build_joint_mlp(6, 5, 3, rule="joint", activation=activation, ip_rate=0.5)
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss=SquaredError())
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[ActivationStats(x)])
    logs = history.history
    for name in ("adaptive_1", "adaptive_output"):
        for stat in ("entropy", "saturation", "slope", "offset"):
            assert len(logs[f"{name}/{stat}"]) == 3
        layer = model.get_layer(name)
        assert logs[f"{name}/slope"][-1] == pytest.approx(float(layer.slope.numpy().mean()))
        assert logs[f"{name}/offset"][-1] == pytest.approx(float(layer.offset.numpy().mean()))
        assert 0.0 <= logs[f"{name}/saturation"][-1] <= 1.0
        assert 0.0 <= logs[f"{name}/entropy"][-1] <= np.log(20) + 1e-9
    # The hidden layer's statistics are those of its outputs on x.
    probe = keras.Model(model.inputs[0], model.get_layer("adaptive_1").output)
    hidden = probe.predict(x, verbose=0).astype("float64")
    if activation == "tanh":
        hidden = (hidden + 1) / 2
    expected = float(np.mean((hidden < 0.02) | (hidden > 0.98)))
    assert logs["adaptive_1/saturation"][-1] == pytest.approx(expected)
    assert logs["adaptive_1/entropy"][-1] == pytest.approx(histogram_entropy(hidden, 20).mean())


def test_saturated_fixed_layer_is_reported(onehot_data):
    x, y = onehot_data()
    big = keras.initializers.Constant(20)
    model = build_joint_mlp(6, 4, 3, rule="fixed", kernel_initializer=big)
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=SquaredError())
    history = model.fit(x, y, epochs=1, verbose=0, callbacks=[ActivationStats(x + 0.5)])
    assert history.history["adaptive_1/saturation"] == [1.0]
    assert history.history["adaptive_1/entropy"] == [0.0]


def test_single_adaptive_layer(onehot_data):
    x, y = onehot_data()
    model = build_joint_mlp(6, 4, 3, rule="infomax", output_activation="sigmoid")
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss=SquaredError())
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[ActivationStats(x)])
    assert len(history.history["adaptive_1/entropy"]) == 2
    assert not any(key.startswith("adaptive_output") for key in history.history)


def test_model_without_adaptive_layers_is_rejected(onehot_data):
    x, y = onehot_data()
    model = build_mutual_mlp(6, 4, 3)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="no AdaptiveSigmoid or AdaptiveTanh"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[ActivationStats(x)])


def test_bad_bins():
    with pytest.raises(ValueError, match="bins"):
        ActivationStats(np.zeros((2, 2)), bins=1)
