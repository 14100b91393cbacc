import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.neural_network import BernoulliRBM

import mlzoo
from mlzoo.models.rbm import (
    RBM,
    energy,
    free_energy,
    hidden_probabilities,
    philox,
    pseudo_log_likelihood,
    visible_mean,
)
from mlzoo.models.rbm.sampling import FLIPPED, HIDDEN, VISIBLE, RowSlice, step_seed, stream_key


@pytest.fixture(scope="module")
def binary_digits():
    (x, _), (x_test, _) = mlzoo.datasets.load("digits", scale=True)
    return (x > 0.5).astype("float32"), (x_test > 0.5).astype("float32")


def random_parameters(visible, hidden, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, 0.7, (visible, hidden)).astype("float32"),
        rng.normal(0, 0.5, visible).astype("float32"),
        rng.normal(0, 0.5, hidden).astype("float32"),
    )


def numpy_of(value):
    return keras.ops.convert_to_numpy(value).astype("float64")


@pytest.mark.parametrize("visible_type", ["bernoulli", "gaussian"])
def test_free_energy_and_conditionals_match_enumeration(visible_type):
    kernel, b, c = random_parameters(3, 4)
    rng = np.random.default_rng(1)
    v = (rng.random((5, 3)) < 0.5) if visible_type == "bernoulli" else rng.normal(size=(5, 3))
    v = v.astype("float32")
    states = np.array(list(itertools.product([0, 1], repeat=4)), "float32")  # all 16 h
    energies = np.stack(
        [numpy_of(energy(v, np.repeat(h[None], 5, 0), kernel, b, c, visible_type)) for h in states]
    )  # (16, 5)
    expected = -np.log(np.exp(-energies).sum(0))
    np.testing.assert_allclose(numpy_of(free_energy(v, kernel, b, c, visible_type)), expected, 1e-5)
    # P(h_j = 1 | v) is the Boltzmann weight of the states with h_j = 1
    weights = np.exp(-energies) / np.exp(-energies).sum(0)
    np.testing.assert_allclose(
        numpy_of(hidden_probabilities(v, kernel, c)), (states.T @ weights).T, atol=1e-6
    )
    h = states[[3, 9]]
    mean = b + h @ kernel.T
    expected_mean = mean if visible_type == "gaussian" else 1 / (1 + np.exp(-mean))
    np.testing.assert_allclose(
        numpy_of(visible_mean(h, kernel, b, visible_type)), expected_mean, atol=1e-6
    )


def test_one_flip_pseudo_likelihood_is_d_times_the_conditional():
    kernel, b, c = random_parameters(4, 3)
    states = np.array(list(itertools.product([0, 1], repeat=4)), "float32")  # all 16 v
    log_p = -numpy_of(free_energy(states, kernel, b, c))  # unnormalised log P(v)
    for i in range(4):
        flipped = states.copy()
        flipped[:, i] = 1 - flipped[:, i]
        partner = np.array([np.flatnonzero((states == f).all(1))[0] for f in flipped])
        conditional = log_p - np.logaddexp(log_p, log_p[partner])  # log P(v_i | v_-i)
        estimate = pseudo_log_likelihood(states, np.full(16, i), kernel, b, c)
        np.testing.assert_allclose(numpy_of(estimate), 4 * conditional, atol=1e-5)


class GivenRandomState(np.random.RandomState):
    """sklearn's generator with the uniforms / integers replaced by given arrays, in order."""

    def __init__(self, uniforms=(), integers=()):
        super().__init__(0)
        self.uniforms, self.integers = list(uniforms), list(integers)

    def uniform(self, low=0.0, high=1.0, size=None):
        value = self.uniforms.pop(0)
        assert value.shape == tuple(size)
        return value.astype("float64")

    def randint(self, low, high=None, size=None, dtype=int):
        return self.integers.pop(0)


def sklearn_copy(rbm: RBM, random_state=None) -> BernoulliRBM:
    reference = BernoulliRBM(rbm.get_config()["hidden"], random_state=random_state)
    reference.components_ = numpy_of(rbm.kernel).T.copy()
    reference.intercept_visible_ = numpy_of(rbm.visible_bias)
    reference.intercept_hidden_ = numpy_of(rbm.hidden_bias)
    reference.n_features_in_ = rbm.get_config()["visible"]
    return reference


@pytest.mark.parametrize(
    "seed", [(0, 0), (5, 3), (2**31 - 1, 123456), (-5, 1_000_000), (-(2**31), -1), (7, 2**33 + 5)]
)
def test_philox_in_keras_ops_draws_tensorflows_stream(seed):
    """The draws a JAX step makes are TensorFlow's stateless ones, bit for bit."""
    tf_seed = np.array(seed, "int64")
    for shape in [(1,), (7, 5), (33, 64)]:
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(philox.uniform(shape, seed)),
            tf.random.stateless_uniform(shape, tf_seed).numpy(),
        )
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(philox.integers(shape, seed, 64)),
            tf.random.stateless_uniform(shape, tf_seed, maxval=64, dtype=tf.int32).numpy(),
        )
        np.testing.assert_allclose(  # Box-Muller's log, sin and cos: float32 rounding
            keras.ops.convert_to_numpy(philox.normal(shape, seed)),
            tf.random.stateless_normal(shape, tf_seed).numpy(),
            atol=1e-5,
        )
    folded = philox.fold_in(seed, FLIPPED)
    assert [int(keras.ops.convert_to_numpy(folded[0])), folded[1]] == list(
        tf.random.fold_in(tf_seed, FLIPPED).numpy()
    )
    # a step's int32 seed as a tensor (sign extended) gives the same stream
    key = (keras.ops.convert_to_tensor(np.int32(folded[0])), 3)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(philox.uniform((5, 3), key)),
        tf.random.stateless_uniform((5, 3), tf.random.fold_in(tf_seed, 3)).numpy(),
    )


def test_initial_kernel_is_keras_tensorflow_random_normal():
    """A seed gives the same RBM on every backend: Keras' RandomNormal as TensorFlow draws it."""
    for seed in (0, 3, 2**31 + 5):
        expected = tf.random.stateless_normal((64, 32), [seed % (2**31 - 2), 0]).numpy() * 0.01
        np.testing.assert_allclose(
            numpy_of(RBM(64, 32, seed=seed).kernel), expected, rtol=1e-5, atol=1e-7
        )


def test_free_energy_and_pseudo_likelihood_equal_sklearn(binary_digits):
    x = binary_digits[1][:50]
    rbm = RBM(64, 20, weight_scale=0.5, seed=2)
    flipped = np.random.default_rng(0).integers(0, 64, 50)
    reference = sklearn_copy(rbm, GivenRandomState(integers=[flipped]))
    params = (rbm.kernel, rbm.visible_bias, rbm.hidden_bias)
    np.testing.assert_allclose(
        numpy_of(free_energy(x, *params)), reference._free_energy(x.astype("float64")), 1e-5
    )
    np.testing.assert_allclose(
        numpy_of(pseudo_log_likelihood(x, flipped, *params)), reference.score_samples(x), 1e-5
    )
    np.testing.assert_allclose(rbm.transform(x), reference.transform(x), atol=1e-6)


def test_pcd1_update_is_sklearns(binary_digits):
    """PCD-1 with one chain per batch sample and SGD(lr): sklearn's `_fit`, given its uniforms."""
    x, batch, seed = binary_digits[0][:30], 10, 5
    rbm = RBM(64, 16, persistent=True, persistent_chains=batch, weight_scale=0.1, seed=seed)
    rbm.compile(optimizer=keras.optimizers.SGD(0.3))
    reference = sklearn_copy(rbm)
    reference.learning_rate, reference.h_samples_ = 0.3, np.zeros((batch, 16))
    history = rbm.fit(x, batch_size=batch, shuffle=False, verbose=0)
    chains = RowSlice(batch)
    for step in range(3):
        uniforms = [
            numpy_of(chains.uniform(stream_key(step_seed(seed, step), VISIBLE), 64)),
            numpy_of(chains.uniform(stream_key(step_seed(seed, step), HIDDEN), 16)),
        ]
        reference._fit(x[step * batch : (step + 1) * batch], GivenRandomState(uniforms))
    np.testing.assert_allclose(numpy_of(rbm.kernel), reference.components_.T, atol=1e-6)
    np.testing.assert_allclose(numpy_of(rbm.visible_bias), reference.intercept_visible_, atol=1e-6)
    np.testing.assert_allclose(numpy_of(rbm.hidden_bias), reference.intercept_hidden_, atol=1e-6)
    np.testing.assert_array_equal(numpy_of(rbm.chains), reference.h_samples_)
    assert int(rbm.step.numpy()) == 3
    assert set(history.history) == {"loss", "reconstruction_error", "pseudo_log_likelihood"}
    assert history.history["loss"] == history.history["reconstruction_error"]


@pytest.mark.parametrize("persistent", [False, True])
def test_learns_binarised_digits(binary_digits, persistent):
    x, x_test = binary_digits
    rbm = RBM(64, 64, k=2, persistent=persistent, persistent_chains=20, seed=0)
    before = rbm.evaluate(x_test, verbose=0, return_dict=True)
    rbm.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5))
    history = rbm.fit(x, epochs=4, batch_size=20, verbose=0).history
    after = rbm.evaluate(x_test, verbose=0, return_dict=True)
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]
    assert after["reconstruction_error"] < 0.6 * before["reconstruction_error"]
    assert after["pseudo_log_likelihood"] > before["pseudo_log_likelihood"] + 10  # -44 -> -23
    reconstruction = rbm.reconstruct(x_test)
    assert reconstruction.shape == x_test.shape
    np.testing.assert_allclose(
        np.mean((reconstruction - x_test) ** 2), after["reconstruction_error"], rtol=1e-5
    )
    assert rbm.transform(x_test).shape == (len(x_test), 64)


def test_gaussian_visibles_learn_standardised_data():
    (x, _), _ = mlzoo.datasets.load("digits")
    x = ((x - x.mean(0)) / (x.std(0) + 1e-6)).astype("float32")
    rbm = RBM(64, 32, visible_type="gaussian", seed=0)
    rbm.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5))
    history = rbm.fit(x, epochs=3, batch_size=20, verbose=0).history
    assert set(history) == {"loss", "reconstruction_error"}  # the pseudo-likelihood: 0/1 units
    assert history["reconstruction_error"][-1] < 0.8 * history["reconstruction_error"][0]
    # the unit-variance Gaussian mean b + W h reconstructs standardised data (variance 1)
    assert np.mean((rbm.reconstruct(x) - x) ** 2) < 0.7
    assert np.isfinite(rbm.sample(4, gibbs_steps=10)).all()


def test_cd_numpy_dataset_steps_per_execution_and_mirrored_agree(binary_digits, request):
    """CD-k (the conformance suite runs persistent CD): each replica takes its rows' draws.

    2 devices (MirroredStrategy, or JAX's DataParallel) run last: on JAX the fixture
    sets DataParallel for the rest of the test.
    """
    x, persistent = binary_digits[0][:96], False
    runs = []
    for mode in ("numpy", "dataset", "spe", "mirrored"):
        if mode == "mirrored":
            scope = request.getfixturevalue("two_device_strategy").scope()
        else:
            scope = tf.device("/cpu:0")
        with scope:
            rbm = RBM(64, 12, k=2, persistent=persistent, persistent_chains=8, seed=1)
            rbm.compile(
                optimizer=keras.optimizers.SGD(0.1), steps_per_execution=32 if mode == "spe" else 1
            )
        if mode == "dataset":
            dataset = tf.data.Dataset.from_tensor_slices(x).batch(16)
            history = rbm.fit(dataset, epochs=2, shuffle=False, verbose=0)
        else:
            history = rbm.fit(x, batch_size=16, epochs=2, shuffle=False, verbose=0)
        assert int(rbm.step.numpy()) == 12
        runs.append((numpy_of(rbm.kernel), history.history))
    for kernel, logs in runs[1:]:
        np.testing.assert_allclose(kernel, runs[0][0], atol=1e-6)
        for name, values in logs.items():
            np.testing.assert_allclose(values, runs[0][1][name], rtol=1e-5)


def test_mixed_precision_keeps_float32(binary_digits):
    keras.config.set_dtype_policy("mixed_float16")
    x = binary_digits[0][:200]
    rbm = RBM(64, 16, persistent=True, persistent_chains=20, seed=0)
    history = rbm.fit(x, epochs=2, batch_size=20, verbose=0).history
    assert rbm.kernel.dtype == "float32" and rbm.chains.dtype == "float32"
    assert rbm.predict(x, verbose=0).dtype == np.float32
    assert np.isfinite(history["pseudo_log_likelihood"]).all()
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]


def test_save_and_load_keep_outputs_and_training_state(binary_digits, tmp_path):
    x = binary_digits[0][:120]
    rbm = RBM(64, 10, k=2, persistent=True, persistent_chains=20, seed=4)
    rbm.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), steps_per_execution=3)
    rbm.fit(x, batch_size=20, verbose=0)
    rbm.save(tmp_path / "rbm.keras")
    restored = keras.models.load_model(tmp_path / "rbm.keras")
    assert isinstance(restored, RBM) and restored.get_config() == rbm.get_config()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), rbm.predict(x, verbose=0))
    np.testing.assert_array_equal(restored.reconstruct(x), rbm.reconstruct(x))
    np.testing.assert_array_equal(restored.sample(3, 5, seed=1), rbm.sample(3, 5, seed=1))
    np.testing.assert_array_equal(numpy_of(restored.chains), numpy_of(rbm.chains))
    # chains, step counter and momentum all came back: training goes on identically
    for model in (rbm, restored):
        model.fit(x, batch_size=20, shuffle=False, verbose=0)
    np.testing.assert_allclose(numpy_of(restored.kernel), numpy_of(rbm.kernel), atol=1e-7)


def test_feature_extractor_in_a_functional_model_and_sampling(binary_digits):
    x = binary_digits[0][:64]
    rbm = RBM(64, 8, seed=0)
    inputs = keras.Input((64,))
    classifier = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(rbm(inputs)))
    assert classifier.predict(x, verbose=0).shape == (64, 3)
    np.testing.assert_allclose(rbm(x), rbm.transform(x), atol=1e-6)
    samples = rbm.sample(5, gibbs_steps=20, seed=3)
    assert samples.shape == (5, 64) and ((samples >= 0) & (samples <= 1)).all()
    np.testing.assert_array_equal(samples, rbm.sample(5, gibbs_steps=20, seed=3))
    assert not np.array_equal(samples, rbm.sample(5, gibbs_steps=20, seed=4))


@pytest.mark.parametrize("persistent", [False, True])
def test_sample_weight_scales_each_samples_statistics(binary_digits, persistent):
    """sum_b s_b g_b / N: weights 2 double the step (= twice the rate), weights 0 leave the
    parameters as they are."""
    x = binary_digits[0][:40]

    def parameters(rate, weights):
        rbm = RBM(64, 8, k=2, persistent=persistent, persistent_chains=10, seed=3)
        rbm.compile(optimizer=keras.optimizers.SGD(rate))
        rbm.fit(x, sample_weight=weights, batch_size=10, shuffle=False, verbose=0)
        return [numpy_of(w) for w in (rbm.kernel, rbm.visible_bias, rbm.hidden_bias)], rbm

    start = [numpy_of(w) for w in RBM(64, 8, seed=3).trainable_weights]
    untouched, rbm = parameters(0.1, np.zeros(40))
    for before, after in zip(start, untouched, strict=True):
        np.testing.assert_array_equal(after, before)
    assert int(rbm.step.numpy()) == 4  # the chains and the step counter still advance
    doubled, _ = parameters(0.1, np.full(40, 2.0))
    for a, b in zip(doubled, parameters(0.2, None)[0], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    halves = np.tile(np.repeat([1.0, 0.0], 5), 4)
    weighted = rbm.evaluate(x, sample_weight=halves, verbose=0, return_dict=True)
    plain = rbm.evaluate(x[halves == 1], verbose=0, return_dict=True)
    assert weighted["reconstruction_error"] == pytest.approx(plain["reconstruction_error"])


def test_clear_errors(binary_digits, two_device_strategy):
    x = binary_digits[0][:32]
    rbm = RBM(64, 8, seed=0)
    with pytest.raises(ValueError, match="takes no labels"):
        rbm.fit(x, np.zeros(32), verbose=0)
    with pytest.raises(ValueError, match=r"shape \(num_samples, 64\)"):
        rbm.fit(x[:, :10], verbose=0)
    with pytest.raises(ValueError, match=r"shape \(batch, 64\)"):
        rbm.fit(tf.data.Dataset.from_tensor_slices(x[:, :10]).batch(8), verbose=0)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rbm.predict(bad)
    with pytest.raises(ValueError, match=r"in \[0.0, 1.0\].*visible_type='gaussian'"):
        rbm.fit(2 * x - 0.5, verbose=0)
    with pytest.raises(ValueError, match="validation x"):
        rbm.fit(x, validation_data=x[:, :3], verbose=0)
    RBM(64, 8, visible_type="gaussian").fit(2 * x - 0.5, verbose=0)  # real values are fine
    with pytest.raises(ValueError, match="without `loss`"):
        rbm.compile(loss="mse")
    gaussian = RBM(64, 8, visible_type="gaussian")
    with pytest.raises(ValueError, match="magnitudes up to"):
        gaussian.fit(x * 1e30, verbose=0)
    for kwargs, message in (
        ({"visible": 0}, "visible"),
        ({"hidden": 2.5}, "hidden"),
        ({"visible_type": "binary"}, "visible_type"),
        ({"k": 0}, "`k`"),
        ({"persistent": "yes"}, "persistent"),
        ({"persistent_chains": 0}, "persistent_chains"),
        ({"weight_scale": 0.0}, "weight_scale"),
        ({"seed": -1}, "seed"),
    ):
        with pytest.raises(ValueError, match=message):
            RBM(**{"visible": 64, "hidden": 8, **kwargs})
    with pytest.raises(ValueError, match="gibbs_steps"):
        rbm.sample(2, gibbs_steps=0)
    with two_device_strategy.scope():
        odd = RBM(64, 8, persistent=True, persistent_chains=3)
    if keras.backend.backend() != "tensorflow":  # a DataParallel step runs every chain
        odd.fit(x, verbose=0)
        return
    with pytest.raises(ValueError, match="multiple of the 2 replicas"):
        odd.fit(x, verbose=0)
