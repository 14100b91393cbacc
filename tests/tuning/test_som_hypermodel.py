import keras_tuner
import numpy as np
import pytest

import mlzoo
from mlzoo.models import SelfOrganizingMap
from mlzoo.tuning import SelfOrganizingMapHyperModel


@pytest.mark.slow
def test_builds_the_chosen_map_and_minimises_map_error(tmp_path):
    (x, _), (x_val, _) = mlzoo.datasets.load("digits", scale=True)
    x, x_val = x[:300].astype("float32"), x_val[:200].astype("float32")
    hypermodel = SelfOrganizingMapHyperModel(64, x, size_choices=(3, 6))
    hp = keras_tuner.HyperParameters()
    hp.Fixed("size", 6)
    hp.Fixed("sigma_fraction", 0.5)
    som = hypermodel.build(hp)
    assert isinstance(som, SelfOrganizingMap)
    assert som.codebook.shape == (36, 64) and som.get_config()["sigma"] == 3.0
    measured = hypermodel.fit(hp, som, x, epochs=1, batch_size=50, verbose=0, validation_data=x_val)
    spread = np.linalg.norm(x_val - x_val.mean(0), axis=1).mean()
    assert (
        measured["map_error"]
        == measured["quantization_error"] / spread + measured["topographic_error"]
    )
    assert 0 < measured["quantization_error"] < spread
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective=keras_tuner.Objective("map_error", "min"),
        max_trials=2,
        directory=tmp_path,
        seed=0,
    )
    tuner.search(x, epochs=1, batch_size=50, verbose=0, validation_data=x_val)
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == min(t.score for t in tuner.oracle.trials.values())
    assert set(tuner.oracle.get_space().values) == {
        "size",
        "sigma_fraction",
        "learning_rate",
        "decay",
    }
