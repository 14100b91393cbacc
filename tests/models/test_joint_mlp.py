import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo import JointMLP, build_joint_mlp
from mlzoo.layers import AdaptiveSigmoid, AdaptiveTanh
from mlzoo.losses import SquaredError


def _compiled(rule="infomax", hidden=5, **kwargs):
    model = build_joint_mlp(6, hidden, 3, rule=rule, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9), loss=SquaredError())
    return model


def test_structure_of_figure_3_1_any_depth():
    model = build_joint_mlp(6, [5, 4], 3, rule="joint", ip_rate=0.3)
    assert isinstance(model, JointMLP)
    assert [layer.name for layer in model.adaptive_layers] == [
        "adaptive_1",
        "adaptive_2",
        "adaptive_output",
    ]
    assert all(isinstance(layer, AdaptiveSigmoid) for layer in model.adaptive_layers)
    assert {(layer.rule, layer.ip_rate) for layer in model.adaptive_layers} == {("joint", 0.3)}
    assert [model.get_layer(f"dense_{i}").units for i in (1, 2)] == [5, 4]
    assert model.output_shape == (None, 3)


def test_forward_pass_matches_numpy():
    model = build_joint_mlp(6, 5, 3, rule="task", activation="tanh")
    x = np.random.default_rng(0).random((4, 6)).astype("float32")
    h = x
    for dense, act in (("dense_1", "adaptive_1"), ("dense_output", "adaptive_output")):
        kernel, bias = model.get_layer(dense).get_weights()
        slope, offset = model.get_layer(act).slope.numpy(), model.get_layer(act).offset.numpy()
        h = np.tanh(slope * (h @ kernel + bias) + offset)
    np.testing.assert_allclose(model.predict(x, verbose=0), h, rtol=1e-5, atol=1e-6)
    assert isinstance(model.get_layer("adaptive_1"), AdaptiveTanh)


def test_plain_output_layer_option():
    model = build_joint_mlp(6, 5, 3, output_activation="softmax")
    assert [layer.name for layer in model.adaptive_layers] == ["adaptive_1"]
    scores = model.predict(np.zeros((2, 6), "float32"), verbose=0)
    np.testing.assert_allclose(scores.sum(1), 1.0, rtol=1e-5)


def test_fixed_rule_trains_only_the_dense_layers(onehot_data):
    x, y = onehot_data()
    model = _compiled("fixed")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for layer in model.adaptive_layers:
        np.testing.assert_array_equal(layer.slope.numpy(), 1.0)
        np.testing.assert_array_equal(layer.offset.numpy(), 0.0)
    assert len(model.trainable_weights) == 4  # two kernels, two biases


def test_keras_save_load_round_trip(onehot_data, tmp_path):
    x, y = onehot_data()
    model = _compiled("triesch", hidden=[5, 4], ip_rate=0.1, target_mean=0.3, l2=1e-3)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = str(tmp_path / "joint.keras")
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(loaded, JointMLP)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_config() == model.get_config()
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)


def test_mirrored_strategy_matches_single_device(onehot_data, two_device_strategy):
    x, y = onehot_data()
    single = _compiled("joint", ip_rate=0.2)
    with two_device_strategy.scope():
        mirrored = _compiled("joint", ip_rate=0.2)
    mirrored.set_weights(single.get_weights())
    fit_args = {"batch_size": 8, "epochs": 2, "shuffle": False, "verbose": 0}
    loss_m = mirrored.fit(x, y, **fit_args).history["loss"]
    loss_s = single.fit(x, y, **fit_args).history["loss"]
    np.testing.assert_allclose(loss_m, loss_s, rtol=1e-4)
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_mixed_float16(onehot_data):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = onehot_data()
    model = _compiled("infomax", ip_rate=0.1)
    assert model.get_layer("adaptive_1").compute_dtype == "float16"
    losses = model.fit(x, y, epochs=2, batch_size=8, verbose=0).history["loss"]
    assert all(math.isfinite(v) for v in losses)
    assert model.predict(x[:2], verbose=0).dtype == np.float32  # float32 class scores


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_dim": 0}, "input_dim"),
        ({"hidden_units": []}, "hidden_units"),
        ({"hidden_units": [4, -1]}, "hidden_units"),
        ({"output_dim": 2.5}, "output_dim"),
        ({"rule": "hebb"}, "rule"),
        ({"activation": "relu"}, "activation"),
        ({"activation": "tanh", "rule": "triesch"}, "rule"),
        ({"ip_rate": -1.0}, "ip_rate"),
        ({"l2": -0.1}, "l2"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    args = {"input_dim": 6, "hidden_units": 5, "output_dim": 3}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        build_joint_mlp(**args)


def test_bad_training_data_is_rejected(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    with pytest.raises(ValueError, match=r"fit x.*shape \(num_samples, 6\)"):
        model.fit(x[:, :5], y, verbose=0)
    with pytest.raises(ValueError, match=r"fit y.*one-hot"):
        model.fit(x, y.argmax(1), verbose=0)
    with pytest.raises(ValueError, match=r"fit y.*shape \(num_samples, 3\)"):
        model.fit(x, y[:, :2], verbose=0)
    bad = x.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="fit x.*1 NaN"):
        model.fit(bad, y, verbose=0)
    with pytest.raises(ValueError, match="validation x"):
        model.fit(x, y, validation_data=(bad, y), verbose=0)
    with pytest.raises(ValueError, match="predict x"):
        model.predict(bad, verbose=0)
    with pytest.raises(ValueError, match="evaluate y"):
        model.evaluate(x, y[:, :2], verbose=0)
    dataset = tf.data.Dataset.from_tensor_slices((x[:, :5], y)).batch(8)
    with pytest.raises(ValueError, match=r"dataset yields shape \(None, 5\)"):
        model.fit(dataset, verbose=0)


def test_exported_at_top_level():
    assert mlzoo.build_joint_mlp is build_joint_mlp and mlzoo.JointMLP is JointMLP


@pytest.mark.parametrize("rule", ["infomax", "triesch", "joint"])
def test_sample_weight_weights_the_plasticity_update(onehot_data, rule):
    """Issue 15: the slopes and offsets moved under sample weight 0. The update is the
    weighted mean (1/N) sum w_j (.)_j, like the task loss: weights [1, 0, 1, 0, ...] on
    8 rows equal the 4 kept rows with weight 0.5."""
    x, y = onehot_data(n=8)
    keep = np.arange(8) % 2 == 0
    models = []
    for _ in range(2):
        model = build_joint_mlp(6, 5, 3, rule=rule, ip_rate=0.5)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=SquaredError())
        models.append(model)
    weighted, reference = models
    reference.set_weights(weighted.get_weights())
    weighted.fit(x, y, sample_weight=keep.astype("float32"), batch_size=8, verbose=0)
    reference.fit(x[keep], y[keep], sample_weight=np.full(4, 0.5), batch_size=4, verbose=0)
    for got, want in zip(weighted.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(weighted.get_layer("adaptive_1").offset.numpy(), 0.0)
