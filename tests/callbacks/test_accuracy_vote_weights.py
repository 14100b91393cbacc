import keras
import numpy as np
import pytest

from mlzoo import build_joint_mlp, build_sharing_ensemble_mlp
from mlzoo.callbacks import AccuracyVoteWeights


def _data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    x = (2 * rng.normal(size=(3, 6))[y] + 0.7 * rng.normal(size=(n, 6))).astype("float32")
    return x, y


def test_weights_are_accuracy_above_chance():
    x, y = _data()
    keras.utils.set_random_seed(0)
    model = build_sharing_ensemble_mlp(6, 3, hidden_units=[8, 8], head_every=1, heads_per_tap=2)
    model.compile(keras.optimizers.Adam(0.01))
    callback = AccuracyVoteWeights((x[:45], y[:45]), power=2.0)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[callback]).history
    accuracies = model.head_accuracies(x[:45], y[:45])
    np.testing.assert_allclose(callback.head_accuracies, accuracies)
    expected = np.maximum(accuracies - 1 / 3, 0) ** 2
    np.testing.assert_allclose(model.vote.vote_weights.numpy(), expected, rtol=1e-6)
    assert history["best_head_val_accuracy"][-1] == pytest.approx(accuracies.max())


def test_heads_at_chance_fall_back_to_equal_weights():
    x, _ = _data()
    model = build_sharing_ensemble_mlp(6, 3, hidden_units=[4], heads_per_tap=3)
    model.compile(keras.optimizers.SGD(0.0))  # no learning: heads stay as initialised
    constant = np.full(len(x), 0)
    callback = AccuracyVoteWeights((x, constant))
    model.fit(x, constant, epochs=1, verbose=0, callbacks=[callback])
    weights = model.vote.vote_weights.numpy()
    if (callback.head_accuracies <= 1 / 3).all():
        np.testing.assert_array_equal(weights, np.ones(3))
    else:
        np.testing.assert_allclose(weights, np.maximum(callback.head_accuracies - 1 / 3, 0))


def test_clear_errors():
    x, y = _data()
    with pytest.raises(ValueError, match="tuple"):
        AccuracyVoteWeights(x)
    with pytest.raises(ValueError, match="power"):
        AccuracyVoteWeights((x, y), power=0)
    model = build_joint_mlp(6, 4, 3)
    model.compile("sgd", loss="mse")
    with pytest.raises(ValueError, match="needs a SharingEnsemble"):
        model.fit(x, np.eye(3)[y], verbose=0, callbacks=[AccuracyVoteWeights((x, y))])


def test_callbacks_do_not_import_the_models():
    """Issue 15: the callbacks sit below the models (no import runs up the layers)."""
    import ast
    from pathlib import Path

    import mlzoo.callbacks

    for path in Path(mlzoo.callbacks.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            assert not any(name.startswith("mlzoo.models") for name in names), path.name
