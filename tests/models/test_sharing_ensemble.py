import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo import attach_sharing_ensemble, build_sharing_ensemble_mlp
from mlzoo.models._training import value_and_gradients
from mlzoo.models.sharing import SharingEnsemble


def _data(n=96, d=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    centres = 2.0 * rng.normal(size=(classes, d))
    x = (centres[labels] + 0.5 * rng.normal(size=(n, d))).astype("float32")
    return x, labels.astype("int64")


def _backbone(d=8):
    inputs = keras.Input((d,))
    h1 = keras.layers.Dense(12, activation="tanh", name="h1")(inputs)
    h2 = keras.layers.Dense(10, activation="tanh", name="h2")(h1)
    out = keras.layers.Dense(3, activation="softmax", name="top")(h2)
    return keras.Model(inputs, out)


def _model(heads_per_tap=2, **kwargs):
    keras.utils.set_random_seed(0)
    return attach_sharing_ensemble(_backbone(), ["h1", "h2"], 3, heads_per_tap, **kwargs)


# ------------------------------------------------------------------ structure
def test_taps_by_name_index_layer_and_tensor_give_the_same_structure():
    backbone = _backbone()
    taps = [["h1", "h2"], [1, 2], [backbone.get_layer("h1"), backbone.get_layer("h2")]]
    taps.append([backbone.get_layer("h1").output, backbone.get_layer("h2").output])
    for tap_list in taps:
        model = attach_sharing_ensemble(backbone, tap_list, 3, heads_per_tap=3)
        assert model.num_heads == 6 and model.head_taps == [0, 0, 0, 1, 1, 1]
        assert [out.shape[-1] for out in model.network.outputs] == [3] * 6


def test_heads_are_independent_layers_with_their_own_initialisation():
    model = _model(heads_per_tap=3)
    kernels = [model.network.get_layer(f"head_t2_{j}").kernel.numpy() for j in (1, 2, 3)]
    assert not np.allclose(kernels[0], kernels[1]) and not np.allclose(kernels[1], kernels[2])


def test_loss_is_eq_8_and_shared_gradient_is_the_weighted_sum_eq_9():
    x, y = _data()
    weights = [0.5, 1.0, 2.0, 0.25]
    model = _model(loss_weights=weights)
    model.compile("sgd")
    heads = model.network(x, training=True)
    cce = keras.losses.SparseCategoricalCrossentropy()
    per_head = [cce(y, head) for head in heads]
    target = keras.ops.convert_to_tensor(y)
    loss = model._ensemble_loss(target, heads, None)
    np.testing.assert_allclose(
        float(loss), sum(w * float(j) for w, j in zip(weights, per_head, strict=True))
    )

    kernel = model.network.get_layer("h1").kernel
    head_kernel = model.network.get_layer("head_t1_1").kernel

    def gradients(loss_of_heads):
        """Gradients on (h1's kernel, the first head's kernel) of a loss of the heads."""

        def objective():
            return loss_of_heads(model.network(x, training=True)), None

        return value_and_gradients(objective, [kernel, head_kernel])[2]

    total = gradients(lambda heads: model._ensemble_loss(target, heads, None))
    singles = [gradients(lambda heads, i=i: cce(y, heads[i])) for i in range(len(weights))]
    summed = sum(w * single[0] for w, single in zip(weights, singles, strict=True))
    np.testing.assert_allclose(total[0], summed, rtol=1e-5, atol=1e-7)
    # The top tap's heads do not reach below their layer, the lower heads do: each gradient
    # on h1 comes from every head, on a head's own kernel only from that head.
    np.testing.assert_allclose(total[1], 0.5 * singles[0][1], rtol=1e-5)


# ------------------------------------------------------------------ training
@pytest.mark.parametrize("labels", ["int", "column", "one_hot"])
def test_fit_learns_from_every_label_format(labels):
    x, y = _data()
    target = {"int": y, "column": y[:, None], "one_hot": np.eye(3, dtype="float32")[y]}[labels]
    model = _model()
    model.compile(keras.optimizers.Adam(0.02), metrics=["accuracy"])
    history = model.fit(x, target, epochs=15, batch_size=16, verbose=0).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["ensemble_accuracy"][-1] > 0.9
    np.testing.assert_allclose(history["accuracy"], history["ensemble_accuracy"], atol=1e-6)
    assert model.evaluate(x, target, verbose=0, return_dict=True)["ensemble_accuracy"] > 0.9


def test_a_single_head_network_is_the_plain_net():
    x, y = _data()
    model = attach_sharing_ensemble(_backbone(), ["h2"], 3, heads_per_tap=1)
    model.compile(keras.optimizers.Adam(0.02))
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0).history
    assert model.num_heads == 1 and history["ensemble_accuracy"][-1] > 0.9
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict_heads(x)[0], rtol=1e-6)


def test_predict_is_the_vote_of_predict_heads():
    x, y = _data()
    model = _model(heads_per_tap=3)
    model.compile("adam")
    model.fit(x, y, epochs=2, verbose=0)
    heads = model.predict_heads(x)
    assert heads.shape == (6, len(x), 3)
    np.testing.assert_allclose(model.predict(x, verbose=0), heads.mean(0), rtol=1e-5, atol=1e-6)
    accuracies = model.head_accuracies(x, y)
    np.testing.assert_allclose(accuracies, (heads.argmax(-1) == y).mean(-1))


def test_deeply_supervised_special_case_votes_with_the_top_head_only():
    x, y = _data()
    model = _model(heads_per_tap=1, vote_weights="top")
    model.compile("adam")
    model.fit(x, y, epochs=2, verbose=0)
    # Both heads train (the lower one changes), but only the top one is the prediction.
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict_heads(x)[1], rtol=1e-6)


def test_mixed_float16_trains_with_float32_outputs():
    keras.config.set_dtype_policy("mixed_float16")
    x, y = _data()
    model = build_sharing_ensemble_mlp(8, 3, hidden_units=[16, 16], heads_per_tap=2)
    model.compile(keras.optimizers.Adam(0.01))
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0).history
    assert np.isfinite(history["loss"]).all() and history["loss"][-1] < history["loss"][0]
    assert model.network.get_layer("dense_1").compute_dtype == "float16"
    assert model.predict(x, verbose=0).dtype == np.float32


def test_save_and_load_keep_the_vote_weights(tmp_path):
    x, y = _data()
    model = build_sharing_ensemble_mlp(8, 3, hidden_units=[16, 12, 8], heads_per_tap=2)
    model.compile(keras.optimizers.Adam(0.01), metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    model.vote.set_vote_weights([1, 2, 0, 4])
    model.save(tmp_path / "ensemble.keras")
    loaded = keras.models.load_model(tmp_path / "ensemble.keras")  # safe_mode on
    assert isinstance(loaded, SharingEnsemble)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(loaded.vote.vote_weights.numpy(), [1, 2, 0, 4])
    assert loaded.head_taps == model.head_taps


def test_val_ensemble_accuracy_is_a_monitor_in_mode_auto(tmp_path):
    """The objective the docs recommend for tuning: EarlyStopping etc. know to maximise it."""
    x, y = _data()
    model = _model()
    monitor = "val_ensemble_accuracy"
    stop = keras.callbacks.EarlyStopping(monitor, patience=50)
    callbacks = [
        stop,
        keras.callbacks.ReduceLROnPlateau(monitor, patience=50),
        keras.callbacks.ModelCheckpoint(tmp_path / "best.keras", monitor, save_best_only=True),
    ]
    model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0, callbacks=callbacks)
    assert stop.monitor_op is keras.ops.greater


def test_default_compile_is_adam_with_the_matching_cross_entropy():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, epochs=1, verbose=0).history  # compiles on demand
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert set(history) == {"loss", "ensemble_accuracy"}


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.zeros((8, 5), "float32"), np.zeros(8, "int64"), r"shape \(num_samples, 8\)"),
        (np.full((8, 8), np.nan, "float32"), np.zeros(8, "int64"), "NaN"),
        (np.zeros((8, 8), "float32"), np.full(8, 3), r"integer classes in \[0, 2\]"),
        (np.zeros((8, 8), "float32"), np.full(8, 0.5), "integer classes"),
        (np.zeros((8, 8), "float32"), np.zeros((8, 4)), r"shape \(8, 4\)"),
        (np.zeros((8, 8), "float32"), np.full((8, 3), 0.5), "one-hot"),
        (np.zeros((8, 8), "float32"), np.zeros(7, "int64"), "7"),
    ],
)
def test_fit_rejects_bad_inputs_with_clear_errors(x, y, match):
    model = _model()
    model.compile("adam")
    with pytest.raises(ValueError, match=match):
        model.fit(x, y, verbose=0)


def test_dataset_with_wrong_shape_is_rejected():
    model = _model()
    model.compile("adam")
    data = tf.data.Dataset.from_tensor_slices((np.zeros((8, 5), "float32"), np.zeros(8))).batch(4)
    with pytest.raises(ValueError, match="dataset yields"):
        model.fit(data, verbose=0)
    with pytest.raises(ValueError, match=r"predict x"):
        model.predict(np.zeros((3, 2), "float32"))


@pytest.mark.parametrize(
    "loss, labels, match",
    [
        ("sparse_categorical_crossentropy", "one_hot", "argmax"),
        (keras.losses.SparseCategoricalCrossentropy(), "one_hot", "argmax"),
        ("categorical_crossentropy", "int", "one_hot"),
    ],
)
def test_labels_must_match_the_compiled_loss(loss, labels, match):
    x, y = _data()
    target = np.eye(3, dtype="float32")[y] if labels == "one_hot" else y
    model = _model()
    model.compile("adam", loss=loss)
    with pytest.raises(ValueError, match=match):
        model.fit(x, target, verbose=0)
    data = tf.data.Dataset.from_tensor_slices((x, target)).batch(16)
    with pytest.raises(ValueError, match="elements have shape"):
        model.fit(data, verbose=0)
    with pytest.raises(ValueError, match=match):
        model.evaluate(x, target, verbose=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"heads_per_tap": 0}, "heads_per_tap"),
        ({"loss_weights": [1, 1]}, "loss_weights"),
        ({"loss_weights": [1, -1, 1, 1]}, "loss_weights"),
        ({"voting": "max"}, "voting"),
        ({"vote_weights": "best"}, "vote_weights"),
        ({"vote_weights": [0, 0, 0, 0]}, "vote_weights"),
        ({"head_pooling": "sum"}, "head_pooling"),
        ({"head_hidden_units": 0}, "head_hidden_units"),
    ],
)
def test_bad_hyper_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _model(**kwargs)


def test_bad_taps_and_backbones():
    backbone = _backbone()
    with pytest.raises(ValueError, match="No layer named 'h9'.*h1"):
        attach_sharing_ensemble(backbone, ["h9"], 3)
    with pytest.raises(ValueError, match="non-empty list"):
        attach_sharing_ensemble(backbone, "h1", 3)
    with pytest.raises(ValueError, match="out of range"):
        attach_sharing_ensemble(backbone, [17], 3)
    with pytest.raises(ValueError, match="functional keras.Model"):
        attach_sharing_ensemble(keras.layers.Dense(3), ["h1"], 3)


def test_exported_from_the_package():
    assert mlzoo.attach_sharing_ensemble is attach_sharing_ensemble
    assert mlzoo.layers.EnsembleVote is not None
