import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from mlzoo import MutualMLP, build_mutual_mlp
from mlzoo.callbacks import AlternatingDirection
from mlzoo.layers import TiedTransposeDense
from mlzoo.losses import SquaredError

INPUT_DIM, HIDDEN, OUTPUT_DIM = 6, 5, 3


# --------------------------------------------------------------------------- helpers
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _positive_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _negative_layers(model):
    return [layer for layer in model.negative_net.layers if isinstance(layer, TiedTransposeDense)]


def _snapshot(model):
    return {
        "kernels": [layer.kernel.numpy().copy() for layer in _positive_layers(model)],
        "positive_biases": [layer.bias.numpy().copy() for layer in _positive_layers(model)],
        "negative_biases": [layer.bias.numpy().copy() for layer in _negative_layers(model)],
    }


def _randomize_biases(model, seed=0):
    """Non-zero biases, so "unchanged" cannot hold merely because they start at zero."""
    rng = np.random.default_rng(seed)
    for layer in _positive_layers(model) + _negative_layers(model):
        layer.bias.assign(rng.uniform(-0.5, 0.5, layer.bias.shape).astype("float32"))


def _assert_all_equal(before, after):
    for b, a in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def _assert_all_moved(before, after):
    for b, a in zip(before, after, strict=True):
        assert not np.allclose(a, b), "a variable that should train did not move"


class _Snapshots(keras.callbacks.Callback):
    """Weights at the beginning and end of every epoch."""

    def __init__(self):
        super().__init__()
        self.begin, self.end = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.begin.append(_snapshot(self.model))

    def on_epoch_end(self, epoch, logs=None):
        self.end.append(_snapshot(self.model))


def _compiled(hidden_units=HIDDEN, lr=0.2, momentum=0.9, compile_kwargs=None, **kwargs):
    model = build_mutual_mlp(INPUT_DIM, hidden_units, OUTPUT_DIM, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(lr, momentum=momentum), **(compile_kwargs or {}))
    return model


def _numpy_forward(model, x):
    h = x
    for layer in _positive_layers(model):
        h = _sigmoid(h @ layer.kernel.numpy() + layer.bias.numpy())
    return h


def _numpy_reconstruct(model, y):
    h = y
    for layer in _negative_layers(model):
        h = _sigmoid(h @ layer.tied_to.kernel.numpy().T + layer.bias.numpy())
    return h


def _all_negative(model):
    """Callback + state that make every step of the next fit a negative step."""
    model.mutual_step.assign(10**6)
    return AlternatingDirection(period=10**6, unit="batch")


# ---------------------------------------------------------------------- construction
def test_build_returns_mutual_mlp_with_shapes(onehot_data):
    model = build_mutual_mlp(INPUT_DIM, HIDDEN, OUTPUT_DIM)
    assert isinstance(model, MutualMLP)
    assert isinstance(model, keras.Model)
    x, y = onehot_data(n=10)
    assert model.predict(x, verbose=0).shape == (10, OUTPUT_DIM)
    assert model.reconstruct(y).shape == (10, INPUT_DIM)
    assert model.reconstruct(np.eye(OUTPUT_DIM, dtype="float32")).shape == (OUTPUT_DIM, INPUT_DIM)
    assert tuple(model.negative_net.input_shape) == (None, OUTPUT_DIM)
    assert tuple(model.negative_net.output_shape) == (None, INPUT_DIM)
    # Trainable: the shared kernels once, the biases of both nets.
    assert len(model.trainable_variables) == 6
    assert len({id(v) for v in model.trainable_variables}) == 6


def test_forward_passes_match_numpy(onehot_data):
    model = build_mutual_mlp(INPUT_DIM, HIDDEN, OUTPUT_DIM)
    _randomize_biases(model)
    x, y = onehot_data(n=12)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _numpy_forward(model, x), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(model.reconstruct(y), _numpy_reconstruct(model, y), rtol=1e-5)


@pytest.mark.parametrize("hidden_units", [HIDDEN, [5, 4]])
def test_negative_kernels_are_reversed_transposed_shared_variables(hidden_units):
    model = build_mutual_mlp(INPUT_DIM, hidden_units, OUTPUT_DIM)
    positive, negative = _positive_layers(model), _negative_layers(model)
    depth = 1 if isinstance(hidden_units, int) else len(hidden_units)
    assert len(positive) == len(negative) == depth + 1
    for pos, neg in zip(reversed(positive), negative, strict=True):
        assert neg.tied_to is pos
        assert neg.tied_to.kernel is pos.kernel
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(neg.kernel), pos.kernel.numpy().T)
        assert neg.bias is not pos.bias
        assert neg.bias.shape == (pos.kernel.shape[0],)
    # Assigning to a positive kernel changes the negative net's output.
    y = np.eye(OUTPUT_DIM, dtype="float32")
    before = model.reconstruct(y)
    positive[-1].kernel.assign(positive[-1].kernel.numpy() + 0.5)
    assert not np.allclose(model.reconstruct(y), before)


def test_deep_variant_shapes_and_numerics(onehot_data):
    model = build_mutual_mlp(INPUT_DIM, [5, 4], OUTPUT_DIM)
    assert model.hidden_units == [5, 4]
    assert [layer.units for layer in _positive_layers(model)] == [5, 4, OUTPUT_DIM]
    assert [layer.units for layer in _negative_layers(model)] == [4, 5, INPUT_DIM]
    _randomize_biases(model)
    x, y = onehot_data(n=9)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _numpy_forward(model, x), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(model.reconstruct(y), _numpy_reconstruct(model, y), rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_dim": 0}, "input_dim"),
        ({"input_dim": True}, "input_dim"),
        ({"output_dim": 2.5}, "output_dim"),
        ({"hidden_units": []}, "at least one hidden layer"),
        ({"hidden_units": [5, 0]}, "hidden_units"),
        ({"l2": -1}, "l2"),
        ({"l2": "big"}, "l2"),
    ],
)
def test_bad_constructor_arguments(kwargs, match):
    args = {"input_dim": INPUT_DIM, "hidden_units": HIDDEN, "output_dim": OUTPUT_DIM}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        build_mutual_mlp(**args)


# --------------------------------------------------------------------- one exact step
def test_one_positive_step_matches_hand_computed_sgd(onehot_data):
    x, y = onehot_data(n=8)
    model = _compiled(lr=0.5, momentum=0.0)
    _randomize_biases(model)
    (w1, w2), (b1, b2), (c1, c2) = _snapshot(model).values()
    # Forward and backward of E_p = (1/s) sum ||F(x) - y||^2 by hand.
    s = len(x)
    h = _sigmoid(x @ w1 + b1)
    out = _sigmoid(h @ w2 + b2)
    dz2 = 2 * (out - y) / s * out * (1 - out)
    dz1 = (dz2 @ w2.T) * h * (1 - h)
    expected = {
        "kernels": [w1 - 0.5 * x.T @ dz1, w2 - 0.5 * h.T @ dz2],
        "positive_biases": [b1 - 0.5 * dz1.sum(0), b2 - 0.5 * dz2.sum(0)],
        "negative_biases": [c1, c2],
    }
    history = model.fit(x, y, batch_size=s, epochs=1, shuffle=False, verbose=0)
    after = _snapshot(model)
    for key, values in expected.items():
        for got, want in zip(after[key], values, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        history.history["loss"][0], np.sum((out - y) ** 2, axis=1).mean(), rtol=1e-5
    )


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_one_negative_step_matches_hand_computed_sgd(onehot_data, l2):
    x, y = onehot_data(n=8)
    model = _compiled(lr=0.5, momentum=0.0, l2=l2)
    _randomize_biases(model)
    (w1, w2), (b1, b2), (c1, c2) = _snapshot(model).values()
    # Forward and backward of E_n = (1/s) sum ||G(y) - x||^2 + l2 * sum(w^2) by hand.
    s = len(x)
    h = _sigmoid(y @ w2.T + c1)
    rec = _sigmoid(h @ w1.T + c2)
    dz2 = 2 * (rec - x) / s * rec * (1 - rec)
    dz1 = (dz2 @ w1) * h * (1 - h)
    grad_w1 = dz2.T @ h + 2 * l2 * w1
    grad_w2 = dz1.T @ y + 2 * l2 * w2
    expected = {
        "kernels": [w1 - 0.5 * grad_w1, w2 - 0.5 * grad_w2],
        "positive_biases": [b1, b2],
        "negative_biases": [c1 - 0.5 * dz1.sum(0), c2 - 0.5 * dz2.sum(0)],
    }
    history = model.fit(
        x, y, batch_size=s, epochs=1, shuffle=False, verbose=0, callbacks=[_all_negative(model)]
    )
    after = _snapshot(model)
    for key, values in expected.items():
        for got, want in zip(after[key], values, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    penalty = l2 * (np.sum(w1**2) + np.sum(w2**2))
    expected_loss = np.sum((rec - x) ** 2, axis=1).mean() + penalty
    np.testing.assert_allclose(history.history["negative_loss"][0], expected_loss, rtol=1e-5)
    np.testing.assert_allclose(history.history["loss"][0], expected_loss, rtol=1e-5)
    # F is measured (before the update), not trained, in a negative step.
    scores = _sigmoid(_sigmoid(x @ w1 + b1) @ w2 + b2)
    expected_positive = np.sum((scores - y) ** 2, axis=1).mean() + penalty
    np.testing.assert_allclose(history.history["positive_loss"][0], expected_positive, rtol=1e-5)


# ------------------------------------------------------------------------ phases
@pytest.mark.parametrize("hidden_units", [HIDDEN, [5, 4]])
def test_positive_phase_without_callbacks_leaves_negative_biases(onehot_data, hidden_units):
    x, y = onehot_data()
    model = _compiled(hidden_units=hidden_units, compile_kwargs={"metrics": ["accuracy"]})
    _randomize_biases(model)
    before = _snapshot(model)
    first_batch_reconstruction = _numpy_reconstruct(model, y[:8])
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    after = _snapshot(model)
    _assert_all_moved(before["kernels"], after["kernels"])
    _assert_all_moved(before["positive_biases"], after["positive_biases"])
    _assert_all_equal(before["negative_biases"], after["negative_biases"])
    logs = history.history
    assert all(math.isfinite(v) for v in logs["positive_loss"] + logs["accuracy"])
    np.testing.assert_allclose(logs["loss"], logs["positive_loss"], rtol=1e-6)
    # G never trained: its loss is measured once, on the first batch, and then repeated.
    seed = np.sum((first_batch_reconstruction - x[:8]) ** 2, axis=1).mean()
    np.testing.assert_allclose(logs["negative_loss"], [seed, seed], rtol=1e-5)


@pytest.mark.parametrize("hidden_units", [HIDDEN, [5, 4]])
def test_negative_phase_on_odd_epoch_leaves_positive_biases(onehot_data, hidden_units):
    x, y = onehot_data()
    model = _compiled(hidden_units=hidden_units)
    _randomize_biases(model)
    snapshots = _Snapshots()
    model.fit(
        x, y, batch_size=8, epochs=2, verbose=0, callbacks=[AlternatingDirection(), snapshots]
    )
    # Epoch 0 is positive: negative biases are held.
    first_begin, first_end = snapshots.begin[0], snapshots.end[0]
    _assert_all_moved(first_begin["positive_biases"], first_end["positive_biases"])
    _assert_all_equal(first_begin["negative_biases"], first_end["negative_biases"])
    # Epoch 1 is negative, after epoch 0 built momentum in the positive biases' slots:
    # the positive biases must still be held exactly.
    second_begin, second_end = snapshots.begin[1], snapshots.end[1]
    _assert_all_moved(second_begin["kernels"], second_end["kernels"])
    _assert_all_moved(second_begin["negative_biases"], second_end["negative_biases"])
    _assert_all_equal(second_begin["positive_biases"], second_end["positive_biases"])


def test_negative_phase_from_batch_unit_state(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    _randomize_biases(model)
    before = _snapshot(model)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[_all_negative(model)])
    after = _snapshot(model)
    _assert_all_moved(before["kernels"], after["kernels"])
    _assert_all_moved(before["negative_biases"], after["negative_biases"])
    _assert_all_equal(before["positive_biases"], after["positive_biases"])
    assert all(math.isfinite(v) for v in history.history["positive_loss"])  # F measured
    np.testing.assert_allclose(history.history["loss"], history.history["negative_loss"])
    assert int(model.mutual_step.numpy()) == 10**6 + 2 * 6


def test_negative_phase_holds_positive_biases_after_momentum_built(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    _randomize_biases(model)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)  # positive: momentum in every slot
    before = _snapshot(model)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[_all_negative(model)])
    after = _snapshot(model)
    _assert_all_equal(before["positive_biases"], after["positive_biases"])
    _assert_all_moved(before["negative_biases"], after["negative_biases"])
    # And back: a positive fit after negative training holds the negative biases.
    before = after
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    after = _snapshot(model)
    _assert_all_equal(before["negative_biases"], after["negative_biases"])
    _assert_all_moved(before["positive_biases"], after["positive_biases"])


def test_negative_loss_decreases_over_epochs(onehot_data):
    x, y = onehot_data(n=64)
    model = _compiled()
    history = model.fit(x, y, batch_size=8, epochs=6, verbose=0, callbacks=[AlternatingDirection()])
    negative = history.history["negative_loss"]
    positive = history.history["positive_loss"]
    negative_epochs = [negative[i] for i in (1, 3, 5)]
    assert negative_epochs[0] > negative_epochs[1] > negative_epochs[2]
    # An idle epoch repeats the last measured value; no NaN anywhere.
    assert negative[2] == negative[1] and negative[4] == negative[3]
    assert all(math.isfinite(v) for v in negative + positive)


def _fit_alternating_epochs(model, x, y, epochs, validation_data) -> dict:
    """History of a fit alternating positive and negative epochs, batch 8, with validation."""
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        validation_data=validation_data,
        callbacks=[AlternatingDirection()],
    )
    return history.history


def test_no_nan_in_the_logs_of_idle_phases_and_every_log_is_a_monitor(onehot_data):
    """Issue 15: epochs without a step of one phase logged NaN (KerasTuner: "All-NaN axis")."""
    x, y = onehot_data()
    model = _compiled(compile_kwargs={"metrics": ["accuracy"]})
    logs = _fit_alternating_epochs(model, x, y, epochs=4, validation_data=(x, y))
    assert {"loss", "positive_loss", "negative_loss", "accuracy", "negative_phase"} <= set(logs)
    assert logs["negative_phase"] == [0.0, 1.0, 0.0, 1.0]
    for key, values in logs.items():
        assert all(math.isfinite(v) for v in values), key
    for epoch in range(4):
        negative = epoch % 2 == 1
        phase_loss = logs["negative_loss" if negative else "positive_loss"][epoch]
        np.testing.assert_allclose(logs["loss"][epoch], phase_loss, rtol=1e-6)
    assert logs["negative_loss"][2] == logs["negative_loss"][1]  # idle: the last value
    # The model's own logs carry a direction: Keras' monitors work in mode="auto".
    monitors = [
        keras.callbacks.EarlyStopping(monitor=key, patience=10)
        for key in ("loss", "positive_loss", "negative_loss", "accuracy", "val_accuracy")
    ]
    model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=monitors)
    assert all(m.monitor_op is not None for m in monitors)


def test_batch_alternation_logs_both_phase_losses(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=2,
        verbose=0,
        callbacks=[AlternatingDirection(period=1, unit="batch")],
    )
    logs = history.history
    assert all(math.isfinite(v) for v in logs["positive_loss"] + logs["negative_loss"])
    # positive_loss measures F at all 6 steps, negative_loss G at its 3: loss mixes both.
    for epoch in range(2):
        low, high = sorted((logs["positive_loss"][epoch], logs["negative_loss"][epoch]))
        assert low - 0.1 < logs["loss"][epoch] < high + 0.1
    # The callback restores plain positive training when fit ends.
    assert int(model.direction_period_batches.numpy()) == 0
    assert int(model.negative_phase.numpy()) == 0


def test_validation_uses_the_positive_net(onehot_data):
    x, y = onehot_data()
    x_val, y_val = onehot_data(n=20, seed=1)
    model = _compiled(compile_kwargs={"metrics": ["accuracy"]})
    logs = _fit_alternating_epochs(model, x, y, epochs=2, validation_data=(x_val, y_val))
    assert {key for key in logs if key.startswith("val_")} == {"val_loss", "val_accuracy"}
    assert all(math.isfinite(v) for v in logs["val_loss"] + logs["val_accuracy"])
    # The last epoch was negative; validation still scores F(x_val) against y_val.
    predictions = model.predict(x_val, verbose=0)
    expected = np.sum((predictions - y_val) ** 2, axis=1).mean()
    np.testing.assert_allclose(logs["val_loss"][-1], expected, rtol=1e-5)
    expected_accuracy = np.mean(predictions.argmax(1) == y_val.argmax(1))
    np.testing.assert_allclose(logs["val_accuracy"][-1], expected_accuracy, rtol=1e-6)
    np.testing.assert_allclose(model.evaluate(x_val, y_val, verbose=0)[0], expected, rtol=1e-5)


def test_fit_from_tf_data_dataset(onehot_data):
    x, y = onehot_data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    model = _compiled()
    _randomize_biases(model)
    snapshots = _Snapshots()
    history = model.fit(dataset, epochs=2, verbose=0, callbacks=[AlternatingDirection(), snapshots])
    logs = history.history
    assert all(math.isfinite(v) for v in logs["positive_loss"] + logs["negative_loss"])
    np.testing.assert_allclose(logs["loss"], [logs["positive_loss"][0], logs["negative_loss"][1]])
    _assert_all_equal(snapshots.begin[1]["positive_biases"], snapshots.end[1]["positive_biases"])
    _assert_all_equal(snapshots.begin[0]["negative_biases"], snapshots.end[0]["negative_biases"])


def test_sample_weights_reach_both_phases(onehot_data):
    x, y = onehot_data(n=8)
    weights = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype="float32")
    keep = weights == 1
    ref = _compiled(lr=0.5, momentum=0.0)
    _randomize_biases(ref)
    weighted = _compiled(lr=0.5, momentum=0.0)
    weighted.set_weights(ref.get_weights())
    # Zero-weighted samples contribute nothing; "sum_over_batch_size" divides by 8, so
    # the reference sees the 4 kept samples with weight 4/8 = 0.5.
    ref.fit(
        x[keep],
        y[keep],
        sample_weight=np.full(4, 0.5, "float32"),
        batch_size=4,
        epochs=1,
        verbose=0,
        callbacks=[_all_negative(ref)],
    )
    weighted.fit(
        x,
        y,
        sample_weight=weights,
        batch_size=8,
        epochs=1,
        verbose=0,
        callbacks=[_all_negative(weighted)],
    )
    for got, want in zip(weighted.get_weights(), ref.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------ saving
@pytest.mark.parametrize("hidden_units", [HIDDEN, [5, 4]])
@pytest.mark.slow
def test_keras_save_load_round_trip(onehot_data, tmp_path, hidden_units):
    x, y = onehot_data()
    model = _compiled(
        hidden_units=hidden_units,
        l2=1e-4,
        compile_kwargs={
            "negative_loss": keras.losses.MeanAbsoluteError(name="neg_mae"),
            "metrics": ["accuracy"],
        },
    )
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[AlternatingDirection()])
    eye = np.eye(OUTPUT_DIM, dtype="float32")
    expected_predict = model.predict(x, verbose=0)
    expected_reconstruct = model.reconstruct(eye)

    path = str(tmp_path / "mutual.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, MutualMLP)
    assert loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected_predict)
    np.testing.assert_array_equal(loaded.reconstruct(eye), expected_reconstruct)

    # Training resumes identically: weights, optimizer slots and phase state were restored.
    assert int(loaded.mutual_step.numpy()) == int(model.mutual_step.numpy())
    resume = {"batch_size": 8, "epochs": 2, "shuffle": False, "verbose": 0}
    model.fit(x, y, callbacks=[AlternatingDirection()], **resume)
    loaded.fit(x, y, callbacks=[AlternatingDirection()], **resume)
    for got, want in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    expected_reconstruct = loaded.reconstruct(eye)

    # Still tied: the negative net reads the loaded positive kernels.
    for pos, neg in zip(reversed(_positive_layers(loaded)), _negative_layers(loaded), strict=True):
        assert neg.tied_to is pos
    first = _positive_layers(loaded)[0]
    first.kernel.assign(first.kernel.numpy() + 0.5)
    assert not np.allclose(loaded.reconstruct(eye), expected_reconstruct)

    # Compile config restored, the negative loss included.
    assert isinstance(loaded.optimizer, keras.optimizers.SGD)
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.2)
    assert float(loaded.optimizer.momentum) == pytest.approx(0.9)
    assert isinstance(loaded.loss, SquaredError)
    assert isinstance(loaded.negative_loss, keras.losses.MeanAbsoluteError)
    assert loaded.negative_loss.name == "neg_mae"
    history = loaded.fit(
        x, y, batch_size=8, epochs=2, verbose=0, callbacks=[AlternatingDirection()]
    )
    assert {"accuracy", "negative_loss", "positive_loss"} <= set(history.history)
    assert all(math.isfinite(v) for v in history.history["loss"])
    # The loaded negative loss is the one that trains G: MAE of G(y) against x.
    reconstruction = loaded.negative_net.predict(y, verbose=0)
    np.testing.assert_allclose(
        float(loaded.negative_loss(x, reconstruction)),
        np.mean(np.abs(reconstruction - x)),
        rtol=1e-5,
    )


def test_clone_model_of_a_compiled_model(onehot_data):
    """Issue 15: clone_model raised TypeError on the `negative_loss` compile argument."""
    x, y = onehot_data()
    model = _compiled(compile_kwargs={"negative_loss": keras.losses.MeanAbsoluteError()})
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    clone = keras.models.clone_model(model)
    assert isinstance(clone, MutualMLP) and clone.compiled
    assert isinstance(clone.negative_loss, keras.losses.MeanAbsoluteError)
    clone.set_weights(model.get_weights())
    eye = np.eye(OUTPUT_DIM, dtype="float32")
    np.testing.assert_array_equal(clone.reconstruct(eye), model.reconstruct(eye))
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_resumed_run_logs_the_idle_negative_loss_it_was_interrupted_with(
    onehot_data, tmp_path, crash_at
):
    x, y = onehot_data()

    def run(*callbacks):
        keras.utils.set_random_seed(0)
        model = _compiled()
        history = model.fit(
            x,
            y,
            batch_size=8,
            epochs=6,
            shuffle=False,
            verbose=0,
            callbacks=[AlternatingDirection(period=2), *callbacks],  # P P N N P P
        )
        return model, history.history

    straight, straight_logs = run()
    backup = str(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="simulated crash"):
        run(keras.callbacks.BackupAndRestore(backup), crash_at(4))
    resumed, resumed_logs = run(keras.callbacks.BackupAndRestore(backup))
    for got, want in zip(resumed.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    # Epochs 4 and 5 are positive: both repeat epoch 3's E_n, restored from the backup.
    assert resumed_logs["negative_loss"] == straight_logs["negative_loss"][4:]
    assert straight_logs["negative_loss"][4] == straight_logs["negative_loss"][3]
    assert resumed_logs["loss"] == straight_logs["loss"][4:]


def test_negative_loss_function_name_survives_saving(onehot_data, tmp_path):
    x, y = onehot_data()
    model = _compiled(compile_kwargs={"negative_loss": "mean_squared_error"})
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    path = str(tmp_path / "mse.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    rng = np.random.default_rng(0)
    a, b = rng.random((4, INPUT_DIM)), rng.random((4, INPUT_DIM))
    np.testing.assert_allclose(float(loaded.negative_loss(a, b)), np.mean((a - b) ** 2), rtol=1e-5)


def test_default_negative_loss_is_squared_error_after_loading(tmp_path):
    model = _compiled()
    path = str(tmp_path / "default.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.negative_loss, SquaredError)
    assert isinstance(loaded.loss, SquaredError)


# ------------------------------------------------------------------ distribution
def test_mirrored_strategy_matches_single_device(onehot_data, two_device_strategy):
    x, y = onehot_data()
    single = _compiled(l2=1e-3)
    _randomize_biases(single)
    initial = single.get_weights()
    strategy = two_device_strategy
    assert strategy.num_replicas_in_sync == 2
    with strategy.scope():
        mirrored = _compiled(l2=1e-3)
    mirrored.set_weights(initial)

    fit_args = {"batch_size": 8, "epochs": 2, "shuffle": False, "verbose": 0}
    snapshots = _Snapshots()
    mirrored_history = mirrored.fit(
        x, y, callbacks=[AlternatingDirection(), snapshots], **fit_args
    ).history
    single_history = single.fit(x, y, callbacks=[AlternatingDirection()], **fit_args).history

    assert all(math.isfinite(v) for v in mirrored_history["loss"])
    # Phase behaviour holds across replicas.
    _assert_all_equal(snapshots.begin[0]["negative_biases"], snapshots.end[0]["negative_biases"])
    _assert_all_equal(snapshots.begin[1]["positive_biases"], snapshots.end[1]["positive_biases"])
    _assert_all_moved(snapshots.begin[1]["negative_biases"], snapshots.end[1]["negative_biases"])
    # Same updates and the same logged (unscaled) losses as on one device.
    for got, want in zip(mirrored.get_weights(), single.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    for key in ("loss", "positive_loss", "negative_loss"):
        np.testing.assert_allclose(
            mirrored_history[key], single_history[key], rtol=1e-4, equal_nan=True
        )


def test_mixed_float16_policy(onehot_data):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = onehot_data()
    model = _compiled(compile_kwargs={"metrics": ["accuracy"]})
    assert model.get_layer("positive_hidden_1").compute_dtype == "float16"
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[AlternatingDirection()])
    logs = history.history
    assert math.isfinite(logs["positive_loss"][0]) and math.isfinite(logs["negative_loss"][1])
    assert all(math.isfinite(v) for v in logs["loss"])
    predictions = model.predict(x, verbose=0)
    assert predictions.dtype == np.float32
    assert np.all(np.isfinite(predictions))
    reconstruction = model.reconstruct(y)
    assert reconstruction.dtype == np.float32
    assert np.all(np.isfinite(reconstruction))
    assert all(v.dtype == "float32" for v in model.trainable_variables)


def test_steps_per_execution_gives_the_same_weights(onehot_data):
    x, y = onehot_data(n=48)
    results = []
    initial = None
    for steps in (1, 8):
        model = build_mutual_mlp(INPUT_DIM, HIDDEN, OUTPUT_DIM)
        if initial is None:
            _randomize_biases(model)
            initial = model.get_weights()
        model.set_weights(initial)
        model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9), steps_per_execution=steps)
        history = model.fit(
            x,
            y,
            batch_size=4,  # 12 steps per epoch: one execution of 8 and one of 4
            epochs=2,
            shuffle=False,
            verbose=0,
            callbacks=[AlternatingDirection(period=2, unit="batch")],
        )
        assert int(model.mutual_step.numpy()) == 24
        results.append((model.get_weights(), history.history))
    (weights_1, history_1), (weights_8, history_8) = results
    for a, b in zip(weights_1, weights_8, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    for key in ("loss", "positive_loss", "negative_loss"):
        np.testing.assert_allclose(history_1[key], history_8[key], rtol=1e-6)
        assert all(math.isfinite(v) for v in history_8[key])


# ---------------------------------------------------------------- cross-entropy
def test_cross_entropy_with_softmax(onehot_data):
    x, y = onehot_data()
    model = _compiled(
        output_activation="softmax", compile_kwargs={"loss": "categorical_crossentropy"}
    )
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)
    expected = -np.mean(np.sum(y * np.log(predictions), axis=1))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-4)
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[AlternatingDirection()])
    logs = history.history
    assert logs["positive_loss"][2] < logs["positive_loss"][0]
    assert math.isfinite(logs["negative_loss"][1])
    # The negative net still uses the squared error (and a sigmoid reconstruction).
    assert isinstance(model.negative_loss, SquaredError)


# ---------------------------------------------------------------------- input errors
def test_integer_labels_are_rejected(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    with pytest.raises(ValueError, match="one-hot"):
        model.fit(x, y.argmax(axis=1), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="one-hot"):
        model.evaluate(x, y.argmax(axis=1), verbose=0)


def test_labels_outside_unit_interval_are_rejected(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    with pytest.raises(ValueError, match="one-hot"):
        model.fit(x, 2 * y, epochs=1, verbose=0)


def test_wrong_label_width_is_rejected(onehot_data):
    x, _ = onehot_data()
    _, y4 = onehot_data(output_dim=4)
    model = _compiled()
    with pytest.raises(ValueError, match=r"\(num_samples, 3\).*\(48, 4\)"):
        model.fit(x, y4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"reconstruct y.*\(num_samples, 3\)"):
        model.reconstruct(np.eye(4, dtype="float32"))


def test_wrong_input_width_is_rejected(onehot_data):
    x, y = onehot_data(input_dim=7)
    model = _compiled()
    with pytest.raises(ValueError, match=r"fit x.*\(num_samples, 6\).*\(48, 7\)"):
        model.fit(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"predict x.*\(num_samples, 6\)"):
        model.predict(x, verbose=0)
    with pytest.raises(ValueError, match=r"validation x.*\(num_samples, 6\)"):
        model.fit(*onehot_data(), validation_data=(x, y), epochs=1, verbose=0)


def test_nan_inputs_are_rejected(onehot_data):
    x, y = onehot_data()
    x[3, 2] = np.nan
    x[5, 0] = np.inf
    model = _compiled()
    with pytest.raises(ValueError, match="2 NaN or infinite"):
        model.fit(x, y, epochs=1, verbose=0)


def test_unscaled_inputs_are_rejected_with_sigmoid_reconstruction(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    with pytest.raises(ValueError, match=r"must lie in \[0.0, 1.0\].*sigmoid"):
        model.fit(x * 5.0, y, epochs=1, verbose=0)
    # A linear reconstruction accepts any scale.
    linear = _compiled(reconstruction_activation=None)
    history = linear.fit(
        x * 5.0 - 1.0, y, batch_size=8, epochs=2, verbose=0, callbacks=[AlternatingDirection()]
    )
    assert math.isfinite(history.history["negative_loss"][1])


def test_dataset_with_wrong_widths_is_rejected(onehot_data):
    x, y = onehot_data()
    model = _compiled()
    bad_x = tf.data.Dataset.from_tensor_slices((x[:, :5], y)).batch(8)
    with pytest.raises(ValueError, match=r"fit x.*\(batch, 6\)"):
        model.fit(bad_x, epochs=1, verbose=0)
    bad_y = tf.data.Dataset.from_tensor_slices((x, y[:, :2])).batch(8)
    with pytest.raises(ValueError, match=r"fit y.*\(num_samples, 3\)"):
        model.fit(bad_y, epochs=1, verbose=0)
