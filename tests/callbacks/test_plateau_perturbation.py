import keras
import numpy as np
import pytest

from mlzoo.callbacks.plateau_perturbation import PlateauPerturbation


def _model(units=200, inputs=100):
    model = keras.Sequential(
        [keras.Input((inputs,)), keras.layers.Dense(units), keras.layers.Dense(1)]
    )
    # Distinct scales per tensor, so "relative" noise is checked tensor by tensor.
    model.set_weights(
        [w + scale for w, scale in zip(model.get_weights(), [0.0, 0.5, 0.0, 2.0], strict=True)]
    )
    return model


def _drive(callback, model, values, monitor="loss"):
    """Feed `values` as consecutive epoch logs; return the weights after each epoch."""
    callback.set_model(model)
    callback.on_train_begin()
    snapshots = []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        assert logs["perturbations"] == callback.perturbations
        snapshots.append([w.copy() for w in model.get_weights()])
    return snapshots


def _changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def test_fires_after_patience_epochs_on_a_plateau_and_not_while_improving():
    model = _model()
    start = model.get_weights()
    callback = PlateauPerturbation(patience=3, min_delta=0.01, seed=0)
    # improving by more than min_delta every epoch: never fires
    snapshots = _drive(callback, model, [1.0 - 0.05 * k for k in range(12)])
    assert callback.perturbations == 0 and not _changed(start, snapshots[-1])
    # best at epoch 0, then changes below min_delta: fires at the 3rd epoch without improvement
    snapshots = _drive(callback, model, [1.0, 0.995, 1.0, 0.999, 0.998])
    assert [e for e, action, _ in callback.events] == [3]
    assert not _changed(start, snapshots[2]) and _changed(start, snapshots[3])


def test_mode_max_and_a_missing_monitor():
    model = _model(units=4, inputs=3)
    callback = PlateauPerturbation("accuracy", patience=2, mode="max", seed=0)
    _drive(callback, model, [0.5, 0.6, 0.7, 0.8], monitor="accuracy")
    assert callback.perturbations == 0
    _drive(callback, model, [0.8, 0.8, 0.7], monitor="accuracy")
    assert callback.perturbations == 1
    with pytest.raises(KeyError, match="'val_loss'.*not in the logs"):
        _drive(PlateauPerturbation("val_loss"), model, [1.0])


@pytest.mark.parametrize("noise", ["relative", "absolute"])
def test_noise_has_the_configured_scale_per_tensor(noise):
    model = _model()
    before = model.get_weights()
    callback = PlateauPerturbation(patience=1, scale=0.3, noise=noise, seed=1)
    _drive(callback, model, [1.0, 1.0])
    after = model.get_weights()
    for old, new in zip(before, after, strict=True):
        delta = new - old
        expected = 0.3 * (
            np.sqrt(np.mean(old.astype("float64") ** 2)) if noise == "relative" else 1
        )
        if old.size >= 100:  # enough entries for the sample std to be within a few percent
            assert np.std(delta) == pytest.approx(expected, rel=0.1)
            assert abs(np.mean(delta)) < 0.3 * expected
        else:  # the one-element output bias (2.0): one draw of N(0, expected^2)
            assert 0 < abs(delta.item()) < 5 * expected


def test_decay_anneals_the_scale_and_max_perturbations_caps_them():
    model = _model()
    callback = PlateauPerturbation(patience=1, scale=0.5, decay=0.5, max_perturbations=3, seed=0)
    _drive(callback, model, [1.0] * 12)
    assert callback.perturbations == 3
    assert [factor for _, _, factor in callback.events] == [0.5, 0.25, 0.125]
    assert [epoch for epoch, _, _ in callback.events] == [1, 3, 5]


def test_revert_if_worse_restores_the_weights_before_the_perturbation():
    model = _model(units=8, inputs=4)
    callback = PlateauPerturbation(patience=1, scale=0.5, revert_after=2, seed=0)
    snapshots = _drive(callback, model, [1.0, 1.0, 0.9, 1.2])
    # epoch 1: perturbation; epoch 3 (2 epochs later): 1.2 is worse than 1.0 -> revert
    assert [action for _, action, _ in callback.events] == ["perturb", "revert"]
    assert _changed(snapshots[0], snapshots[1])
    for got, want in zip(snapshots[3], snapshots[0], strict=True):
        np.testing.assert_array_equal(got, want)
    assert callback.best == 1.0


def test_a_better_point_is_kept():
    model = _model(units=8, inputs=4)
    callback = PlateauPerturbation(patience=1, scale=0.5, revert_after=2, seed=0)
    snapshots = _drive(callback, model, [1.0, 1.0, 1.3, 0.8])
    assert [action for _, action, _ in callback.events] == ["perturb", "keep"]
    for got, want in zip(snapshots[3], snapshots[1], strict=True):
        np.testing.assert_array_equal(got, want)
    assert callback.best == 0.8


def test_the_same_seed_gives_the_same_perturbation():
    results = []
    for seed in (7, 7, 8):
        keras.utils.set_random_seed(0)
        model = _model(units=8, inputs=4)
        _drive(PlateauPerturbation(patience=1, seed=seed), model, [1.0, 1.0])
        results.append(model.get_weights())
    for a, b in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert _changed(results[0], results[2])


def test_get_config_round_trip():
    callback = PlateauPerturbation("val_loss", 4, 0.01, "min", 0.2, "absolute", 0.9, 3, 5, 11)
    clone = PlateauPerturbation(**callback.get_config())
    assert clone.get_config() == callback.get_config()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"patience": 0}, ValueError, "patience"),
        ({"patience": 1.5}, ValueError, "patience"),
        ({"scale": 0}, ValueError, "scale=0"),
        ({"scale": float("nan")}, ValueError, "scale"),
        ({"noise": "gaussian"}, ValueError, "noise='gaussian'"),
        ({"decay": 1.5}, ValueError, r"decay.*\(0, 1\]"),
        ({"min_delta": -1}, ValueError, "min_delta"),
        ({"mode": "auto"}, ValueError, "mode='auto'"),
        ({"revert_after": 0}, ValueError, "revert_after"),
        ({"max_perturbations": -1}, ValueError, "max_perturbations"),
        ({"seed": "a"}, TypeError, "seed"),
        ({"monitor": ""}, ValueError, "monitor"),
    ],
)
def test_clear_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        PlateauPerturbation(**kwargs)


def _fit_frozen(model, x, y, callback, spe=1, epochs=4):
    """SGD with rate 0: the loss is flat, so only the callback can move the weights.

    The batches come in one order, so every epoch sums its loss in the same order: equal.
    """
    model.compile(keras.optimizers.SGD(0.0), loss="mse", steps_per_execution=spe)
    start = model.get_weights()
    history = model.fit(
        x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0, callbacks=[callback]
    )
    return start, history.history


@pytest.mark.parametrize("spe", [1, 32])
def test_fires_inside_fit_with_steps_per_execution(onehot_data, spe):
    x, y = onehot_data(n=64)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5), keras.layers.Dense(3)])
    callback = PlateauPerturbation(patience=2, scale=0.1, seed=0)
    start, history = _fit_frozen(model, x, y, callback, spe=spe)
    # flat loss: best at epoch 0, no improvement at epochs 1 and 2 -> perturbation at epoch 2
    assert history["perturbations"] == [0, 0, 1, 1]
    assert history["loss"][3] != pytest.approx(history["loss"][2], abs=1e-7)
    assert _changed(start, model.get_weights())


def test_works_under_mirrored_strategy(onehot_data, two_device_strategy):
    x, y = onehot_data(n=64)
    with two_device_strategy.scope():
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5), keras.layers.Dense(3)])
    callback = PlateauPerturbation(patience=1, scale=0.1, revert_after=1, seed=0)
    # steps_per_execution > 1 under MirroredStrategy fails in Keras 3.15 itself, with or without
    # callbacks (keras-team/keras#19246), so this run uses one step per execution.
    start, history = _fit_frozen(model, x, y, callback, epochs=3)
    assert [action for _, action, _ in callback.events][:1] == ["perturb"]
    assert history["perturbations"][1] == 1
    if [action for _, action, _ in callback.events] == ["perturb", "revert"]:
        for got, want in zip(model.get_weights(), start, strict=True):
            np.testing.assert_array_equal(got, want)
    # every replica computes with the assigned values: a distributed predict (the batch split
    # over both replicas) matches a forward pass with the weights read back
    kernel, bias, kernel_2, bias_2 = model.get_weights()
    np.testing.assert_allclose(
        model.predict(x, batch_size=64, verbose=0),
        (x @ kernel + bias) @ kernel_2 + bias_2,
        rtol=1e-5,
        atol=1e-5,
    )


def test_works_with_mixed_precision(onehot_data):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = onehot_data(n=32)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5), keras.layers.Dense(3)])
    start, history = _fit_frozen(model, x, y, PlateauPerturbation(patience=1, seed=0), epochs=2)
    assert history["perturbations"] == [0, 1]
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert _changed(start, model.get_weights())
