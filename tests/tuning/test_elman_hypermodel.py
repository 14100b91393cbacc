import keras_tuner
import numpy as np
import pytest

from mlzoo.datasets.elman_streams import temporal_xor
from mlzoo.models.elman import ElmanNetwork
from mlzoo.tuning.elman_hypermodel import ElmanNetworkHyperModel


@pytest.mark.slow
def test_builds_the_chosen_network_and_searches(tmp_path):
    stream = temporal_xor(301, seed=0)
    x, y = stream.inputs.reshape(10, 30, 1), stream.targets.reshape(10, 30, 1)
    hypermodel = ElmanNetworkHyperModel(1, 1, unit_choices=(2, 3))
    hp = keras_tuner.HyperParameters()
    hp.Fixed("hidden_units", 3)
    hp.Fixed("activation", "tanh")
    hp.Fixed("learning_rate", 0.02)
    model = hypermodel.build(hp)
    assert isinstance(model, ElmanNetwork)
    config = model.get_config()
    assert (config["hidden_units"], config["activation"]) == (3, "tanh")
    assert np.isclose(float(model.optimizer.learning_rate), 0.02)
    assert model.loss == "mse"
    tuner = keras_tuner.RandomSearch(
        hypermodel, objective="val_loss", max_trials=2, directory=tmp_path, seed=0
    )
    tuner.search(x, y, epochs=1, validation_split=0.2, verbose=0)
    assert set(tuner.oracle.get_space().values) == {"hidden_units", "activation", "learning_rate"}
    assert len(tuner.oracle.trials) == 2


def test_passes_network_arguments_through():
    hypermodel = ElmanNetworkHyperModel(
        6, 6, loss="sparse_categorical_crossentropy", build_kwargs={"output_activation": "softmax"}
    )
    model = hypermodel.build(keras_tuner.HyperParameters())
    assert model.get_config()["output_activation"] == "softmax"
    assert model.get_config()["hidden_units"] == 2  # first choice by default
