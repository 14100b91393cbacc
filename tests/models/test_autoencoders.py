import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo.losses import ForegroundWeightedMSE
from mlzoo.losses.foreground_weighted_mse import pack_foreground_target
from mlzoo.models.autoencoders import (
    METHODS,
    GreedyPretrainer,
    PretrainableClassifier,
    build_pretrainable_cnn,
    build_pretrainable_mlp,
    stage_plans,
)

N, SIZE = 48, 8


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    x = rng.random((N, SIZE, SIZE, 3)).astype("float32")
    maps = rng.random((N, SIZE, SIZE)).astype("float32")
    labels = np.arange(N) % 3
    return x, maps, labels


def _mlp(widths=(12, 6, 12)):
    return build_pretrainable_mlp((SIZE, SIZE, 3), 3, hidden_units=widths)


def _cnn():
    return build_pretrainable_cnn((SIZE, SIZE, 3), 3, filters=(4, 4), kernel_size=3, dense_units=5)


def _pretrainer(method="dae", **kwargs):
    options = {"epochs": 1, "batch_size": 16, "verbose": 0, "seed": 0}
    return GreedyPretrainer(method, **(options | kwargs))


# ----------------------------------------------------------------------------- plans
def test_stage_plans_follow_the_thesis():
    assert stage_plans("dae", 3) == [stage_plans("dae", 1)[0]] * 3
    fg = stage_plans("foreground", 3)
    assert [p.foreground for p in fg] == [True, False, False]
    first = stage_plans("saliency_first", 3, saliency_weight=0.5)
    assert [(p.saliency, p.saliency_weight) for p in first] == [
        ("map", 0.5),
        (None, 0.0),
        (None, 0.0),
    ]
    assert [p.saliency for p in stage_plans("saliency_all", 3)] == ["map"] * 3
    dual = stage_plans("dual_path", 4)
    assert [p.saliency_weight for p in dual] == [1.0, 0.9, 0.8, 0.7]
    assert [p.auxiliary for p in dual] == [True, True, True, False]
    assert [p.saliency_weight for p in stage_plans("dual_path", 3, 0.15, 0.1)] == [0.15, 0.05, 0.0]
    with pytest.raises(ValueError, match="method"):
        stage_plans("vae", 3)
    with pytest.raises(ValueError, match="saliency_weight"):
        stage_plans("dual_path", 3, saliency_weight=-1)


# ----------------------------------------------------------------------------- builders
def test_builders_have_the_thesis_shapes():
    mlp = build_pretrainable_mlp((32, 32, 3), 10, hidden_units=(2000, 1000, 2000))
    assert [layer.units for layer in mlp.encoder_layers] == [2000, 1000, 2000]
    assert mlp.encoder_layers[0].kernel.shape == (3072, 2000)
    cnn = build_pretrainable_cnn()
    assert [tuple(layer.kernel.shape) for layer in cnn.encoder_layers] == [
        (5, 5, 3, 32),
        (5, 5, 32, 32),
        (5, 5, 32, 32),
    ]
    assert cnn.get_layer("hidden").units == 64
    assert cnn.output_shape == (None, 10)
    assert cnn.get_layer("flatten").output.shape[-1] == 3 * 3 * 32


@pytest.mark.parametrize("make", [_mlp, _cnn])
def test_classifier_save_load_round_trip(make, images, tmp_path):
    x, maps, labels = images
    model = make()
    _pretrainer("dual_path").pretrain(model, x, maps)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, labels, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored, PretrainableClassifier)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    restored.fit(x, labels, epochs=1, verbose=0)  # optimizer state restored, trains on


def test_classifier_rejects_bad_inputs(images):
    x, _, labels = images
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="shape"):
        model.fit(x[:, :4], labels, verbose=0)
    bad = x.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(bad, labels, verbose=0)
    with pytest.raises(ValueError, match="integer classes"):
        model.fit(x, labels + 5, verbose=0)
    with pytest.raises(ValueError, match="kind"):
        PretrainableClassifier((8, 8, 3), 3, kind="rnn")
    with pytest.raises(ValueError, match="hidden_units"):
        build_pretrainable_mlp((8, 8, 3), 3, hidden_units=(4, 0))
    with pytest.raises(ValueError, match="dropout"):
        build_pretrainable_mlp((8, 8, 3), 3, dropout=1.5)
    with pytest.raises(ValueError, match="input_shape"):
        build_pretrainable_mlp((8,), 3)
    for dense_units in (-1, 2.5):
        with pytest.raises(ValueError, match="dense_units"):
            build_pretrainable_cnn((8, 8, 3), 3, dense_units=dense_units)
    assert build_pretrainable_cnn((8, 8, 3), 3, dense_units=0).get_layer("classifier")


def test_classifier_labels_follow_the_compiled_loss(images):
    x, _, labels = images
    model = _mlp()
    with pytest.raises(ValueError, match="argmax"):  # default: sparse cross-entropy
        model.fit(x, np.eye(3)[labels], verbose=0)
    model.compile("adam", "categorical_crossentropy")
    with pytest.raises(ValueError, match="one-hot rows of 3"):
        model.fit(x, labels, verbose=0)
    model.fit(x, np.eye(3)[labels], epochs=1, verbose=0)


# ----------------------------------------------------------------------------- pre-training
def test_stages_train_their_own_layer_only(images):
    x, maps, _ = images
    model = _mlp()
    before = {layer.name: layer.get_weights() for layer in model.layers if layer.weights}
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            snapshots.append([w.copy() for w in model.get_layer("encoder_1").get_weights()])

    _pretrainer("saliency_all").pretrain(model, x, maps, callbacks=[Snapshot()])
    for name in ("encoder_1", "encoder_2", "encoder_3"):
        assert not np.allclose(model.get_layer(name).kernel.numpy(), before[name][0])
    # encoder_1 is frozen while the stages above it train
    for snapshot in snapshots[1:]:
        for got, want in zip(snapshot, snapshots[0], strict=True):
            np.testing.assert_array_equal(got, want)
    head = model.get_layer("classifier").get_weights()
    for got, want in zip(head, before["classifier"], strict=True):
        np.testing.assert_array_equal(got, want)


def test_reconstruction_loss_decreases_on_real_images():
    x, _ = mlzoo.datasets.make_shapes_labelled(256, size=16)
    x = x.astype("float32") / 255
    model = build_pretrainable_mlp((16, 16, 3), 5, hidden_units=(64, 32))
    history = _pretrainer("dae", epochs=8, batch_size=32).pretrain(model, x)
    for stage in history:
        assert stage["reconstruction_loss"][-1] < 0.7 * stage["reconstruction_loss"][0]


def _clean(model, x, maps, method, **kwargs):
    """Pre-train without noise, full batch: a deterministic result."""
    pretrainer = _pretrainer(method, noise=None, batch_size=N, optimizer=_sgd, **kwargs)
    pretrainer.pretrain(model, x, maps)
    return pretrainer


def _sgd():
    return keras.optimizers.SGD(0.05)


def test_loss_terms_match_their_formulas(images):
    x, maps, _ = images
    pretrainer = _clean(_mlp(), x, maps, "dual_path", auxiliary_units=[10, 5])
    stage = pretrainer.stages[1]
    terms = {k: float(v) for k, v in stage.compute_terms(x, maps).items()}
    v = np.asarray(stage.stage_input(x))
    h = np.asarray(stage.encoder(v))
    reconstruction = h @ stage.encoder.kernel.numpy().T + stage.decoder.bias.numpy()
    assert terms["reconstruction_loss"] == pytest.approx(np.mean((reconstruction - v) ** 2), 1e-5)
    level_1 = np.asarray(pretrainer.auxiliary_stack(maps)[0])  # the auxiliary layer below
    head = np.asarray(stage.saliency_head(h))
    assert terms["saliency_loss"] == pytest.approx(np.mean((head - level_1) ** 2), 1e-5)
    aux = stage.auxiliary
    aux_v = np.asarray(aux.stage_input(maps))
    assert terms["auxiliary_loss"] == pytest.approx(float(aux.compute_terms(maps, None)["loss"]))
    # the thesis's objective is a sum per sample: sizes 12 (v), 10 (level 1), 10 (aux input)
    assert v.shape[1] == 12 and level_1.shape[1] == 10 and aux_v.shape[1] == 10
    objective = (
        12 * terms["reconstruction_loss"]
        + 0.9 * 10 * terms["saliency_loss"]
        + 10 * terms["auxiliary_loss"]
    )
    assert terms["objective"] == pytest.approx(objective, 1e-5)
    assert terms["loss"] == pytest.approx(objective / 12, 1e-5)
    assert pretrainer.stages[2].auxiliary is None  # the top auxiliary layer is never a target
    assert pretrainer.stages[2].saliency_weight == pytest.approx(0.8)
    # first stage: the image (192 values) and the map (64), lambda 1
    first = {k: float(t) for k, t in pretrainer.stages[0].compute_terms(x, maps).items()}
    assert first["loss"] == pytest.approx(
        first["reconstruction_loss"]
        + 64 / 192 * first["saliency_loss"]
        + float(pretrainer.stages[0].auxiliary.compute_terms(maps, None)["objective"]) / 192,
        1e-5,
    )


def test_foreground_stage_weights_the_image_by_saliency(images):
    x, maps, _ = images
    stage = _clean(_mlp(), x, maps, "foreground", foreground_eps=0.3).stages[0]
    terms = stage.compute_terms(x, maps)
    v = stage.stage_input(x)
    expected = ForegroundWeightedMSE(0.3)(pack_foreground_target(v, maps), stage(x))
    assert float(terms["reconstruction_loss"]) == pytest.approx(float(expected), 1e-6)
    assert float(terms["reconstruction_loss"]) != pytest.approx(
        float(keras.losses.MeanSquaredError()(v, stage(x))), 1e-3
    )


def test_cnn_dual_path_reconstructs_through_the_flipped_kernels(images):
    x, maps, _ = images
    pretrainer = _clean(_cnn(), x, maps, "dual_path")
    first = pretrainer.stages[0]
    assert first.decoder.tied_to is first.encoder
    assert first.sparsify.pool_size == (2, 2)  # "auto": the model's own pooling
    assert first(x).shape == x.shape
    assert first.reconstruct_saliency(x).shape == maps.shape
    # image decoder and saliency head both read the max-pooling sparse code (section 3.3.2)
    code = first.sparsify(first.encoder(x))
    np.testing.assert_allclose(first.reconstruct_saliency(x), first.saliency_head(code), atol=1e-6)
    np.testing.assert_allclose(first(x), first.decoder(code), atol=1e-6)
    level = pretrainer.auxiliary_stack(maps)
    level = level[0] if isinstance(level, (list, tuple)) else level
    assert pretrainer.stages[1].reconstruct_saliency(x).shape == level.shape
    assert [stage.saliency_weight for stage in pretrainer.stages] == [1.0, 1.0]  # CNN: lambda 1


def test_every_stage_draws_its_own_noise(images):
    x, maps, _ = images
    pretrainer = _pretrainer("dual_path", seed=3)
    pretrainer.pretrain(_mlp(), x, maps)
    seeds = [stage.noise.seed for stage in pretrainer.stages]
    seeds += [stage.auxiliary.noise.seed for stage in pretrainer.stages[:2]]
    assert seeds == [3, 4, 5, 1003, 1004]


def test_numpy_dataset_and_steps_per_execution_agree(images):
    x, maps, _ = images
    results = []
    for data, spe in (((x, maps), 1), ((x, maps), 4), (None, 1)):
        keras.utils.set_random_seed(0)
        model = _mlp()
        pretrainer = _pretrainer(
            "saliency_all", noise=None, batch_size=16, optimizer=_sgd, steps_per_execution=spe
        )
        if data is None:
            dataset = tf.data.Dataset.from_tensor_slices((x, maps)).batch(16)
            pretrainer.pretrain(model, dataset)
        else:
            pretrainer.seed = None
            pretrainer.pretrain(model, x, maps)
        results.append(model.get_layer("encoder_2").kernel.numpy())
    np.testing.assert_allclose(results[0], results[1], atol=1e-6)
    # the array path shuffles, the dataset path keeps the order: same data, same scale
    assert np.abs(results[2] - results[0]).max() < 0.05



def test_pretraining_is_the_same_on_every_backend():
    # losses as TensorFlow measured them, from set weights and an unshuffled dataset
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(32, 4, 4, 3)).astype("float32")
    maps = rng.uniform(size=(32, 4, 4)).astype("float32")
    model = build_pretrainable_mlp((4, 4, 3), 3, hidden_units=(6, 4))
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    data = tf.data.Dataset.from_tensor_slices((x, maps)).batch(8)
    history = _pretrainer("foreground", noise=None, epochs=2).pretrain(model, data)
    losses = [stage["loss"] for stage in history]
    np.testing.assert_allclose(losses, [[0.16289, 0.157951], [0.144086, 0.142216]], rtol=1e-4)

@pytest.mark.slow
def test_mirrored_strategy_matches_one_device(images, two_device_strategy):
    x, maps, _ = images
    keras.utils.set_random_seed(0)
    single = _mlp()
    _clean(single, x, maps, "dual_path")
    keras.utils.set_random_seed(0)
    with two_device_strategy.scope():
        mirrored = _mlp()
        _clean(mirrored, x, maps, "dual_path")
    for name in ("encoder_1", "encoder_2", "encoder_3"):
        np.testing.assert_allclose(
            mirrored.get_layer(name).kernel.numpy(),
            single.get_layer(name).kernel.numpy(),
            atol=1e-5,
        )


@pytest.mark.parametrize("make", [_mlp, _cnn])
@pytest.mark.slow
def test_mixed_precision(make, images):
    keras.config.set_dtype_policy("mixed_float16")
    x, maps, labels = images
    model = make()
    history = _pretrainer("dual_path", epochs=2).pretrain(model, x, maps)
    assert all(np.isfinite(v).all() for stage in history for v in stage.values())
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, labels, epochs=1, verbose=0)
    assert model.predict(x, verbose=0).dtype == np.float32


@pytest.mark.slow
def test_every_method_runs_on_both_kinds(images):
    x, maps, _ = images
    for make in (_mlp, _cnn):
        for method in METHODS:
            model = make()
            history = _pretrainer(method).pretrain(model, x, maps)
            assert len(history) == len(model.encoder_layers)


def test_pretrainer_rejects_bad_arguments_and_data(images):
    x, maps, _ = images
    model = _mlp()
    for kwargs, match in (
        ({"method": "vae"}, "method"),
        ({"noise": "salt"}, "noise"),
        ({"noise_level": 1.0}, "noise_level"),
        ({"epochs": 0}, "epochs"),
        ({"saliency_weight": -0.5}, "saliency_weight"),
        ({"foreground_eps": -1}, "foreground_eps"),
        ({"learning_rate": 0}, "learning_rate"),
    ):
        with pytest.raises(ValueError, match=match):
            GreedyPretrainer(**kwargs)
    with pytest.raises(TypeError, match="optimizer"):
        GreedyPretrainer(optimizer=keras.optimizers.Adam())
    pretrainer = _pretrainer("saliency_first")
    with pytest.raises(ValueError, match="needs saliency maps"):
        pretrainer.pretrain(model, x)
    with pytest.raises(ValueError, match="saliency"):
        pretrainer.pretrain(model, x, maps[:, :4])
    with pytest.raises(ValueError, match=r"\[0.0, 1.0\]"):
        pretrainer.pretrain(model, x, maps * 3)
    with pytest.raises(ValueError, match="maps"):
        pretrainer.pretrain(model, x, maps[:10])
    bad = x.copy()
    bad[1, 2, 3, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        pretrainer.pretrain(model, bad, maps)
    with pytest.raises(ValueError, match="0 rows"):
        pretrainer.pretrain(model, x[:0], maps[:0])
    with pytest.raises(ValueError, match="input shape"):
        pretrainer.pretrain(model, x[:, :4, :4], maps)
    with pytest.raises(ValueError, match=r"\(images, maps\)"):
        pretrainer.pretrain(model, tf.data.Dataset.from_tensor_slices(x).batch(8))
    labelled = tf.data.Dataset.from_tensor_slices((x, np.arange(N) % 3)).batch(8)
    with pytest.raises(ValueError, match=r"maps must be batches of shape \(batch, 8, 8\)"):
        pretrainer.pretrain(model, labelled)
    with pytest.raises(ValueError, match="images must be batches"):
        pretrainer.pretrain(model, tf.data.Dataset.from_tensor_slices((maps, maps)).batch(8))
    with pytest.raises(ValueError, match="auxiliary_units"):
        _pretrainer("dual_path", auxiliary_units=[4]).pretrain(model, x, maps)
    with pytest.raises(ValueError, match="first pre-trained layer must take the image"):
        _pretrainer("foreground").pretrain(model, x, maps, layers=[model.get_layer("encoder_2")])
    with pytest.raises(TypeError, match="Dense or Conv2D"):
        _pretrainer().pretrain(model, x, layers=[model.get_layer("flatten")])
    plain = keras.Sequential([keras.Input((SIZE, SIZE, 3)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="encoder_"):
        _pretrainer().pretrain(plain, x)


def test_any_functional_model_with_explicit_layers(images):
    x, maps, _ = images
    inputs = keras.Input((SIZE, SIZE, 3))
    h = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(inputs)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="c2")(h)
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Flatten()(h))
    model = keras.Model(inputs, outputs)
    layers = [model.get_layer("c1"), model.get_layer("c2")]
    before = layers[1].kernel.numpy().copy()
    pretrainer = _pretrainer("dual_path")
    pretrainer.pretrain(model, x, maps, layers=layers)
    assert not np.allclose(layers[1].kernel.numpy(), before)
    assert pretrainer.auxiliary_stack.get_layer("aux_pool_1") is not None


@pytest.mark.parametrize("scale, match", [(255.0, "minmax_scale"), (1e30, "magnitudes")])
def test_pretrainer_rejects_unscaled_images(images, scale, match):
    """Issue 15: 0..255 images trained on with losses in the thousands; 1e30 gave NaN."""
    x, maps, _ = images
    model = _mlp()
    before = model.get_layer("encoder_1").kernel.numpy()
    with pytest.raises(ValueError, match=match):
        _pretrainer("dae").pretrain(model, x * scale)
    np.testing.assert_array_equal(model.get_layer("encoder_1").kernel.numpy(), before)
    _pretrainer("dae").pretrain(model, x * 2 - 1)  # [-1, 1] (or standardised) images are fine


@pytest.mark.parametrize(
    "images_of, maps_of, match",
    [
        (lambda x: x * 255, lambda m: m, "images that are not finite and in"),
        (lambda x: np.where(x > 0.99, np.nan, x), lambda m: m, "minmax_scale"),
        (lambda x: x, lambda m: m * 3, r"maps that are not in \[0, 1\]"),
    ],
)
def test_pretrainer_checks_dataset_batches(images, images_of, maps_of, match):
    x, maps, _ = images
    data = tf.data.Dataset.from_tensor_slices((images_of(x), maps_of(maps))).batch(16)
    with pytest.raises(ValueError, match=match):
        _pretrainer("saliency_all").pretrain(_mlp(), data)
