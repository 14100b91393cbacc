import keras
import numpy as np
import pytest

from mlzoo.callbacks import AlternatingDirection, ConversionRateScheduler


@pytest.mark.parametrize(
    "rate, total_epochs, conversion_epoch",
    [(0.1, 100, 10), (0.0, 10, 0), (1.0, 7, 7), (0.5, 4, 2), (0.3, 10, 3), (2 / 11, 110, 20)]
    + [(0.5, 5, 3), (0.5, 9, 5)],  # halves round up
)
def test_conversion_epoch(rate, total_epochs, conversion_epoch):
    scheduler = ConversionRateScheduler(rate, total_epochs)
    assert scheduler.conversion_epoch == conversion_epoch
    assert scheduler.get_config() == {"rate": float(rate), "total_epochs": total_epochs}


@pytest.mark.parametrize("rate", [-0.01, 1.01, 2, True, None])
def test_rate_outside_unit_interval(rate):
    with pytest.raises(ValueError, match="rate"):
        ConversionRateScheduler(rate, 10)


@pytest.mark.parametrize("total_epochs", [0, -5, 2.0])
def test_bad_total_epochs(total_epochs):
    with pytest.raises(ValueError, match="total_epochs"):
        ConversionRateScheduler(0.5, total_epochs)


def _trained_phases(logs):
    """Per epoch: 1 if it trained G (its loss is E_n), 0 if it trained F (its loss is E_p)."""
    triples = zip(logs["loss"], logs["negative_loss"], logs["positive_loss"], strict=True)
    return [int(loss == negative != positive) for loss, negative, positive in triples]


def test_mutual_learning_then_positive(onehot_data, mutual_model):
    x, y = onehot_data()
    model = mutual_model()
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=6,
        verbose=0,
        callbacks=[AlternatingDirection(), ConversionRateScheduler(0.5, 6)],
    )
    logs = history.history
    assert logs["mutual_learning"] == [1, 1, 1, 0, 0, 0]
    # Only epoch 1 is negative: epoch 3 would be, but it comes after the conversion.
    assert _trained_phases(logs) == [0, 1, 0, 0, 0, 0]
    # Back to the default (mutual learning allowed) after fit.
    assert int(model.mutual_learning.numpy()) == 1


def test_rate_zero_blocks_every_negative_step(onehot_data, mutual_model):
    x, y = onehot_data()
    model = mutual_model()
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=3,
        verbose=0,
        callbacks=[AlternatingDirection(period=1, unit="batch"), ConversionRateScheduler(0, 3)],
    )
    assert history.history["mutual_learning"] == [0, 0, 0]
    np.testing.assert_array_equal(history.history["loss"], history.history["positive_loss"])


def test_rate_one_keeps_mutual_learning(onehot_data, mutual_model):
    x, y = onehot_data()
    model = mutual_model()
    history = model.fit(
        x,
        y,
        batch_size=16,
        epochs=4,
        verbose=0,
        callbacks=[AlternatingDirection(), ConversionRateScheduler(1.0, 4)],
    )
    assert history.history["mutual_learning"] == [1, 1, 1, 1]
    assert _trained_phases(history.history) == [0, 1] * 2


def test_total_epochs_other_than_fit_epochs_is_an_error(onehot_data, mutual_model):
    """Issue 15: a schedule built for 10 epochs silently ran a wrong plan in a 6-epoch fit."""
    x, y = onehot_data()
    model = mutual_model()
    with pytest.raises(ValueError, match=r"total_epochs=10, but fit runs epochs=6"):
        model.fit(x, y, epochs=6, verbose=0, callbacks=[ConversionRateScheduler(0.5, 10)])


def test_plain_keras_model_is_rejected(onehot_data):
    x, y = onehot_data()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="mutual_learning"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[ConversionRateScheduler(0.5, 1)])
