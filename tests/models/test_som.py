import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo.callbacks import SOMDecay
from mlzoo.models import SelfOrganizingMap
from mlzoo.models.som import decayed, init_codebook, u_matrix


@pytest.fixture(scope="module")
def digits():
    (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
    return x.astype("float32"), y, x_test.astype("float32"), y_test


def online_som(codebook, x, rows, cols, sigma, eta):
    """Reference: the textbook online rule with MiniSom's asymptotic decay, one sample a step."""
    w = codebook.astype("float64").copy()
    grid = np.stack(np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij"), -1).reshape(-1, 2)
    for t, sample in enumerate(x):
        shrink = 1 + t / (len(x) / 2)
        winner = np.argmin(((w - sample) ** 2).sum(1))
        h = np.exp(-((grid - grid[winner]) ** 2).sum(1) / (2 * (sigma / shrink) ** 2))
        w += (eta / shrink) * h[:, None] * (sample - w)
    return w


def test_one_sample_per_batch_is_the_online_rule(digits):
    x = digits[0][:120]
    som = SelfOrganizingMap(4, 5, 64, sigma=1.5, learning_rate=0.5, decay="asymptotic", x_init=x)
    expected = online_som(keras.ops.convert_to_numpy(som.codebook), x, 4, 5, 1.5, 0.5)
    som.fit(x, batch_size=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(som.codebook), expected, atol=1e-5)


def test_matches_minisom_sample_for_sample(digits):
    minisom = pytest.importorskip("minisom")
    x = digits[0][:100]
    som = SelfOrganizingMap(5, 6, 64, sigma=2.0, learning_rate=0.5, decay="asymptotic", x_init=x)
    reference = minisom.MiniSom(5, 6, 64, sigma=2.0, learning_rate=0.5)
    reference._weights = som.codebook_grid().astype("float64")
    som.fit(x, batch_size=1, shuffle=False, verbose=0)
    reference.train(x, len(x))
    np.testing.assert_allclose(som.codebook_grid(), reference.get_weights(), atol=1e-5)
    assert som.quantization_error(x) == pytest.approx(reference.quantization_error(x), rel=1e-5)
    assert som.topographic_error(x) == pytest.approx(reference.topographic_error(x))


def test_organises_digits(digits):
    x, y, x_test, y_test = digits
    som = SelfOrganizingMap(8, 8, 64, x_init=x)
    before = som.quantization_error(x_test)
    history = som.fit(x, epochs=8, batch_size=32, verbose=0)
    logs = history.history
    assert set(logs) >= {"quantization_error", "topographic_error", "sigma", "learning_rate"}
    assert logs["sigma"][0] > logs["sigma"][-1] == pytest.approx(1.0, rel=0.05)
    assert som.quantization_error(x_test) < 0.85 * before  # PCA start: 1.87 -> 1.53
    assert som.topographic_error(x_test) < 0.15
    # units labelled by the majority class of their training hits classify the test set
    winners, test_winners = som.winner_index(x), som.winner_index(x_test)
    votes = np.zeros((64, 10))
    np.add.at(votes, winners, np.eye(10)[y])
    assert (votes.argmax(1)[test_winners] == y_test).mean() > 0.8
    coords = som.predict(x_test, verbose=0)
    distances = ((x_test[:, None] - keras.ops.convert_to_numpy(som.codebook)[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(coords[:, 0] * 8 + coords[:, 1], distances.argmin(1))
    hits = som.hit_map(x_test)
    assert hits.shape == (8, 8) and hits.sum() == len(x_test)
    assert som.distance_map().shape == (8, 8)


def test_numpy_dataset_steps_per_execution_and_mirrored_agree(digits, mirrored_strategy):
    x = digits[0][:96]
    codebooks = []
    for mode in ("numpy", "dataset", "spe", "mirrored"):
        scope = mirrored_strategy.scope() if mode == "mirrored" else tf.device("/cpu:0")
        with scope:
            som = SelfOrganizingMap(4, 4, 64, x_init=x)
            som.compile(steps_per_execution=4 if mode == "spe" else 1)
        if mode == "dataset":
            som.fit(tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=2, verbose=0)
        else:
            som.fit(x, batch_size=16, epochs=2, shuffle=False, verbose=0)
        assert float(som.step.numpy()) == 12
        codebooks.append(keras.ops.convert_to_numpy(som.codebook))
    for codebook in codebooks[1:]:
        np.testing.assert_allclose(codebook, codebooks[0], atol=2e-5)


def test_mixed_precision(digits):
    keras.config.set_dtype_policy("mixed_float16")
    x = digits[0][:200]
    som = SelfOrganizingMap(5, 5, 64, x_init=x)
    som.fit(x, epochs=2, batch_size=20, verbose=0)
    codebook = keras.ops.convert_to_numpy(som.codebook)
    assert codebook.dtype == np.float32 and np.isfinite(codebook).all()
    assert som.quantization_error(x) < 3.0


def test_save_and_load(digits, tmp_path):
    x = digits[0][:200]
    som = SelfOrganizingMap(5, 4, 64, sigma=2.0, decay="linear", x_init=x, init="sample")
    som.fit(x, epochs=1, batch_size=20, verbose=0)
    som.save(tmp_path / "som.keras")
    restored = keras.models.load_model(tmp_path / "som.keras")
    assert isinstance(restored, SelfOrganizingMap)
    assert restored.get_config()["decay"] == "linear"
    np.testing.assert_array_equal(restored.predict(x, verbose=0), som.predict(x, verbose=0))
    np.testing.assert_array_equal(restored.codebook_grid(), som.codebook_grid())
    assert float(restored.step.numpy()) == 10


def test_decay_schedules_and_callback(digits):
    progress = tf.constant([0.0, 0.5, 1.0])
    np.testing.assert_allclose(decayed(3.0, 1.0, progress, "asymptotic"), [3, 1.5, 1])
    np.testing.assert_allclose(decayed(3.0, 1.0, progress, "linear"), [3, 2, 1])
    np.testing.assert_allclose(decayed(4.0, 1.0, progress, "exponential"), [4, 2, 1], rtol=1e-6)
    np.testing.assert_allclose(decayed(4.0, 1.0, progress, "constant"), [4, 4, 4])
    x = digits[0][:64]
    som = SelfOrganizingMap(3, 3, 64, sigma=2.0, sigma_end=0.5, decay="linear", x_init=x)
    history = som.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[SOMDecay(total_steps=16)])
    # 8 of 16 steps done: sigma halfway from 2.0 to 0.5, read at the last step (t = 7)
    assert history.history["sigma"][-1] == pytest.approx(2.0 - 1.5 * 7 / 16)
    history = som.fit(
        x, batch_size=16, epochs=2, verbose=0, callbacks=[SOMDecay(total_steps=16, restart=False)]
    )
    assert history.history["sigma"][-1] == pytest.approx(2.0 - 1.5 * 15 / 16)


def test_init_methods_and_u_matrix(digits):
    x = digits[0]
    pca = init_codebook(x, 3, 4, "pca")
    assert pca.shape == (12, 64)
    np.testing.assert_allclose(pca.mean(0), x.mean(0), atol=1e-5)  # symmetric about the mean
    sample = init_codebook(x, 3, 4, "sample", seed=1)
    assert all((row == x).all(1).any() for row in sample)
    uniform = init_codebook(x, 3, 4, "random")
    assert (uniform >= x.min(0) - 1e-6).all() and (uniform <= x.max(0) + 1e-6).all()
    line = np.arange(3, dtype="float32").reshape(1, 3, 1)  # units at 0, 1, 2 on a 1 x 3 map
    np.testing.assert_allclose(u_matrix(line), [[1.0, 1.0, 1.0]])
    corner = np.zeros((2, 2, 1))
    corner[1, 1] = 3.0
    np.testing.assert_allclose(u_matrix(corner), [[1, 1], [1, 3]])


def test_clear_errors(digits):
    x = digits[0][:32]
    som = SelfOrganizingMap(3, 3, 64, x_init=x)
    with pytest.raises(ValueError, match="takes no labels"):
        som.fit(x, digits[1][:32], verbose=0)
    with pytest.raises(ValueError, match=r"shape \(num_samples, 64\)"):
        som.fit(x[:, :10], verbose=0)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        som.predict(bad)
    for kwargs, message in (
        ({"rows": 0}, "rows"),
        ({"sigma": -1.0}, "sigma"),
        ({"learning_rate": 1.5}, "learning_rate"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"decay": "cosine"}, "decay"),
        ({"init": "grid", "x_init": x}, "init"),
    ):
        arguments = {"rows": 3, "cols": 3, "input_dim": 64, **kwargs}
        with pytest.raises(ValueError, match=message):
            SelfOrganizingMap(**arguments)
    unknown_length = tf.data.Dataset.from_generator(
        lambda: iter(x), output_signature=tf.TensorSpec((64,), "float32")
    ).batch(8)
    with pytest.raises(ValueError, match="total_steps"):
        som.fit(unknown_length, verbose=0)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.compile("sgd", "mse")
    with pytest.raises(TypeError, match="SelfOrganizingMap"):
        plain.fit(np.zeros((4, 2)), np.zeros(4), verbose=0, callbacks=[SOMDecay()])
