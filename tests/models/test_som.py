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
    decay = SOMDecay()
    logs = som.fit(x, epochs=8, batch_size=32, verbose=0, callbacks=[decay]).history
    # the loss is the quantization error; sigma and eta are schedule values, not logged
    assert set(logs) == {"loss", "quantization_error", "topographic_error"}
    assert logs["loss"] == logs["quantization_error"]
    assert decay.history["sigma"][0] > decay.history["sigma"][-1] == pytest.approx(1.0)
    assert decay.history["learning_rate"][-1] == pytest.approx(0.01)
    assert som.current_rates() == pytest.approx((1.0, 0.01))
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


def test_decay_schedules_and_callback(digits):
    progress = keras.ops.convert_to_tensor([0.0, 0.5, 1.0])
    np.testing.assert_allclose(decayed(3.0, 1.0, progress, "asymptotic"), [3, 1.5, 1])
    np.testing.assert_allclose(decayed(3.0, 1.0, progress, "linear"), [3, 2, 1])
    np.testing.assert_allclose(decayed(4.0, 1.0, progress, "exponential"), [4, 2, 1], rtol=1e-6)
    np.testing.assert_allclose(decayed(4.0, 1.0, progress, "constant"), [4, 4, 4])
    x = digits[0][:64]
    som = SelfOrganizingMap(3, 3, 64, sigma=2.0, sigma_end=0.5, decay="linear", x_init=x)
    decay = SOMDecay(total_steps=16)
    som.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[decay])
    # after 4 and 8 of 16 steps: sigma a quarter and half way from 2.0 to 0.5
    assert decay.history["sigma"] == pytest.approx([2.0 - 1.5 * 4 / 16, 2.0 - 1.5 * 8 / 16])
    assert som.current_rates()[0] == pytest.approx(1.25)
    decay = SOMDecay(total_steps=16, restart=False)
    som.fit(x, batch_size=16, epochs=2, verbose=0, callbacks=[decay])
    assert decay.history["sigma"][-1] == pytest.approx(0.5)


def test_decay_restarts_before_backup_and_restore_resumes(digits, tmp_path):
    """A crash at epoch 5 of 10 and a resume give the uninterrupted map exactly, with the
    SOMDecay that fit adds and with one passed after BackupAndRestore."""
    x = digits[0][:96]

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 5:
                raise RuntimeError("crash")

    def run(*callbacks):
        som = SelfOrganizingMap(4, 4, 64, x_init=x)
        som.fit(x, epochs=10, batch_size=32, shuffle=False, verbose=0, callbacks=list(callbacks))
        return som

    straight = keras.ops.convert_to_numpy(run().codebook)
    for index, extra in enumerate(([], [SOMDecay()])):
        backup = keras.callbacks.BackupAndRestore(str(tmp_path / str(index)))
        with pytest.raises(RuntimeError, match="crash"):
            run(backup, Crash(), *extra)
        resumed = run(backup, *extra)
        assert float(resumed.step.numpy()) == 30
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(resumed.codebook), straight)


def test_sample_weight_counts_samples(digits):
    """Weight 0 drops a sample from its batch's update, weight 2 counts it twice."""
    x = digits[0][:16]

    def codebook(data, **fit):
        som = SelfOrganizingMap(3, 3, 64, x_init=digits[0][:100])
        som.fit(data, epochs=1, batch_size=len(data), verbose=0, **fit)
        return keras.ops.convert_to_numpy(som.codebook)

    start = SelfOrganizingMap(3, 3, 64, x_init=digits[0][:100])
    untouched = codebook(x, sample_weight=np.zeros(16))
    np.testing.assert_array_equal(untouched, keras.ops.convert_to_numpy(start.codebook))
    halves = np.repeat([1.0, 0.0], 8)
    np.testing.assert_allclose(codebook(x, sample_weight=halves), codebook(x[:8]), atol=1e-6)
    doubled = np.ones(16)
    doubled[3] = 2.0
    np.testing.assert_allclose(
        codebook(x, sample_weight=doubled), codebook(np.concatenate([x, x[3:4]])), atol=1e-6
    )
    som = SelfOrganizingMap(3, 3, 64, x_init=x)
    weighted = som.evaluate(x, sample_weight=halves, verbose=0, return_dict=True)
    assert weighted["quantization_error"] == pytest.approx(som.quantization_error(x[:8]))


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
        ({"init": "grid"}, "init"),
        ({"sigma": 1.0, "sigma_end": 2.0}, "`sigma_end`=2 exceeds `sigma`=1"),
        ({"learning_rate": 0.1, "learning_rate_end": 0.2}, "`learning_rate_end`=0.2 exceeds"),
        ({"x_init": x * 1e30}, "x_init` holds magnitudes"),
        ({"x_init": x[:0]}, "x_init` has 0 rows"),
    ):
        arguments = {"rows": 3, "cols": 3, "input_dim": 64, **kwargs}
        with pytest.raises(ValueError, match=message):
            SelfOrganizingMap(**arguments)
    # schedules that ignore the end values, and a map smaller than the default end radius
    SelfOrganizingMap(3, 3, 64, sigma=1.0, sigma_end=2.0, decay="asymptotic")
    assert SelfOrganizingMap(1, 1, 64).current_rates()[0] == 0.5
    with pytest.raises(ValueError, match="without `optimizer`"):
        som.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="without `loss`"):
        som.compile(loss="mse")
    unknown_length = tf.data.Dataset.from_generator(
        lambda: iter(x), output_signature=tf.TensorSpec((64,), "float32")
    ).batch(8)
    with pytest.raises(ValueError, match="total_steps"):
        som.fit(unknown_length, verbose=0)
    with pytest.raises(ValueError, match="the dataset is empty"):
        som.fit(unknown_length.filter(lambda batch: False), verbose=0)
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.compile("sgd", "mse")
    with pytest.raises(TypeError, match="SelfOrganizingMap"):
        plain.fit(np.zeros((4, 2)), np.zeros(4), verbose=0, callbacks=[SOMDecay()])
