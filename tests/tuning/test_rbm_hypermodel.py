import keras_tuner
import pytest

import mlzoo
from mlzoo.models.rbm import RBM
from mlzoo.tuning.rbm_hypermodel import RBMHyperModel


@pytest.mark.slow
def test_builds_the_chosen_rbm_and_maximises_pseudo_likelihood(tmp_path):
    (x, _), (x_val, _) = mlzoo.datasets.load("digits", scale=True)
    x, x_val = (x[:400] > 0.5).astype("float32"), (x_val[:200] > 0.5).astype("float32")
    hypermodel = RBMHyperModel(64, persistent=True, persistent_chains=20, hidden_choices=(8, 16))
    hp = keras_tuner.HyperParameters()
    hp.Fixed("hidden", 16)
    hp.Fixed("k", 3)
    hp.Fixed("learning_rate", 0.2)
    rbm = hypermodel.build(hp)
    assert isinstance(rbm, RBM)
    config = rbm.get_config()
    assert (config["hidden"], config["k"], config["persistent"]) == (16, 3, True)
    assert float(rbm.optimizer.learning_rate.numpy()) == pytest.approx(0.2)
    measured = hypermodel.fit(hp, rbm, x, epochs=1, batch_size=20, verbose=0, validation_data=x_val)
    assert set(measured) == {"loss", "reconstruction_error", "pseudo_log_likelihood"}
    assert -44.4 < measured["pseudo_log_likelihood"] < 0  # better than the untrained 64 log 1/2
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective=keras_tuner.Objective("pseudo_log_likelihood", "max"),
        max_trials=2,
        directory=tmp_path,
        seed=0,
    )
    tuner.search(x, epochs=1, batch_size=20, verbose=0, validation_data=x_val)
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == max(t.score for t in tuner.oracle.trials.values())
    assert set(tuner.oracle.get_space().values) == {"hidden", "k", "learning_rate"}
    with pytest.raises(ValueError, match="max_k"):
        RBMHyperModel(64, max_k=0)
