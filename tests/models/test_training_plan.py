import math

import keras
import pytest

from mlzoo import build_mutual_mlp
from mlzoo.callbacks import AlternatingDirection, ConversionRateScheduler
from mlzoo.models.mutual import MODES, TrainingPlan, training_plan


@pytest.mark.parametrize(
    "mode, mutual, positive, epochs, time_factor",
    [
        ("STD-PL", 0, 100, 100, 1.0),
        ("EP-ML", 50, 0, 100, 1.0),
        ("EPT-ML", 10, 80, 100, 1.0),
        ("EI-ML", 100, 0, 200, 2.0),
        ("EIT-ML", 10, 90, 110, 1.1),
    ],
)
def test_table_1_counts(mode, mutual, positive, epochs, time_factor):
    plan = training_plan(mode, K=100, rate=0.1)
    assert isinstance(plan, TrainingPlan)
    assert plan.mode == mode
    assert plan.mutual_iterations == mutual
    assert plan.positive_iterations == positive
    assert plan.epochs == epochs
    assert plan.learning_processes == epochs
    assert plan.epochs == 2 * mutual + positive
    assert plan.time_factor == pytest.approx(time_factor)


def test_modes_constant():
    assert MODES == ("STD-PL", "EP-ML", "EPT-ML", "EI-ML", "EIT-ML")


def test_paper_mnist_ept_ml_example():
    plan = training_plan("EPT-ML", K=1000, rate=0.05)
    assert (plan.mutual_iterations, plan.positive_iterations, plan.epochs) == (50, 900, 1000)
    assert plan.time_factor == pytest.approx(1.0)


@pytest.mark.parametrize("K, mutual, positive", [(101, 50, 1), (7, 3, 1), (1, 0, 1)])
def test_odd_K_for_ep_ml(K, mutual, positive):
    plan = training_plan("EP-ML", K=K)
    assert (plan.mutual_iterations, plan.positive_iterations, plan.epochs) == (
        mutual,
        positive,
        K,
    )


@pytest.mark.parametrize(
    "mode, K, rate, mutual, positive",
    [
        ("EPT-ML", 5, 0.5, 2, 1),  # 2.5 iterations would need 5 + 1 epochs: capped at K // 2
        ("EPT-ML", 7, 0.5, 3, 1),
        ("EPT-ML", 10, 0.25, 3, 4),  # 2.5 rounds half up
        ("EIT-ML", 10, 0.25, 3, 7),
        ("EIT-ML", 10, 0.05, 1, 9),
    ],
)
def test_fractional_iterations_round_half_up_within_budget(mode, K, rate, mutual, positive):
    plan = training_plan(mode, K=K, rate=rate)
    assert (plan.mutual_iterations, plan.positive_iterations) == (mutual, positive)
    assert plan.positive_iterations >= 0
    assert plan.callbacks[-1].conversion_epoch == 2 * mutual


def test_std_bp_alias_and_case_insensitive():
    plan = training_plan("STD-BP", K=20)
    assert plan.mode == "STD-PL"
    assert (plan.mutual_iterations, plan.positive_iterations, plan.epochs) == (0, 20, 20)
    assert training_plan("ept-ml", K=100, rate=0.1).mode == "EPT-ML"


def test_callbacks_of_each_mode():
    std = training_plan("STD-PL", K=10)
    assert not any(isinstance(cb, AlternatingDirection) for cb in std.callbacks)
    ei = training_plan("EI-ML", K=10)
    (direction,) = [cb for cb in ei.callbacks if isinstance(cb, AlternatingDirection)]
    assert (direction.period, direction.unit) == (1, "epoch")
    eit = training_plan("EIT-ML", K=100, rate=0.1)
    (scheduler,) = [cb for cb in eit.callbacks if isinstance(cb, ConversionRateScheduler)]
    assert scheduler.total_epochs == 110
    assert scheduler.conversion_epoch == 20
    # Fresh callback instances per plan (callbacks hold a model reference).
    assert training_plan("EI-ML", K=10).callbacks[0] is not ei.callbacks[0]


@pytest.mark.parametrize("mode", ["SGD", "", "EPTML", None])
def test_bad_mode(mode):
    with pytest.raises(ValueError, match="`mode` must be one of"):
        training_plan(mode, K=10)


def test_ept_ml_rate_above_half():
    with pytest.raises(ValueError, match=r"rate.*\[0.0, 0.5\]"):
        training_plan("EPT-ML", K=100, rate=0.6)
    # Other modes accept it.
    assert training_plan("EIT-ML", K=100, rate=0.6).mutual_iterations == 60


@pytest.mark.parametrize("rate", [-0.1, 1.5, True, "0.1"])
def test_rate_outside_unit_interval(rate):
    with pytest.raises(ValueError, match="rate"):
        training_plan("EIT-ML", K=100, rate=rate)


@pytest.mark.parametrize("K", [0, -3, 2.5])
def test_bad_K(K):
    with pytest.raises(ValueError, match="`K`"):
        training_plan("EI-ML", K=K)


def _trained_phases(logs):
    """Per epoch: 1 if it trained G (its loss is E_n), 0 if it trained F (its loss is E_p)."""
    triples = zip(logs["loss"], logs["negative_loss"], logs["positive_loss"], strict=True)
    return [int(loss == negative != positive) for loss, negative, positive in triples]


def _fit_plan(plan, data):
    x, y = data
    model = build_mutual_mlp(6, 5, 3)
    model.compile(optimizer=keras.optimizers.SGD(0.2, momentum=0.9))
    history = model.fit(
        x, y, batch_size=16, epochs=plan.epochs, verbose=0, callbacks=plan.callbacks
    )
    return model, history.history


def test_ept_ml_plan_drives_the_phases_over_fit(onehot_data):
    plan = training_plan("EPT-ML", K=10, rate=0.2)
    assert (plan.mutual_iterations, plan.positive_iterations, plan.epochs) == (2, 6, 10)
    model, logs = _fit_plan(plan, onehot_data(n=48))
    assert logs["mutual_learning"] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    # Negative steps happen exactly in epochs 1 and 3.
    assert _trained_phases(logs) == [0, 1, 0, 1, 0, 0, 0, 0, 0, 0]
    assert all(math.isfinite(v) for v in logs["negative_loss"] + logs["positive_loss"])
    # The callbacks leave the model in plain positive training after fit.
    assert int(model.mutual_learning.numpy()) == 1
    assert int(model.negative_phase.numpy()) == 0
    # The logged phase is the phase the epoch trained in: positive after the conversion.
    assert logs["negative_phase"] == [0, 1, 0, 1, 0, 0, 0, 0, 0, 0], (
        "negative_phase logs 1 in epochs that trained positively after the conversion"
    )


def test_ei_ml_and_std_pl_plans_over_fit(onehot_data):
    data = onehot_data(n=48)
    _, ei_logs = _fit_plan(training_plan("EI-ML", K=2), data)
    assert ei_logs["negative_phase"] == [0, 1, 0, 1]
    assert ei_logs["mutual_learning"] == [1, 1, 1, 1]
    assert _trained_phases(ei_logs) == [0, 1, 0, 1]
    _, std_logs = _fit_plan(training_plan("STD-PL", K=3), data)
    assert "negative_phase" not in std_logs
    assert std_logs["mutual_learning"] == [0, 0, 0]
    assert _trained_phases(std_logs) == [0, 0, 0]
    assert all(math.isfinite(v) for v in std_logs["negative_loss"] + std_logs["positive_loss"])
