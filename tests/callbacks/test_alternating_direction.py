import math

import keras
import numpy as np
import pytest

from mlzoo.callbacks import AlternatingDirection


def _trained_phases(logs):
    """Per epoch: 1 if it trained G (its loss is E_n), 0 if it trained F (its loss is E_p)."""
    triples = zip(logs["loss"], logs["negative_loss"], logs["positive_loss"], strict=True)
    return [int(loss == negative != positive) for loss, negative, positive in triples]


@pytest.mark.parametrize(
    "period, epochs, expected",
    [(1, 4, [0, 1, 0, 1]), (2, 6, [0, 0, 1, 1, 0, 0]), (3, 7, [0, 0, 0, 1, 1, 1, 0])],
)
def test_epoch_schedule(onehot_data, mutual_model, period, epochs, expected):
    x, y = onehot_data()
    model = mutual_model()
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=epochs,
        verbose=0,
        callbacks=[AlternatingDirection(period=period)],
    )
    logs = history.history
    assert logs["negative_phase"] == expected
    # The logged phase is the phase actually trained.
    assert _trained_phases(logs) == expected


def test_schedule_is_a_function_of_the_epoch_index(onehot_data, mutual_model):
    x, y = onehot_data()
    model = mutual_model()
    history = model.fit(
        x,
        y,
        batch_size=16,
        initial_epoch=3,
        epochs=6,
        verbose=0,
        callbacks=[AlternatingDirection()],
    )
    assert history.history["negative_phase"] == [1, 0, 1]


def test_train_end_restores_positive_training(onehot_data, mutual_model):
    x, y = onehot_data()
    model = mutual_model()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[AlternatingDirection()])
    assert int(model.negative_phase.numpy()) == 0
    assert int(model.direction_period_batches.numpy()) == 0
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert _trained_phases(history.history) == [0]


@pytest.mark.parametrize("period", [1, 2])
def test_batch_unit(onehot_data, mutual_model, period):
    x, y = onehot_data(n=48)
    model = mutual_model()
    seen = []

    class _PhasePerBatch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(bool(keras.ops.convert_to_numpy(self.model.is_negative_step())))

    history = model.fit(
        x,
        y,
        batch_size=8,  # 6 steps per epoch
        epochs=2,
        verbose=0,
        callbacks=[AlternatingDirection(period=period, unit="batch"), _PhasePerBatch()],
    )
    expected = [(step // period) % 2 == 1 for step in range(12)]
    assert seen == expected
    assert int(model.mutual_step.numpy()) == 12
    assert int(model.direction_period_batches.numpy()) == 0  # reset at train end
    logs = history.history
    assert "negative_phase" not in logs
    assert all(math.isfinite(v) for v in logs["positive_loss"] + logs["negative_loss"])


def test_is_negative_step_reads_the_phase_variables(mutual_model):
    model = mutual_model()
    assert not bool(model.is_negative_step())
    model.negative_phase.assign(1)
    assert bool(model.is_negative_step())
    model.mutual_learning.assign(0)
    assert not bool(model.is_negative_step())
    model.mutual_learning.assign(1)
    model.negative_phase.assign(0)
    model.direction_period_batches.assign(3)
    steps = {}
    for step in range(8):
        model.mutual_step.assign(step)
        steps[step] = bool(model.is_negative_step())
    assert [steps[s] for s in range(8)] == [False] * 3 + [True] * 3 + [False] * 2


@pytest.mark.parametrize("period", [0, -1, 1.5, True, "2"])
def test_bad_period(period):
    with pytest.raises(ValueError, match="period"):
        AlternatingDirection(period=period)


@pytest.mark.parametrize("unit", ["step", "epochs", None])
def test_bad_unit(unit):
    with pytest.raises(ValueError, match="unit"):
        AlternatingDirection(unit=unit)


def test_plain_keras_model_is_rejected(onehot_data):
    x, y = onehot_data()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="negative_phase"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[AlternatingDirection()])


def test_get_config():
    callback = AlternatingDirection(period=3, unit="batch")
    assert callback.get_config() == {"period": 3, "unit": "batch"}
    clone = AlternatingDirection(**callback.get_config())
    assert (clone.period, clone.unit) == (3, "batch")


def test_epoch_unit_matches_manual_phase_setting(onehot_data, mutual_model):
    # Two epochs with the callback == one positive fit then one fit with the phase set by hand.
    x, y = onehot_data()
    with_callback = mutual_model()
    manual = mutual_model()
    manual.set_weights(with_callback.get_weights())
    run = {"batch_size": 8, "shuffle": False, "verbose": 0}
    with_callback.fit(x, y, epochs=2, callbacks=[AlternatingDirection()], **run)
    manual.fit(x, y, epochs=1, **run)
    manual.negative_phase.assign(1)
    manual.fit(x, y, epochs=1, **run)
    pairs = zip(with_callback.trainable_variables, manual.trainable_variables, strict=True)
    for a, b in pairs:
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
