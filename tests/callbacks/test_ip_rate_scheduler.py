import keras
import numpy as np
import pytest

from mlzoo import build_joint_mlp
from mlzoo.callbacks import IPRateScheduler, linear_decay


def _model(rule="infomax", ip_rate=0.5, spe=1):
    keras.utils.set_random_seed(0)
    model = build_joint_mlp(6, 5, 3, rule=rule, ip_rate=ip_rate, output_activation="sigmoid")
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse", steps_per_execution=spe)
    return model


def test_linear_decay_values_and_checks():
    schedule = linear_decay(5, final_fraction=0.2)
    np.testing.assert_allclose([schedule(e, 1.0) for e in range(6)], [1, 0.8, 0.6, 0.4, 0.2, 0.2])
    assert linear_decay(1)(0, 0.3) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="total_epochs"):
        linear_decay(0)
    with pytest.raises(ValueError, match="final_fraction"):
        linear_decay(5, final_fraction=1.5)


@pytest.mark.parametrize("spe", [1, 32])
def test_rate_zero_freezes_infomax_slope_and_offset(onehot_data, spe):
    # Under "infomax" only the rule moves a and b: with the rate scheduled to 0 they stay put,
    # also when many steps run inside one traced call (steps_per_execution).
    x, y = onehot_data()
    model = _model(spe=spe)
    layer = model.get_layer("adaptive_1")
    history = model.fit(
        x, y, epochs=2, batch_size=8, verbose=0, callbacks=[IPRateScheduler(lambda e, r: 0.0)]
    )
    np.testing.assert_array_equal(layer.slope.numpy(), np.ones(5, "float32"))
    np.testing.assert_array_equal(layer.offset.numpy(), np.zeros(5, "float32"))
    assert history.history["ip_rate"] == [0.0, 0.0]


def test_schedule_sets_each_epoch_rate_and_equals_a_constant_rate_run(onehot_data):
    x, y = onehot_data()
    scheduled, constant = _model(ip_rate=0.5), _model(ip_rate=0.25)
    history = scheduled.fit(
        x,
        y,
        epochs=3,
        batch_size=8,
        shuffle=False,
        verbose=0,
        callbacks=[IPRateScheduler(lambda e, r: r / 2)],
    )
    constant.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["ip_rate"], [0.25] * 3)
    for got, want in zip(scheduled.get_weights(), constant.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # The configured (initial) rate is unchanged; the rate in use is the scheduled one.
    layer = scheduled.get_layer("adaptive_1")
    assert (layer.ip_rate, layer.current_ip_rate) == (0.5, 0.25)


def test_scheduled_rate_survives_save_and_load(tmp_path, onehot_data):
    x, y = onehot_data()
    model = _model()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[IPRateScheduler(lambda e, r: 0.125)])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_layer("adaptive_1").current_ip_rate == 0.125
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_clear_errors(onehot_data):
    x, y = onehot_data()
    with pytest.raises(TypeError, match="callable"):
        IPRateScheduler(0.1)
    with pytest.raises(ValueError, match="no AdaptiveSigmoid/AdaptiveTanh layer with a plasticity"):
        _model(rule="fixed").fit(x, y, verbose=0, callbacks=[IPRateScheduler(linear_decay(3))])
    with pytest.raises(ValueError, match="invalid rate at epoch 0.*ip_rate"):
        _model().fit(x, y, verbose=0, callbacks=[IPRateScheduler(lambda e, r: -1.0)])
    with pytest.raises(ValueError, match="no plasticity rate"):
        _model(rule="task").get_layer("adaptive_1").set_ip_rate(0.1)


def test_schedule_applies_under_mirrored_strategy(onehot_data, two_device_strategy):
    x, y = onehot_data()
    with two_device_strategy.scope():
        model = _model()
    layer = model.get_layer("adaptive_1")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[IPRateScheduler(lambda e, r: 0)])
    assert layer.current_ip_rate == 0.0
    np.testing.assert_array_equal(layer.slope.numpy(), np.ones(5, "float32"))
