import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo.callbacks import Stagnation, TargetReached
from mlzoo.datasets import make_two_spirals
from mlzoo.models import CascadeCorrelation
from mlzoo.models.cascade import CandidatePool, cascade_network

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
XOR_Y = np.array([0, 1, 1, 0])


def grow_xor(**kwargs):
    arguments = {"max_hidden_units": 4, "verbose": 0, "output_learning_rate": 0.1}
    cascor = CascadeCorrelation(2, 1, **{**arguments, **kwargs})
    cascor.fit(XOR_X, XOR_Y)
    return cascor


def test_two_spirals_is_the_standard_set():
    x, y = make_two_spirals()
    assert x.shape == (194, 2) and y.sum() == 97
    np.testing.assert_allclose(x[97:], -x[:97])
    np.testing.assert_allclose(np.linalg.norm(x[0]), 6.5)
    angles = np.unwrap(np.arctan2(x[:97, 0], x[:97, 1]))
    assert angles[-1] - angles[0] == pytest.approx(96 * np.pi / 16, rel=1e-5)  # three turns


def test_stopping_rules():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    stagnation = Stagnation("loss", patience=2, min_relative_change=0.1)
    stagnation.set_model(model)
    stagnation.on_train_begin()
    for epoch, loss in enumerate([1.0, 0.5, 0.48, 0.47]):  # 0.47 > 0.9 * 0.5
        stagnation.on_epoch_end(epoch, {"loss": loss})
    assert model.stop_training and stagnation.stopped_epoch == 3
    model.stop_training = False
    rising = Stagnation("correlation", patience=1, min_relative_change=0.1, mode="max")
    rising.set_model(model)
    rising.on_train_begin()
    for epoch, value in enumerate([1.0, 2.0, 2.1]):
        rising.on_epoch_end(epoch, {"correlation": value})
    assert model.stop_training and rising.stopped_epoch == 2
    model.stop_training = False
    target = TargetReached("accuracy", 1.0)
    target.set_model(model)
    target.on_train_begin()
    target.on_epoch_end(0, {"accuracy": 0.75})
    assert not model.stop_training
    target.on_epoch_end(1, {"accuracy": 1.0})
    assert model.stop_training and target.reached_epoch == 1
    with pytest.raises(ValueError, match="patience"):
        Stagnation(patience=0)


def test_candidates_climb_the_correlation_with_the_residual_error():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    targets = (x[:, :1] * x[:, 1:2] > 0).astype("float32")
    output = keras.layers.Dense(1, activation="sigmoid", dtype="float32")
    network, features = cascade_network(3, [], output)
    pool = CandidatePool(features, output, 4, "tanh", seed=0)
    data = tf.data.Dataset.from_tensor_slices((x, targets)).batch(64)
    before = pool.correlations(data).numpy()
    # S by hand: sum_o |sum_p (V - mean V)(E - mean E)|
    values = np.tanh(x @ pool.candidates.kernel.numpy() + pool.candidates.bias.numpy())
    errors = network.predict(x, verbose=0) - targets
    by_hand = np.abs((values - values.mean(0)).T @ (errors - errors.mean(0))).sum(1)
    np.testing.assert_allclose(before, by_hand, rtol=1e-4)
    pool.compile(optimizer=keras.optimizers.Adam(0.05))
    history = pool.fit(data, epochs=60, verbose=0)
    after = pool.correlations(data).numpy()
    assert (after > before).all()
    assert history.history["correlation"][-1] > history.history["correlation"][0]


def test_grows_xor_into_a_plain_network_that_reloads(tmp_path):
    cascor = grow_xor()
    assert 1 <= cascor.hidden_units <= 4
    assert cascor.history[-1]["accuracy"] == 1.0
    assert cascor.history[0]["hidden_units"] == 0 and cascor.history[0]["accuracy"] < 1.0
    predictions = cascor.model.predict(XOR_X, verbose=0)
    np.testing.assert_array_equal((predictions[:, 0] > 0.5).astype(int), XOR_Y)
    # hidden unit k reads the 2 inputs and the k - 1 earlier units
    for k, layer in enumerate(cascor.hidden_layers, start=1):
        assert layer.kernel.shape == (2 + k - 1, 1) and not layer.trainable
    assert cascor.model.get_layer("output").kernel.shape == (2 + cascor.hidden_units, 1)
    cascor.model.save(tmp_path / "cascor.keras")
    restored = keras.models.load_model(tmp_path / "cascor.keras", safe_mode=True)
    assert {type(layer).__module__.split(".")[0] for layer in restored.layers} == {"keras"}
    np.testing.assert_array_equal(restored.predict(XOR_X, verbose=0), predictions)


def test_numpy_dataset_steps_per_execution_and_mirrored_agree(mirrored_strategy):
    short = {
        "max_hidden_units": 1,
        "target_accuracy": None,
        "output_epochs": 4,
        "candidate_epochs": 4,
        "output_learning_rate": 0.1,
        "verbose": 0,
    }
    keras.utils.set_random_seed(0)
    reference = CascadeCorrelation(2, 1, **short)
    reference.fit(XOR_X, XOR_Y)
    grown = {}
    keras.utils.set_random_seed(0)
    grown["dataset"] = CascadeCorrelation(2, 1, **short)
    grown["dataset"].fit(tf.data.Dataset.from_tensor_slices((XOR_X, XOR_Y)).batch(4))
    keras.utils.set_random_seed(0)
    grown["spe"] = CascadeCorrelation(2, 1, steps_per_execution=4, **short)
    grown["spe"].fit(XOR_X, XOR_Y)
    keras.utils.set_random_seed(0)
    with mirrored_strategy.scope():
        grown["mirrored"] = CascadeCorrelation(2, 1, **short)
    grown["mirrored"].fit(XOR_X, XOR_Y)
    expected = reference.model.predict(XOR_X, verbose=0)
    for name, cascor in grown.items():
        assert cascor.hidden_units == 1, name
        np.testing.assert_allclose(
            cascor.hidden_layers[0].kernel.numpy(),
            reference.hidden_layers[0].kernel.numpy(),
            atol=1e-5,
        )
        np.testing.assert_allclose(cascor.model.predict(XOR_X, verbose=0), expected, atol=1e-5)


def test_softmax_classes_and_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    (x, y), (x_test, y_test) = mlzoo.datasets.load("iris", scale=True)
    cascor = CascadeCorrelation(
        4,
        3,
        output_activation="softmax",
        max_hidden_units=2,
        target_accuracy=0.97,
        output_epochs=300,
        verbose=0,
    )
    cascor.fit(x, y)
    scores = cascor.model.predict(x_test, verbose=0)
    assert scores.dtype == np.float32 and np.isfinite(scores).all()
    assert (scores.argmax(1) == y_test).mean() > 0.85


def test_clear_errors():
    cascor = CascadeCorrelation(2, 1, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(num_samples, 2\)"):
        cascor.fit(np.zeros((4, 3)), XOR_Y)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cascor.fit(XOR_X, XOR_Y * 3)
    with pytest.raises(ValueError, match="needs targets"):
        cascor.fit(XOR_X)
    bad = XOR_X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cascor.fit(bad, XOR_Y)
    softmax = CascadeCorrelation(2, 3, output_activation="softmax", verbose=0)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        softmax.fit(XOR_X, np.array([0, 1, 2, 5]))
    for kwargs, message in (
        ({"output_activation": "relu"}, "output_activation"),
        ({"candidates": 0}, "candidates"),
        ({"max_hidden_units": -1}, "max_hidden_units"),
        ({"target_accuracy": 1.5}, "target_accuracy"),
        ({"output_learning_rate": 0.0}, "output_learning_rate"),
        ({"patience": 0}, "patience"),
    ):
        with pytest.raises(ValueError, match=message):
            CascadeCorrelation(2, 1, **kwargs)
