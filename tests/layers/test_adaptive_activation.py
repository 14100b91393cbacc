import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from mlzoo.constraints import MinValue
from mlzoo.layers import AdaptiveSigmoid, AdaptiveTanh
from mlzoo.models._training import value_and_gradients


def _layer(cls, rule, units=5, seed=0, **kwargs):
    rng = np.random.default_rng(seed)
    layer = cls(rule=rule, **kwargs)
    layer.build((None, units))
    layer.slope.assign(rng.uniform(0.3, 2.0, units).astype("float32"))
    layer.offset.assign(rng.normal(size=units).astype("float32"))
    return layer


def _inputs(n=64, units=5, seed=1, scale=2.0):
    return (scale * np.random.default_rng(seed).normal(size=(n, units))).astype("float32")


def _rule_gradients(layer, u):
    """Gradients of the layer's added (plasticity) loss on slope, offset and the input."""
    u_variable = keras.Variable(u)

    def objective():
        layer(u_variable.value, training=True)
        return sum(layer.losses), None

    loss, _, grads = value_and_gradients(objective, [layer.slope, layer.offset, u_variable])
    return float(loss), [None if g is None else np.asarray(g) for g in grads]


def _no_gradient(grad) -> bool:
    """TensorFlow gives None where nothing flows, JAX zeros."""
    return grad is None or not grad.any()


# --------------------------------------------------------------- the closed forms
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("ip_rate", [1.0, 0.25])
def test_sigmoid_infomax_gradients_are_eq_2_10_and_2_11(ip_rate):
    layer, u = _layer(AdaptiveSigmoid, "infomax", ip_rate=ip_rate), _inputs()
    value, (grad_a, grad_b, grad_u) = _rule_gradients(layer, u)
    a, b = layer.slope.numpy(), layer.offset.numpy()
    y = _sigmoid(a * u + b)
    # The optimizer descends, so the applied gradient is minus the ascent direction.
    expected_a = ip_rate * (1 / a + u * (1 - 2 * y)).mean(0)
    np.testing.assert_allclose(-grad_a, expected_a, atol=2e-6)
    np.testing.assert_allclose(-grad_b, ip_rate * (1 - 2 * y).mean(0), atol=2e-6)
    assert _no_gradient(grad_u)  # nothing flows to the input, hence to earlier weights
    assert value == 0.0  # the logged loss stays the task loss


def test_tanh_infomax_gradients_are_eq_b4_and_b5():
    layer, u = _layer(AdaptiveTanh, "infomax", ip_rate=0.5), _inputs()
    _, (grad_a, grad_b, grad_u) = _rule_gradients(layer, u)
    a, b = layer.slope.numpy(), layer.offset.numpy()
    y = np.tanh(a * u + b)
    np.testing.assert_allclose(-grad_a, 0.5 * (1 / a - 2 * u * y).mean(0), atol=2e-6)
    np.testing.assert_allclose(-grad_b, 0.5 * (-2 * y).mean(0), atol=2e-6)
    assert _no_gradient(grad_u)


def test_triesch_gradients():
    mu = 0.2
    layer, u = _layer(AdaptiveSigmoid, "triesch", target_mean=mu), _inputs()
    _, (grad_a, grad_b, _) = _rule_gradients(layer, u)
    a, b = layer.slope.numpy(), layer.offset.numpy()
    y = _sigmoid(a * u + b)
    db = 1 - (2 + 1 / mu) * y + y**2 / mu  # Triesch 2005
    np.testing.assert_allclose(-grad_b, db.mean(0), atol=2e-6)
    np.testing.assert_allclose(-grad_a, (1 / a + u * db).mean(0), atol=2e-6)


@pytest.mark.parametrize("cls", [AdaptiveSigmoid, AdaptiveTanh])
def test_rank_3_inputs_average_over_all_but_the_unit_axis(cls):
    layer = _layer(cls, "infomax", units=3)
    u = _inputs(n=24, units=3).reshape(4, 6, 3)
    _, (grad_a, _, _) = _rule_gradients(layer, u)
    flat = _layer(cls, "infomax", units=3)
    _, (flat_grad_a, _, _) = _rule_gradients(flat, u.reshape(24, 3))
    np.testing.assert_allclose(grad_a, flat_grad_a, rtol=1e-5)


# ---------------------------------------------------------------- task gradients
def _task_gradients(layer, u, target):
    def objective():
        y = layer(u, training=True)
        return ops.mean(ops.square(y - target)) + sum(layer.losses), None

    return [np.asarray(g) for g in value_and_gradients(objective, [layer.slope, layer.offset])[2]]


def test_rules_combine_task_and_plasticity_signals():
    u, target = _inputs(), np.full((64, 5), 0.9, dtype="float32")
    task_a, task_b = _task_gradients(_layer(AdaptiveSigmoid, "task"), u, target)
    info_a, info_b = _task_gradients(_layer(AdaptiveSigmoid, "infomax"), u, target)
    joint_a, joint_b = _task_gradients(_layer(AdaptiveSigmoid, "joint"), u, target)
    _, (rule_a, rule_b, _) = _rule_gradients(_layer(AdaptiveSigmoid, "infomax"), u)
    # infomax: only the plasticity signal; task: only the task loss; joint: their sum.
    np.testing.assert_allclose(info_a, rule_a, atol=1e-6)
    np.testing.assert_allclose(info_b, rule_b, atol=1e-6)
    assert np.abs(task_a).max() > 1e-4
    np.testing.assert_allclose(joint_a, task_a + rule_a, atol=1e-6)
    np.testing.assert_allclose(joint_b, task_b + rule_b, atol=1e-6)
    assert _layer(AdaptiveSigmoid, "task").losses == []


def test_fixed_rule_is_a_plain_sigmoid_with_frozen_parameters():
    layer = AdaptiveSigmoid(rule="fixed")
    u = _inputs()
    np.testing.assert_allclose(np.asarray(layer(u, training=True)), _sigmoid(u), rtol=1e-5)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3  # a, b, rate
    assert layer.losses == []


@pytest.mark.parametrize("cls, reference", [(AdaptiveSigmoid, _sigmoid), (AdaptiveTanh, np.tanh)])
def test_forward_values(cls, reference):
    layer, u = _layer(cls, "task"), _inputs()
    expected = reference(layer.slope.numpy() * u + layer.offset.numpy())
    np.testing.assert_allclose(np.asarray(layer(u)), expected, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------- in model.fit
def _mlp(rule, cls=AdaptiveSigmoid, input_dim=6, units=4, seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    x = keras.Input((input_dim,))
    hidden = cls(rule=rule, name="hidden_act", **kwargs)(keras.layers.Dense(units, name="d1")(x))
    out = cls(rule=rule, name="out_act", **kwargs)(keras.layers.Dense(1, name="d2")(hidden))
    model = keras.Model(x, out)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    return model


def _data(n=32, input_dim=6, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.random((n, input_dim)).astype("float32")
    return x, (x.sum(1, keepdims=True) > input_dim / 2).astype("float32")


def test_one_sgd_step_moves_slope_by_lr_times_ip_rate_times_rule():
    x, y = _data()
    model = _mlp("infomax", ip_rate=0.3)
    dense, act = model.get_layer("d1"), model.get_layer("hidden_act")
    u = x @ dense.kernel.numpy() + dense.bias.numpy()
    a, b = act.slope.numpy().copy(), act.offset.numpy().copy()
    z = _sigmoid(a * u + b)
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    np.testing.assert_allclose(
        act.slope.numpy() - a, 0.5 * 0.3 * (1 / a + u * (1 - 2 * z)).mean(0), atol=1e-5
    )
    np.testing.assert_allclose(act.offset.numpy() - b, 0.5 * 0.3 * (1 - 2 * z).mean(0), atol=1e-5)


def test_weights_receive_no_infomax_gradient():
    # From the same start, one step of infomax and of fixed moves the Dense weights identically.
    x, y = _data()
    infomax, fixed = _mlp("infomax", ip_rate=5.0), _mlp("fixed")
    fixed.set_weights(infomax.get_weights())
    for model in (infomax, fixed):
        model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    for name in ("d1", "d2"):
        for got, want in zip(
            infomax.get_layer(name).get_weights(), fixed.get_layer(name).get_weights(), strict=True
        ):
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert not np.allclose(infomax.get_layer("hidden_act").slope.numpy(), 1.0)


def test_slope_stays_positive_and_finite_under_saturation():
    layer = AdaptiveSigmoid(rule="joint", min_slope=1e-3, ip_rate=1.0)
    layer.build((None, 3))
    layer.slope.assign([1e-3, 1e-3, 50.0])
    u = np.array([[1e4, -1e4, 300.0], [-1e4, 1e4, -300.0]], "float32")

    def objective():
        y = layer(u, training=True)
        return ops.sum(y) + sum(layer.losses), y

    _, y, grads = value_and_gradients(objective, layer.trainable_weights)
    assert np.isfinite(y).all() and all(np.isfinite(g).all() for g in grads)
    optimizer = keras.optimizers.SGD(100.0)
    optimizer.apply([np.full(3, 1e3, "float32"), np.zeros(3, "float32")], layer.trainable_weights)
    assert layer.slope.numpy().min() >= 1e-3  # a big step down is clipped to the floor


def _histogram_entropy(y, bins=10):
    counts = np.histogram(y, bins=bins, range=(0.0, 1.0))[0]
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def test_infomax_spreads_inputs_concentrated_near_one():
    # The seed's extreme case (section 3): inputs in [0.9, 1] barely move a fixed sigmoid
    # (outputs within 0.02); infomax moves the steep part of the curve onto the data.
    u = (0.9 + 0.1 * np.random.default_rng(5).random((256, 1))).astype("float32")
    layer = AdaptiveSigmoid(rule="infomax")
    inputs = keras.Input((1,))
    model = keras.Model(inputs, layer(inputs))  # trained by the plasticity loss alone
    model.compile(keras.optimizers.SGD(1.0), steps_per_execution=100)
    model.fit(np.tile(u, (1000, 1)), batch_size=len(u), shuffle=False, verbose=0)  # 1000 steps
    fixed, adapted = _sigmoid(u), np.asarray(layer(u))
    assert np.ptp(fixed) < 0.03 and np.ptp(adapted) > 0.5
    assert abs(float(adapted.mean()) - 0.5) < 0.1
    assert _histogram_entropy(fixed) == 0.0  # one bin
    assert _histogram_entropy(adapted) > 0.6 * np.log(10)
    assert float(layer.slope.numpy()[0]) > 10.0  # steeper, shifted: b ≈ -a * mean(u)


@pytest.mark.slow
def test_keras_save_load_round_trip(tmp_path):
    x, y = _data()
    model = _mlp("triesch", ip_rate=0.2, target_mean=0.3)
    model.fit(x, y, epochs=2, verbose=0)
    path = str(tmp_path / "adaptive.keras")
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    config = loaded.get_layer("hidden_act").get_config()
    assert (config["rule"], config["ip_rate"], config["target_mean"]) == ("triesch", 0.2, 0.3)
    assert isinstance(loaded.get_layer("hidden_act").slope.constraint, MinValue)
    loaded.fit(x, y, epochs=1, verbose=0)  # still trains after loading


def test_fit_from_tf_data_matches_numpy():
    x, y = _data()
    from_numpy, from_dataset = _mlp("joint", ip_rate=0.5), _mlp("joint", ip_rate=0.5)
    from_dataset.set_weights(from_numpy.get_weights())
    a = from_numpy.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    b = from_dataset.fit(dataset, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-5)


@pytest.mark.slow
def test_mirrored_strategy_matches_single_device(two_device_strategy):
    x, y = _data()
    single = _mlp("infomax", ip_rate=0.5)
    with two_device_strategy.scope():
        mirrored = _mlp("infomax", ip_rate=0.5)
    mirrored.set_weights(single.get_weights())
    fit_args = {"batch_size": 8, "epochs": 2, "shuffle": False, "verbose": 0}
    loss_m = mirrored.fit(x, y, **fit_args).history["loss"]
    loss_s = single.fit(x, y, **fit_args).history["loss"]
    np.testing.assert_allclose(loss_m, loss_s, rtol=1e-4)
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cls", [AdaptiveSigmoid, AdaptiveTanh])
def test_mixed_float16(cls):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = _data()
    model = _mlp("infomax", cls=cls)
    act = model.get_layer("hidden_act")
    assert act.compute_dtype == "float16" and act.slope.dtype == "float32"
    slope_before = act.slope.numpy().copy()
    losses = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"]
    assert all(math.isfinite(v) for v in losses)
    assert model(x[:2]).dtype == "float16"
    assert not np.allclose(act.slope.numpy(), slope_before)


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rule": "hebb"}, "rule"),
        ({"ip_rate": -0.1}, "ip_rate"),
        ({"ip_rate": float("nan")}, "ip_rate"),
        ({"ip_rate": True}, "ip_rate"),
        ({"min_slope": 0.0}, "min_slope"),
        ({"target_mean": 0.0}, "target_mean"),
        ({"target_mean": 1.5}, "target_mean"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        AdaptiveSigmoid(**kwargs)


def test_tanh_has_no_triesch_rule():
    with pytest.raises(ValueError, match="'fixed', 'task', 'infomax', 'joint'"):
        AdaptiveTanh(rule="triesch")


def test_unknown_unit_count_is_rejected():
    with pytest.raises(ValueError, match="known last dimension"):
        AdaptiveSigmoid().build((None, None))


def test_min_value_constraint():
    clipped = MinValue(0.1)(np.array([-1.0, 0.05, 2.0], "float32"))
    np.testing.assert_allclose(np.asarray(clipped), [0.1, 0.1, 2.0])
    with pytest.raises(ValueError, match="min_value"):
        MinValue(0.0)
