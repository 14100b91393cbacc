import keras
import numpy as np
import pytest

from mlzoo import build_mutual_mlp
from mlzoo.callbacks import AlternatingDirection, LRShrink, shrink_counts

K = 30
SCALE = 2 / 3

# Algorithm 1 by hand for K=30, ScaleIndex=ScaleLr=2/3, ChangeTimes=4:
# ChangeIndex=20; i=21 > 20 -> shrink, ChangeIndex = 21 + 2/3 * 9 = 27;
# i=28 > 27 -> shrink, ChangeIndex = 28 + 2/3 * 2 = 29.33; i=30 > 29.33 -> shrink.
EXPECTED_RATES = [0.2] * 20 + [0.2 * SCALE] * 7 + [0.2 * SCALE**2] * 2 + [0.2 * SCALE**3]


def test_hand_computed_sequence():
    assert len(EXPECTED_RATES) == K
    callback = LRShrink(SCALE, SCALE, change_times=4, total_epochs=K)
    np.testing.assert_allclose(callback.learning_rates(0.2), EXPECTED_RATES, rtol=1e-12)
    assert shrink_counts(K, SCALE, 4) == [0] * 20 + [1] * 7 + [2] * 2 + [3]


def test_change_times_caps_the_shrinks():
    one = LRShrink(SCALE, SCALE, change_times=1, total_epochs=K)
    np.testing.assert_allclose(one.learning_rates(0.2), [0.2] * 20 + [0.2 * SCALE] * 10)
    none = LRShrink(SCALE, SCALE, change_times=0, total_epochs=K)
    np.testing.assert_allclose(none.learning_rates(0.2), [0.2] * K)
    two = LRShrink(SCALE, SCALE, change_times=2, total_epochs=K)
    np.testing.assert_allclose(
        two.learning_rates(0.2), [0.2] * 20 + [0.2 * SCALE] * 7 + [0.2 * SCALE**2] * 3
    )


def test_image_setting_halves():
    # ScaleIndex = ScaleLr = 1/2, K=16: ChangeIndex 8; i=9 -> 9 + 3.5 = 12.5; i=13 -> 14.5;
    # i=15 -> 15.5; i=16 -> 16.
    assert shrink_counts(16, 0.5, 8) == [0] * 8 + [1] * 4 + [2] * 2 + [3] + [4]


def _fit_with_shrink(data, callbacks, epochs=K, initial_epoch=0, model=None):
    x, y = data
    if model is None:
        model = build_mutual_mlp(6, 5, 3)
        model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
    history = model.fit(
        x,
        y,
        batch_size=len(x),
        epochs=epochs,
        initial_epoch=initial_epoch,
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )
    return model, history.history


def test_per_epoch_learning_rate_log(onehot_data):
    callback = LRShrink(SCALE, SCALE, change_times=4, total_epochs=K)
    model, logs = _fit_with_shrink(onehot_data(n=40), [callback])
    np.testing.assert_allclose(logs["learning_rate"], EXPECTED_RATES, rtol=1e-6)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.2 * SCALE**3, rtol=1e-6)


def test_per_epoch_log_with_change_times_one(onehot_data):
    callback = LRShrink(SCALE, SCALE, change_times=1, total_epochs=K)
    _, logs = _fit_with_shrink(onehot_data(n=40), [callback])
    np.testing.assert_allclose(logs["learning_rate"], [0.2] * 20 + [0.2 * SCALE] * 10, rtol=1e-6)


def test_explicit_initial_learning_rate_overrides_optimizer(onehot_data):
    callback = LRShrink(0.5, 0.1, change_times=1, total_epochs=4, initial_learning_rate=0.05)
    _, logs = _fit_with_shrink(onehot_data(n=40), [callback], epochs=4)
    np.testing.assert_allclose(logs["learning_rate"], [0.05, 0.05, 0.005, 0.005], rtol=1e-6)


def _callbacks(backup_dir, recorder):
    # Fresh instances for every run, as after a restart of the process.
    return [
        keras.callbacks.BackupAndRestore(str(backup_dir)),
        AlternatingDirection(),
        LRShrink(SCALE, SCALE, change_times=4, total_epochs=K),
        recorder,
    ]


@pytest.mark.parametrize("interrupt_at", [24, 28])
@pytest.mark.slow
def test_interrupt_and_resume_with_backup_and_restore(
    onehot_data, tmp_path, epoch_log_recorder, crash_at, interrupt_at
):
    data = onehot_data(n=40)
    reference = build_mutual_mlp(6, 5, 3)
    initial = reference.get_weights()
    reference.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
    straight = epoch_log_recorder()
    _fit_with_shrink(data, _callbacks(tmp_path / "straight", straight), model=reference)

    interrupted = epoch_log_recorder()
    first = build_mutual_mlp(6, 5, 3)
    first.set_weights(initial)
    first.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
    with pytest.raises(RuntimeError, match="simulated crash"):
        _fit_with_shrink(
            data,
            _callbacks(tmp_path / "backup", interrupted) + [crash_at(interrupt_at)],
            model=first,
        )
    assert sorted(interrupted.logs) == list(range(interrupt_at))

    # A new process: a fresh model compiled with the original rate, fresh callbacks.
    resumed_model = build_mutual_mlp(6, 5, 3)
    resumed_model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
    _fit_with_shrink(data, _callbacks(tmp_path / "backup", interrupted), model=resumed_model)
    assert sorted(interrupted.logs) == list(range(K))

    for key in ("learning_rate", "negative_phase"):
        straight_values = [straight.logs[e][key] for e in range(K)]
        resumed_values = [interrupted.logs[e][key] for e in range(K)]
        np.testing.assert_allclose(resumed_values, straight_values, rtol=1e-6, err_msg=key)
    np.testing.assert_allclose(
        [straight.logs[e]["learning_rate"] for e in range(K)], EXPECTED_RATES, rtol=1e-6
    )
    assert [straight.logs[e]["negative_phase"] for e in range(K)] == [e % 2 for e in range(K)]
    # The resumed run continues the same trajectory.
    for got, want in zip(
        resumed_model.trainable_variables, reference.trainable_variables, strict=True
    ):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scale_index": 0}, "scale_index"),
        ({"scale_index": 1}, "scale_index"),
        ({"scale_lr": 0}, "scale_lr"),
        ({"scale_lr": 1.5}, "scale_lr"),
        ({"change_times": -1}, "change_times"),
        ({"change_times": 1.5}, "change_times"),
        ({"change_times": True}, "change_times"),
        ({"total_epochs": 0}, "total_epochs"),
        ({"initial_learning_rate": 0.0}, "initial_learning_rate"),
        ({"initial_learning_rate": -0.1}, "initial_learning_rate"),
    ],
)
def test_bad_arguments(kwargs, match):
    args = {"scale_index": SCALE, "scale_lr": SCALE, "change_times": 4, "total_epochs": K}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        LRShrink(**args)


def test_scale_lr_one_is_allowed():
    callback = LRShrink(0.5, 1.0, change_times=3, total_epochs=10)
    np.testing.assert_allclose(callback.learning_rates(0.1), [0.1] * 10)


def test_learning_rate_schedule_optimizer_is_rejected(onehot_data):
    x, y = onehot_data(n=40)
    model = build_mutual_mlp(6, 5, 3)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=10, decay_rate=0.9)
    model.compile(optimizer=keras.optimizers.SGD(schedule))
    with pytest.raises(ValueError, match="LearningRateSchedule"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[LRShrink(0.5, 0.5, 1, total_epochs=2)])


def test_total_epochs_other_than_fit_epochs_is_an_error(onehot_data):
    """Issue 15: K=30 in a 20-epoch fit silently shrank at the wrong epochs."""
    callback = LRShrink(SCALE, SCALE, change_times=4, total_epochs=K)
    with pytest.raises(ValueError, match=rf"total_epochs={K}, but fit runs epochs=20"):
        _fit_with_shrink(onehot_data(n=40), [callback], epochs=20)


def test_get_config():
    callback = LRShrink(0.5, 0.25, 3, total_epochs=12, initial_learning_rate=0.1)
    config = callback.get_config()
    assert config == {
        "scale_index": 0.5,
        "scale_lr": 0.25,
        "change_times": 3,
        "total_epochs": 12,
        "initial_learning_rate": 0.1,
    }
    np.testing.assert_allclose(LRShrink(**config).learning_rates(0.1), callback.learning_rates(0.1))
