import keras_tuner
import pytest

import mlzoo
from mlzoo.models.art import FuzzyARTMAP
from mlzoo.tuning.art_hypermodel import FuzzyARTMAPHyperModel


@pytest.mark.slow
def test_builds_the_chosen_model_and_searches_val_accuracy(tmp_path):
    (x, y), (x_val, y_val) = mlzoo.datasets.load("digits", scale=True)
    x, y, x_val, y_val = x[:256], y[:256], x_val[:128], y_val[:128]
    hypermodel = FuzzyARTMAPHyperModel(64, 10, max_categories=256)
    hp = keras_tuner.HyperParameters()
    hp.Fixed("vigilance", 0.6)
    hp.Fixed("choice", 0.01)
    hp.Fixed("learning_rate", 0.5)
    model = hypermodel.build(hp)
    assert isinstance(model, FuzzyARTMAP) and model.compiled
    assert (model.vigilance, model.choice, model.learning_rate) == (0.6, 0.01, 0.5)
    tuner = keras_tuner.RandomSearch(
        hypermodel, objective="val_accuracy", max_trials=2, directory=tmp_path, seed=0
    )
    tuner.search(x, y, epochs=1, batch_size=64, validation_data=(x_val, y_val), verbose=0)
    assert set(tuner.oracle.get_space().values) == {"vigilance", "choice", "learning_rate"}
    trials = tuner.oracle.get_best_trials(2)
    assert len(trials) == 2
    assert all(0 < trial.score <= 1 for trial in trials)  # val_accuracy of the class labels
    best = tuner.get_best_models(1)[0]
    assert (best.predict(x_val, verbose=0) == y_val).mean() == trials[0].score
