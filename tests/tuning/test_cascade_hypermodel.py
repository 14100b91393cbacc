import keras_tuner
import numpy as np
import pytest

from mlzoo.models import CascadeCorrelation
from mlzoo.tuning import CascadeCorrelationHyperModel

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
Y = np.array([0, 1, 1, 0])


@pytest.mark.slow
def test_grows_per_trial_and_reports_units_and_validation(tmp_path):
    hypermodel = CascadeCorrelationHyperModel(
        2, 1, max_hidden_units=2, output_epochs=60, candidate_epochs=30
    )
    hp = keras_tuner.HyperParameters()
    hp.Fixed("candidates", 4)
    start = hypermodel.build(hp)
    assert isinstance(start, CascadeCorrelation) and start.hidden_units == 0
    measured = hypermodel.fit(hp, start, X, Y, validation_data=(X, Y))
    assert 0 <= measured["hidden_units"] <= 2
    assert measured["val_accuracy"] == measured["accuracy"]
    assert measured["hidden_units"] == 2 or measured["accuracy"] == 1.0
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective=keras_tuner.Objective("hidden_units", "min"),
        max_trials=2,
        directory=tmp_path,
        seed=0,
    )
    tuner.search(X, Y)
    assert len(tuner.oracle.trials) == 2
    assert set(tuner.oracle.get_space().values) == {
        "candidates",
        "output_learning_rate",
        "candidate_learning_rate",
        "patience",
    }
