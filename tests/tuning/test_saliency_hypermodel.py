import keras_tuner
import numpy as np
import pytest

from mlzoo.models.autoencoders import PretrainableClassifier
from mlzoo.tuning import SaliencyPretrainingHyperModel


@pytest.fixture
def unlabelled():
    rng = np.random.default_rng(0)
    return rng.random((32, 8, 8, 3)).astype("float32"), rng.random((32, 8, 8)).astype("float32")


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_trial_pretrains_with_its_settings_then_fine_tunes(kind, unlabelled):
    x, maps = unlabelled
    hypermodel = SaliencyPretrainingHyperModel(
        (8, 8, 3),
        3,
        x,
        maps,
        "dual_path",
        kind=kind,
        depth=2,
        width_choices=(4, 6),
        pretrain_epochs=1,
    )
    hp = keras_tuner.HyperParameters()
    hp.Fixed("width_1", 6)
    hp.Fixed("width_2", 4)
    model = hypermodel.build(hp)
    assert isinstance(model, PretrainableClassifier)
    widths = [layer.units if kind == "mlp" else layer.filters for layer in model.encoder_layers]
    assert widths == [6, 4]
    before = model.get_layer("encoder_1").kernel.numpy().copy()
    pretrainer = hypermodel._pretrainer(hp)
    assert pretrainer.method == "dual_path" and 0.25 <= pretrainer.saliency_weight <= 1.5
    history = hypermodel.fit(hp, model, x[:12], np.arange(12) % 3, epochs=1, verbose=0)
    assert "loss" in history.history
    assert not np.allclose(model.get_layer("encoder_1").kernel.numpy(), before)


@pytest.mark.slow
def test_search_space_follows_the_method(tmp_path, unlabelled):
    x, maps = unlabelled
    names = {}
    for method in ("dae", "foreground", "saliency_all"):
        hypermodel = SaliencyPretrainingHyperModel(
            (8, 8, 3), 3, x, maps, method, depth=1, width_choices=(4,), pretrain_epochs=1
        )
        tuner = keras_tuner.RandomSearch(
            hypermodel, objective="val_loss", max_trials=1, directory=tmp_path / method, seed=0
        )
        tuner.search(x, np.arange(32) % 3, epochs=1, validation_split=0.25, verbose=0)
        names[method] = set(tuner.oracle.get_space().values)
    assert names["dae"] == {"width_1", "learning_rate", "noise_level"}
    assert names["foreground"] == names["dae"] | {"foreground_eps"}
    assert names["saliency_all"] == names["dae"] | {"saliency_weight"}


def test_rejects_bad_arguments(unlabelled):
    x, _ = unlabelled
    with pytest.raises(ValueError, match="method"):
        SaliencyPretrainingHyperModel((8, 8, 3), 3, x, None, "vae")
    with pytest.raises(ValueError, match="saliency"):
        SaliencyPretrainingHyperModel((8, 8, 3), 3, x, None, "dual_path")
