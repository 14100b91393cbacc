import keras_tuner
import numpy as np
import pytest

from mlzoo.models.sharing import SharingEnsemble
from mlzoo.tuning import SharingEnsembleHyperModel, loss_weights_for


def test_loss_weightings():
    assert loss_weights_for([0, 1, 1], "equal") == [1.0, 1.0, 1.0]
    assert loss_weights_for([0, 1, 1, 3], "deeper") == [0.25, 0.5, 0.5, 1.0]
    with pytest.raises(ValueError, match="weighting"):
        loss_weights_for([0], "random")


@pytest.mark.parametrize("input_shape", [(6,), (8, 8)])
@pytest.mark.slow
def test_builds_the_chosen_ensemble_and_trains(input_shape):
    hypermodel = SharingEnsembleHyperModel(input_shape, 3, depth=4, width=8)
    hp = keras_tuner.HyperParameters()
    hp.Fixed("head_every", 2)
    hp.Fixed("heads_per_tap", 3)
    hp.Fixed("loss_weighting", "deeper")
    hp.Fixed("voting", "hard")
    model = hypermodel.build(hp)
    assert isinstance(model, SharingEnsemble)
    assert model.num_heads == 6 and model.voting == "hard"
    assert model.loss_weights == [0.5] * 3 + [1.0] * 3
    x = np.random.default_rng(0).random((16, *input_shape)).astype("float32")
    history = model.fit(x, np.arange(16) % 3, epochs=1, verbose=0).history
    assert {"loss", "ensemble_accuracy", "accuracy"} <= set(history)


@pytest.mark.slow
def test_search_space_and_tuner_run(tmp_path):
    hypermodel = SharingEnsembleHyperModel((6,), 3, depth=2, width=8)
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        objective=keras_tuner.Objective("val_ensemble_accuracy", "max"),
        max_trials=2,
        directory=tmp_path,
        seed=0,
    )
    assert set(tuner.oracle.hyperparameters.values) == {
        "head_every",
        "heads_per_tap",
        "loss_weighting",
        "voting",
        "learning_rate",
    }
    x = np.random.default_rng(0).random((40, 6)).astype("float32")
    y = np.arange(40) % 3
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert len(tuner.oracle.trials) == 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (1, 2, 3, 4)}, "input_shape"),
        ({"num_classes": 0}, "num_classes"),
        ({"votings": ["max"]}, "votings"),
        ({"learning_rates": [0]}, "learning_rates"),
        ({"heads_per_tap": [0]}, "heads_per_tap"),
    ],
)
def test_bad_arguments(kwargs, match):
    args = {"input_shape": (6,), "num_classes": 3} | kwargs
    with pytest.raises(ValueError, match=match):
        SharingEnsembleHyperModel(**args)
