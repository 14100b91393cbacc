import keras
import numpy as np
import pytest

from mlzoo.layers import EnsembleVote


def _heads(seed=0, n=7, heads=4, classes=3):
    logits = np.random.default_rng(seed).normal(size=(heads, n, classes))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return [p.astype("float32") for p in probs]


def test_soft_vote_is_weighted_mean_of_probabilities():
    heads, weights = _heads(), np.array([1.0, 2.0, 0.0, 1.0])
    got = np.asarray(EnsembleVote("soft", vote_weights=weights)(heads))
    want = np.einsum("hnc,h->nc", np.stack(heads), weights / weights.sum())
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(got.sum(1), 1.0, rtol=1e-6)


def test_hard_vote_counts_weighted_argmax_votes():
    heads = _heads(seed=1)
    got = np.asarray(EnsembleVote("hard")(heads))
    votes = np.stack([np.eye(3)[h.argmax(1)] for h in heads]).mean(0)
    np.testing.assert_allclose(got, votes, rtol=1e-6)


def test_hard_vote_follows_the_majority_against_confident_minority():
    # eq. (6): three heads mildly for class 0 out-vote two confident heads for class 1;
    # the soft vote (mean probability) picks class 1.
    mild, sure = np.array([[0.5, 0.4, 0.1]], "float32"), np.array([[0.0, 1.0, 0.0]], "float32")
    heads = [mild, mild, mild, sure, sure]
    assert np.asarray(EnsembleVote("hard")(heads)).argmax() == 0
    assert np.asarray(EnsembleVote("soft")(heads)).argmax() == 1


def test_binary_sigmoid_heads():
    heads = [np.array([[0.9], [0.2]], "float32"), np.array([[0.6], [0.45]], "float32")]
    heads.append(np.array([[0.3], [0.1]], "float32"))
    np.testing.assert_allclose(np.asarray(EnsembleVote("soft")(heads)), [[0.6], [0.25]], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(EnsembleVote("hard")(heads)), [[2 / 3], [0.0]], rtol=1e-6)


def test_set_vote_weights_changes_the_output_and_is_saved(tmp_path):
    heads = _heads()
    inputs = [keras.Input((3,)) for _ in heads]
    model = keras.Model(inputs, EnsembleVote("soft", name="vote")(inputs))
    model.get_layer("vote").set_vote_weights([0, 0, 1, 0])
    np.testing.assert_allclose(model.predict(heads, verbose=0), heads[2], rtol=1e-6)
    model.save(tmp_path / "vote.keras")
    loaded = keras.models.load_model(tmp_path / "vote.keras")
    np.testing.assert_allclose(loaded.predict(heads, verbose=0), heads[2], rtol=1e-6)
    assert loaded.get_layer("vote").get_config()["voting"] == "soft"


def test_float32_output_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    heads = [keras.ops.cast(h, "float16") for h in _heads()]
    out = EnsembleVote()(heads)
    assert out.dtype == "float32"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"voting": "median"}, "voting"),
        ({"vote_weights": [1, -1, 1, 1]}, "vote_weights"),
        ({"vote_weights": [0, 0, 0, 0]}, "positive sum"),
        ({"vote_weights": [1, float("nan"), 1, 1]}, "finite"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EnsembleVote(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="3 entries for 4 heads"):
        EnsembleVote(vote_weights=[1, 1, 1])(_heads())
    with pytest.raises(ValueError, match="equal shape"):
        EnsembleVote()([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    layer = EnsembleVote()
    layer(_heads())
    with pytest.raises(ValueError, match="4 finite non-negative"):
        layer.set_vote_weights([1, 1])
