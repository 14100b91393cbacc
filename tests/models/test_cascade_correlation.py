import keras
import numpy as np
import pytest

import mlzoo
from mlzoo.callbacks import Stagnation, TargetReached
from mlzoo.datasets import make_two_spirals
from mlzoo.models import CascadeCorrelation
from mlzoo.models.cascade.candidates import correlation_sums, scores

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
XOR_Y = np.array([0, 1, 1, 0])
# 5-epoch phases, no target: output, candidates, select, output, candidates, select, output
SHORT = {
    "max_hidden_units": 2,
    "target_accuracy": None,
    "output_epochs": 5,
    "candidate_epochs": 5,
    "output_learning_rate": 0.1,
    "candidates": 4,
    "verbose": 0,
}


def grow_xor(**kwargs):
    arguments = {"max_hidden_units": 4, "verbose": 0, "output_learning_rate": 0.1}
    cascor = CascadeCorrelation(2, 1, **{**arguments, **kwargs})
    cascor.fit(XOR_X, XOR_Y)
    return cascor


def state(model) -> list[np.ndarray]:
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


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


def test_stopping_rules_reject_a_missing_monitor_and_a_target_never_reached():
    x, y = XOR_X, XOR_Y.astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["accuracy"])
    for rule in (TargetReached("acuracy", 1.0), Stagnation("acuracy")):
        with pytest.raises(ValueError, match=r"'acuracy', which is not in the logs.*accuracy"):
            model.fit(x, y, epochs=2, callbacks=[rule], verbose=0)
    for target in (float("nan"), float("inf"), "x", None):
        with pytest.raises(ValueError, match="target"):
            TargetReached("loss", target, mode="min")


def test_fit_grows_xor_and_exports_a_plain_network(tmp_path):
    cascor = grow_xor()
    assert 1 <= cascor.hidden_units <= 4 and cascor.phase == "done"
    rows = cascor.growth
    assert rows[-1]["accuracy"] == 1.0 and rows[-1]["hidden_units"] == cascor.hidden_units
    assert rows[0]["hidden_units"] == 0 and rows[0]["accuracy"] < 1.0
    assert rows[0]["candidate_epochs"] >= 1 and rows[0]["correlation"] > 0
    predictions = cascor.predict(XOR_X, verbose=0)
    np.testing.assert_array_equal((predictions[:, 0] > 0.5).astype(int), XOR_Y)
    network = cascor.to_functional()
    # hidden unit k reads the 2 inputs and the k - 1 earlier units
    hidden = [layer for layer in network.layers if layer.name.startswith("hidden_")]
    assert len(hidden) == cascor.hidden_units
    for k, layer in enumerate(hidden, start=1):
        assert layer.kernel.shape == (2 + k - 1, 1) and not layer.trainable
    assert network.get_layer("output").kernel.shape == (2 + cascor.hidden_units, 1)
    np.testing.assert_allclose(network.predict(XOR_X, verbose=0), predictions, atol=1e-6)
    network.save(tmp_path / "cascor.keras")
    restored = keras.models.load_model(tmp_path / "cascor.keras", safe_mode=True)
    assert {type(layer).__module__.split(".")[0] for layer in restored.layers} == {"keras"}
    np.testing.assert_array_equal(restored.predict(XOR_X, verbose=0), network.predict(XOR_X))
    # a finished network does not grow further
    assert len(cascor.fit(XOR_X, XOR_Y).history["loss"]) == 1
    assert cascor.hidden_units == len(hidden)


def test_the_installed_unit_is_the_pool_best_over_the_select_epoch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("float32")
    cascor = CascadeCorrelation(
        3, 1, candidates=4, output_epochs=1, candidate_epochs=40, patience=1000, verbose=0
    )
    cascor.fit(x, y, epochs=1)
    assert cascor.phase == "candidates"
    history = cascor.fit(x, y, epochs=40).history["correlation"]
    assert cascor.phase == "select" and history[-1] > history[0]
    # S by hand: sum_o |sum_p (V - mean V)(E - mean E)|
    kernel = keras.ops.convert_to_numpy(cascor.candidate_kernel)[:3]
    bias = keras.ops.convert_to_numpy(cascor.candidate_bias)
    values = np.tanh(x @ kernel + bias)
    errors = cascor.predict(x, verbose=0) - y[:, None]
    by_hand = np.abs((values - values.mean(0)).T @ (errors - errors.mean(0))).sum(1)
    sums = keras.ops.convert_to_numpy(correlation_sums(values, errors))
    np.testing.assert_allclose(scores(sums), by_hand, rtol=1e-4)
    cascor.fit(x, y, epochs=1)
    assert cascor.hidden_units == 1 and cascor.phase == "output"
    best = int(np.argmax(by_hand))
    installed = keras.ops.convert_to_numpy(cascor.hidden_kernel)[:, 0]
    np.testing.assert_allclose(installed[:3], kernel[:, best])
    assert np.all(installed[3:] == 0)
    assert cascor.growth[-1]["correlation"] == pytest.approx(by_hand[best], rel=1e-4)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(cascor.output_kernel)[3:], 0)



def test_growth_is_the_same_on_every_backend():
    # a fixed run's logs as TensorFlow measured them: JAX grows the same network
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] ** 2 > 0.3).astype("float32")
    cascor = CascadeCorrelation(
        6, 1, max_hidden_units=2, output_epochs=10, candidate_epochs=10, verbose=0
    )
    history = cascor.fit(x, y, batch_size=40).history
    assert len(history["loss"]) == 52 and cascor.hidden_units == 2
    losses = [0.72208, 0.46747, 0.39449, 0.38043, 0.38043, 0.38043, 0.31721, 0.28532, 0.2716]
    np.testing.assert_allclose(history["loss"][:36:4], losses, rtol=1e-4)
    correlations = [0.0, 0.0, 0.0, 3.792, 4.8273, 5.2039, 0.0, 0.0, 2.2656, 3.026, 3.9131]
    np.testing.assert_allclose(history["correlation"][:44:4], correlations, rtol=1e-4)

def test_resume_after_a_crash_inside_growth_is_bit_identical(tmp_path):
    keras.utils.set_random_seed(0)
    uninterrupted = CascadeCorrelation(2, 1, **SHORT)
    uninterrupted.fit(XOR_X, XOR_Y)  # until done: 27 epochs
    assert uninterrupted.hidden_units == 2 and uninterrupted.phase == "done"

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 7:  # the second epoch of the first candidate phase
                raise RuntimeError("crash")

    backup = str(tmp_path / "backup")
    keras.utils.set_random_seed(0)
    crashed = CascadeCorrelation(2, 1, **SHORT)
    with pytest.raises(RuntimeError, match="crash"):
        crashed.fit(XOR_X, XOR_Y, callbacks=[keras.callbacks.BackupAndRestore(backup), Crash()])
    assert crashed.phase == "candidates"
    resumed = CascadeCorrelation(2, 1, **SHORT)  # another seed state: the backup carries all
    resumed.fit(XOR_X, XOR_Y, callbacks=[keras.callbacks.BackupAndRestore(backup)])
    for a, b in zip(state(uninterrupted), state(resumed), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(
        uninterrupted.candidate_optimizer.variables,
        resumed.candidate_optimizer.variables,
        strict=True,
    ):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_a_reloaded_keras_file_continues_the_growth(tmp_path):
    cascor = CascadeCorrelation(2, 1, **SHORT)
    cascor.fit(XOR_X, XOR_Y, epochs=7)  # inside the first candidate phase
    cascor.save(tmp_path / "growing.keras")
    reloaded = keras.models.load_model(tmp_path / "growing.keras", safe_mode=True)
    assert reloaded.phase == "candidates" and reloaded.get_config() == cascor.get_config()
    for model in (cascor, reloaded):
        model.fit(XOR_X, XOR_Y)  # until done
    assert cascor.hidden_units == reloaded.hidden_units == 2
    for a, b in zip(state(cascor), state(reloaded), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_softmax_classes_and_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    (x, y), (x_test, y_test) = mlzoo.datasets.load("iris", scale=True)
    cascor = mlzoo.models.get(
        "cascade_correlation",
        input_dim=4,
        output_dim=3,
        output_activation="softmax",
        max_hidden_units=2,
        target_accuracy=0.97,
        output_epochs=300,
        verbose=0,
    )
    history = cascor.fit(x, y).history
    assert set(history) == {"loss", "accuracy", "correlation", "hidden_units"}
    scores_ = cascor.predict(x_test, verbose=0)
    assert scores_.dtype == np.float32 and np.isfinite(scores_).all()
    assert (scores_.argmax(1) == y_test).mean() > 0.85


def test_linear_outputs_stop_at_the_target_loss():
    x = np.linspace(-1, 1, 32, dtype="float32")[:, None]
    cascor = CascadeCorrelation(
        1, 1, output_activation="linear", target_loss=0.02, max_hidden_units=3, verbose=0
    )
    history = cascor.fit(x, x**2).history
    assert "accuracy" not in history and cascor.phase == "done"
    assert history["loss"][-1] <= 0.02 or cascor.hidden_units == 3


def test_clear_errors():
    cascor = CascadeCorrelation(2, 1, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(num_samples, 2\)"):
        cascor.fit(np.zeros((4, 3)), XOR_Y)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cascor.fit(XOR_X, XOR_Y * 3)
    with pytest.raises(ValueError, match="needs labels"):
        cascor.fit(XOR_X)
    with pytest.raises(ValueError, match="sample_weight"):
        cascor.fit(XOR_X, XOR_Y, sample_weight=np.ones(4))
    with pytest.raises(ValueError, match="optimizer"):
        cascor.compile(optimizer="adam")
    softmax = CascadeCorrelation(2, 3, output_activation="softmax", verbose=0)
    with pytest.raises(ValueError, match=r"integer classes in \[0, 2\]"):
        softmax.fit(XOR_X, np.array([0, 1, 2, 5]))
    for kwargs, message in (
        ({"output_activation": "relu"}, "output_activation"),
        ({"hidden_activation": "nope"}, "nope"),
        ({"candidates": 0}, "candidates"),
        ({"max_hidden_units": -1}, "max_hidden_units"),
        ({"target_accuracy": 1.5}, "target_accuracy"),
        ({"target_accuracy": float("nan")}, "target_accuracy"),
        ({"target_loss": "x"}, "target_loss"),
        ({"target_loss": float("nan")}, "target_loss"),
        ({"target_loss": -1.0}, "target_loss"),
        ({"output_learning_rate": 0.0}, "output_learning_rate"),
        ({"patience": 0}, "patience"),
        ({"min_relative_change": 1.0}, "min_relative_change"),
        ({"seed": -1}, "seed"),
    ):
        with pytest.raises(ValueError, match=message):
            CascadeCorrelation(2, 1, **kwargs)
    with pytest.raises(ValueError, match="output_dim >= 2"):
        CascadeCorrelation(2, 1, output_activation="softmax")
