import keras_tuner
import numpy as np
import pytest

from mlzoo.models.rbf import RBFNetwork, width_heuristic
from mlzoo.tuning import RBFNetworkHyperModel


@pytest.mark.slow
def test_builds_the_chosen_network_and_searches(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((60, 4)).astype("float32"), np.arange(60) % 3
    hypermodel = RBFNetworkHyperModel(4, 3, x, unit_choices=(5, 8))
    hp = keras_tuner.HyperParameters()
    hp.Fixed("units", 8)
    hp.Fixed("centre_method", "sample")
    hp.Fixed("beta_scale", 2.0)
    model = hypermodel.build(hp)
    assert isinstance(model, RBFNetwork)
    layer = model.get_layer("radial_basis")
    assert layer.centres.shape == (8, 4)
    np.testing.assert_allclose(layer.beta.numpy(), 2.0 * width_heuristic(layer.centres.numpy()))
    tuner = keras_tuner.RandomSearch(
        hypermodel, objective="val_accuracy", max_trials=2, directory=tmp_path, seed=0
    )
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    assert set(tuner.oracle.get_space().values) == {
        "units",
        "centre_method",
        "beta_scale",
        "learning_rate",
    }
