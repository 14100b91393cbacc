import warnings

import keras_tuner
import numpy as np
import pytest

from mlzoo import MutualMLP
from mlzoo.tuning import MutualMLPHyperModel


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    x = np.clip(np.eye(3)[labels] @ rng.random((3, 6)) + 0.1 * rng.random((n, 6)), 0, 1)
    return x.astype("float32"), np.eye(3, dtype="float32")[labels]


def test_build_declares_spaces_and_calls_builder():
    hypermodel = MutualMLPHyperModel(6, 3, hidden_units=(4, 8), learning_rates=(0.1, 0.3))
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    assert isinstance(model, MutualMLP)
    assert set(hp.values) == {"hidden_units", "learning_rate"}
    assert model.get_layer("positive_hidden_1").units == hp.values["hidden_units"]
    assert float(model.optimizer.learning_rate) == pytest.approx(hp.values["learning_rate"])


@pytest.mark.parametrize(
    "mode, expected_epochs, conversion", [("EI-ML", 8, False), ("EIT-ML", 5, True)]
)
def test_fit_trains_with_the_mode_plan(mode, expected_epochs, conversion):
    hypermodel = MutualMLPHyperModel(6, 3, hidden_units=(4,), modes=(mode,))
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    if conversion:
        hp.Fixed("conversion_rate", 0.25)
    x, y = _data()
    history = hypermodel.fit(hp, model, x, y, epochs=4, verbose=0)
    assert hp.values["mode"] == mode
    assert len(history.history["loss"]) == expected_epochs
    assert np.isfinite(history.history["negative_loss"][1])
    if conversion:
        assert history.history["mutual_learning"] == [1.0, 1.0, 0.0, 0.0, 0.0]


@pytest.mark.slow
def test_random_search_runs_trials(tmp_path):
    x, y = _data()
    tuner = keras_tuner.RandomSearch(
        MutualMLPHyperModel(6, 3, hidden_units=(4, 8)),
        objective="val_accuracy",
        max_trials=3,
        directory=str(tmp_path),
        seed=1,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tuner.search(x, y, epochs=2, validation_data=(x, y), verbose=0)
    # Issue 15: NaN logs of idle phases made KerasTuner warn "All-NaN axis".
    assert not [w for w in caught if "NaN" in str(w.message)]
    trials = tuner.oracle.get_best_trials(3)
    assert len(trials) == 3
    assert all(t.score is not None for t in trials)
    best = tuner.get_best_models(1)[0]
    assert best.predict(x, verbose=0).shape == (48, 3)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"modes": ("BP",)}, "modes"),
        ({"modes": ()}, "modes"),
        ({"hidden_units": (0,)}, "hidden_units"),
        ({"learning_rates": (-0.1,)}, "learning_rates"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MutualMLPHyperModel(6, 3, **kwargs)


def test_requires_positive_dims():
    with pytest.raises(ValueError, match="input_dim"):
        MutualMLPHyperModel(0, 3)
