import keras
import numpy as np
import pytest

from mlzoo import build_sharing_ensemble_cnn, build_sharing_ensemble_mlp, build_sharing_ensemble_rnn
from mlzoo.models.sharing import pyramid_widths
from mlzoo.models.sharing._backbone import tap_positions


def _layers_of(model, prefix):
    return [layer for layer in model.network.layers if layer.name.startswith(prefix)]


def test_tap_positions():
    assert tap_positions(8, 2) == [1, 3, 5, 7]
    assert tap_positions(5, 2) == [1, 3, 4]
    assert tap_positions(3, 3) == [2]
    assert tap_positions(3, 10) == [2]
    with pytest.raises(ValueError, match="head_every"):
        tap_positions(3, 0)


def test_mlp_defaults_are_table_2s_pyramid_with_20_heads():
    model = build_sharing_ensemble_mlp(3072, 10)
    widths = [layer.units for layer in _layers_of(model, "dense_")]
    assert widths == pyramid_widths(1024, 8) == [1024, 724, 512, 362, 256, 181, 128, 91]
    assert len(_layers_of(model, "bn_")) == 8
    assert isinstance(model.network.get_layer("act_1"), keras.layers.LeakyReLU)
    assert model.num_heads == 20 and model.head_taps == [t for t in range(4) for _ in range(5)]
    # heads read layers 2, 4, 6, 8
    for tap, layer in enumerate(["act_2", "act_4", "act_6", "act_8"], start=1):
        head = model.network.get_layer(f"head_t{tap}_1")
        assert head.input.shape[-1] == model.network.get_layer(layer).output.shape[-1]


def test_plain_dnn_is_one_head_on_top():
    model = build_sharing_ensemble_mlp(
        16, 26, depth=4, first_units=64, head_every=4, heads_per_tap=1
    )
    assert model.num_heads == 1
    assert model.network.get_layer("head_t1_1").input.shape[-1] == 23  # 64 / sqrt(2)^3


def test_cnn_defaults_follow_table_2():
    model = build_sharing_ensemble_cnn((32, 32, 3), 10)
    convs = _layers_of(model, "conv_")
    assert [c.filters for c in convs] == [64, 64, 64, 128, 128, 256, 256, 256]
    assert [c.strides[0] for c in convs] == [1, 2, 1, 2, 1, 2, 1, 2]
    assert all(c.padding == "same" and c.kernel_size == (3, 3) for c in convs)
    assert model.num_heads == 20
    # Table 2: the heads on layer 2 read a flattened 16x16x64 map (16384 inputs)
    assert model.network.get_layer("head_t1_1").kernel.shape == (16384, 10)
    assert model.network.get_layer("head_t4_1").kernel.shape == (1024, 10)


def test_cnn_depth_study_configuration_takes_grayscale_images():
    model = build_sharing_ensemble_cnn(
        (28, 28), 10, filters=[8] * 4, strides=[1] * 4, activation="tanh", batch_norm=False
    )
    assert not _layers_of(model, "bn_") and model.num_heads == 10
    assert model.network.get_layer("act_4").output.shape[1:] == (28, 28, 8)
    x = np.random.default_rng(0).random((4, 28, 28)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("kind, pooling_layer", [("lstm", "tap1_last"), ("conv1d", "tap1_max")])
def test_rnn_variants_for_text(kind, pooling_layer):
    model = build_sharing_ensemble_rnn(
        1, vocab_size=50, sequence_length=12, kind=kind, units=[8, 8, 8], heads_per_tap=2
    )
    assert model.num_heads == 6 and model.num_classes == 1
    model.network.get_layer(pooling_layer)
    tokens = np.random.default_rng(0).integers(0, 50, (32, 12))
    labels = (tokens[:, 0] > 25).astype("int64")
    model.compile(keras.optimizers.Adam(0.01))
    history = model.fit(tokens, labels, epochs=3, batch_size=8, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    assert model.predict(tokens, verbose=0).shape == (32, 1)


def test_rnn_last_step_head_reads_the_last_time_step():
    model = build_sharing_ensemble_rnn(3, input_shape=(5, 4), units=[6], heads_per_tap=1)
    x = np.random.default_rng(0).random((2, 5, 4)).astype("float32")
    lstm = keras.Model(model.network.inputs, model.network.get_layer("lstm_1").output)
    last = keras.Model(model.network.inputs, model.network.get_layer("tap1_last_flatten").output)
    np.testing.assert_allclose(last.predict(x, verbose=0), lstm.predict(x, verbose=0)[:, -1])


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: build_sharing_ensemble_mlp(0, 3), "input_dim"),
        (lambda: build_sharing_ensemble_mlp(8, 3, hidden_units=[]), "hidden_units"),
        (lambda: build_sharing_ensemble_mlp(8, 3, dropout=1.5), "dropout"),
        (lambda: build_sharing_ensemble_mlp(8, 0), "num_classes"),
        (lambda: build_sharing_ensemble_cnn((28,), 10), "input_shape"),
        (lambda: build_sharing_ensemble_cnn((28, 28), 10, strides=[3] * 8), "strides"),
        (lambda: build_sharing_ensemble_cnn((28, 28), 10, filters=[]), "filters"),
        (lambda: build_sharing_ensemble_rnn(2, input_shape=(5, 4), kind="gru"), "kind"),
        (lambda: build_sharing_ensemble_rnn(2), "either"),
        (lambda: build_sharing_ensemble_rnn(2, vocab_size=10), "sequence_length"),
        (lambda: build_sharing_ensemble_rnn(2, input_shape=(5,)), "input_shape"),
    ],
)
def test_builders_reject_bad_arguments(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_conv1d_variant_trains_saves_and_reloads(tmp_path):
    """The sequence-of-vectors conv1d variant (the conformance suite covers the others)."""
    model = build_sharing_ensemble_rnn(3, input_shape=(6, 4), kind="conv1d", units=[6, 6])
    rng = np.random.default_rng(0)
    x, y = rng.random((24, 6, 4)).astype("float32"), np.arange(24) % 3
    model.compile(keras.optimizers.Adam(0.01), metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "conv1d.keras")
    loaded = keras.models.load_model(tmp_path / "conv1d.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("tokens", [[[3, 50, 1]], [[3, -1, 1]], [[3, 2.5, 1]]])
def test_text_ensemble_rejects_token_ids_outside_the_vocabulary(tokens):
    model = build_sharing_ensemble_rnn(
        1, vocab_size=50, sequence_length=3, kind="conv1d", units=[4], heads_per_tap=1
    )
    assert model.vocab_size == 50
    x = np.array(tokens * 4)
    for call in (lambda: model.predict(x, verbose=0), lambda: model.fit(x, np.zeros(4))):
        with pytest.raises(ValueError, match=r"token ids in \[0, 49\].*vocab_size"):
            call()
    model.predict(np.array([[3, 49, 0]] * 4), verbose=0)  # the ends of the range are fine


def test_batch_norm_momentum_reaches_every_bn_layer_and_is_checked():
    for model in (
        build_sharing_ensemble_mlp(6, 3, hidden_units=[8, 8]),
        build_sharing_ensemble_cnn((8, 8), 3, filters=[4, 4]),
        build_sharing_ensemble_rnn(3, input_shape=(6, 4), kind="conv1d", units=[4, 4]),
    ):
        bns = _layers_of(model, "bn_")
        assert len(bns) == 2 and all(bn.momentum == 0.9 for bn in bns)
    model = build_sharing_ensemble_mlp(6, 3, hidden_units=[8, 8], batch_norm_momentum=0.5)
    assert [bn.momentum for bn in _layers_of(model, "bn_")] == [0.5, 0.5]
    for bad in (1.0, -0.1, "0.9"):
        with pytest.raises(ValueError, match="batch_norm_momentum"):
            build_sharing_ensemble_mlp(6, 3, hidden_units=[8], batch_norm_momentum=bad)


@pytest.mark.parametrize("momentum, converged", [(None, True), (0.99, False)])
def test_default_momentum_settles_the_moving_statistics_in_a_few_dozen_steps(momentum, converged):
    """Issue 15: at 0.99 the moving mean is still far from the data's after 32 steps."""
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 1.0, (256, 6)).astype("float32")
    y = (x[:, 0] > 3).astype("int64")
    keras.utils.set_random_seed(0)
    extra = {} if momentum is None else {"batch_norm_momentum": momentum}
    model = build_sharing_ensemble_mlp(6, 2, hidden_units=[8], heads_per_tap=1, **extra)
    model.compile(keras.optimizers.SGD(0.0))  # frozen weights: the statistics alone move
    model.fit(x, y, epochs=4, batch_size=32, shuffle=False, verbose=0)  # 32 steps
    dense = keras.Model(model.network.inputs, model.network.get_layer("dense_1").output)
    h = dense.predict(x, verbose=0)
    bn = model.network.get_layer("bn_1")
    error = np.abs(bn.moving_mean.numpy() - h.mean(0)).max() / np.abs(h.mean(0)).max()
    assert (error < 0.1) == converged, error


def test_mlp_kernel_initializer_reaches_the_hidden_layers():
    init = keras.initializers.RandomNormal(stddev=0.5**0.5, seed=0)
    model = build_sharing_ensemble_mlp(400, 3, hidden_units=[300, 200], kernel_initializer=init)
    kernel = model.network.get_layer("dense_1").kernel.numpy()
    assert abs(kernel.std() - 0.5**0.5) < 0.01  # the paper's variance 0.5
    assert model.network.get_layer("head_t1_1").kernel.numpy().std() < 0.2  # heads: Glorot
