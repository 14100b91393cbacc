import keras_tuner
import numpy as np
import pytest

from mlzoo import JointMLP
from mlzoo.tuning import JointMLPHyperModel


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    x = np.clip(np.eye(3)[labels] @ rng.random((3, 6)) + 0.1 * rng.random((n, 6)), 0, 1)
    return x.astype("float32"), np.eye(3, dtype="float32")[labels]


@pytest.mark.parametrize(
    "rule, spaces",
    [
        ("fixed", {"rule", "hidden_units", "learning_rate"}),
        ("infomax", {"rule", "ip_rate", "hidden_units", "learning_rate"}),
        ("triesch", {"rule", "ip_rate", "target_mean", "hidden_units", "learning_rate"}),
    ],
)
def test_build_declares_conditional_spaces(rule, spaces):
    hp = keras_tuner.HyperParameters()
    model = JointMLPHyperModel(6, 3, hidden_units=(4,), rules=(rule,)).build(hp)
    assert isinstance(model, JointMLP)
    assert set(hp.values) == spaces
    assert {layer.rule for layer in model.adaptive_layers} == {rule}
    if "ip_rate" in spaces:
        assert model.get_layer("adaptive_1").ip_rate == pytest.approx(hp.values["ip_rate"])


@pytest.mark.slow
def test_random_search_runs_trials(tmp_path):
    x, y = _data()
    tuner = keras_tuner.RandomSearch(
        JointMLPHyperModel(6, 3, hidden_units=(4, 8)),
        objective="val_accuracy",
        max_trials=3,
        directory=str(tmp_path),
        seed=2,
    )
    tuner.search(x, y, epochs=2, validation_data=(x, y), verbose=0)
    trials = tuner.oracle.get_best_trials(3)
    assert len(trials) == 3 and all(t.score is not None for t in trials)
    assert tuner.get_best_models(1)[0].predict(x, verbose=0).shape == (48, 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rules": ("hebb",)}, "rules"),
        ({"rules": ()}, "rules"),
        ({"activation": "tanh"}, "triesch"),
        ({"hidden_units": (0,)}, "hidden_units"),
        ({"learning_rates": (0.0,)}, "learning_rates"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        JointMLPHyperModel(6, 3, **kwargs)
