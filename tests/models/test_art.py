import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo
from mlzoo.models.art import ART1, FuzzyART, FuzzyARTMAP, complement_code


@pytest.fixture(scope="module")
def digits():
    """The first 256 training digits in [0, 1] (k/16: every sum is exact) and their classes."""
    (x, y), _ = mlzoo.datasets.load("digits", scale=True)
    return x[:256].astype("float32"), y[:256]


def fitted(model, x, y=None, steps_per_execution=1, **fit_kwargs):
    model.compile(steps_per_execution=steps_per_execution)
    if not isinstance(x, tf.data.Dataset):
        fit_kwargs.setdefault("batch_size", 64)
    model.fit(x, y, verbose=0, **fit_kwargs)
    return model


def state(model) -> list[np.ndarray]:
    return [variable.numpy() for variable in model.weights]


def test_complement_code():
    np.testing.assert_array_equal(
        complement_code(np.array([[0.25, 1.0]], "float32")), [[0.25, 1.0, 0.75, 0.0]]
    )


def test_fuzzy_art_worked_example():
    # I1 = (.25,.75,.75,.25) commits w0 = I1. I2 = (.5,.5,.5,.5): |I2 ∧ w0| = 1.5,
    # M = 1.5/2 = .75 >= .7, so w0 <- .5 (I2 ∧ w0) + .5 w0 = (.25,.625,.625,.25).
    # I3 = (1,0,0,1): |I3 ∧ w0| = .5, M = .25 < .7: commits w1 = I3.
    x = np.array([[0.25, 0.75], [0.5, 0.5], [1.0, 0.0]], "float32")
    model = fitted(FuzzyART(2, max_categories=4, vigilance=0.7, choice=0.5, learning_rate=0.5), x)
    assert model.n_categories == 2
    expected = [[0.25, 0.625, 0.625, 0.25], [1.0, 0.0, 0.0, 1.0]]
    np.testing.assert_array_equal(model.committed_weights(), expected)
    # (.75, .25): T0 = .5/(.5+1.75) = .22 < T1 = 1/(.5+2) = .4
    np.testing.assert_array_equal(model.predict(np.array([[0.75, 0.25]]), verbose=0), [1])


def test_art1_worked_example():
    # d = 4, L = 2. (1,1,0,0) commits t0 = (1,1,0,0), b0 = 2/(1+4) t0. (1,1,1,0): M0 = 2/4 >= .5,
    # t0 unchanged, b0 = 2/(1+2) t0. (0,0,1,1): M0 = 0: commits t1, b1 = .4 t1.
    x = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], "float32")
    model = fitted(ART1(4, max_categories=4, vigilance=0.5, uncommitted_bias=2.0), x)
    b0, b1 = 2 / 3, 0.4
    expected = [[b0, b0, 0, 0, 1, 1, 0, 0], [0, 0, b1, b1, 0, 0, 1, 1]]
    np.testing.assert_allclose(model.committed_weights(), expected, rtol=1e-7)
    np.testing.assert_array_equal(model.predict(np.eye(4)[[0, 2]], verbose=0), [0, 1])


@pytest.mark.parametrize("epsilon, categories", [(1e-10, 3), (0.0, 2)])
def test_fuzzy_artmap_match_tracking(epsilon, categories):
    # w0 = (.25,.75) class 0; (.75,.25) class 1: M0 = .5, wrong class, commits w1 (class 1).
    # (.5,.5) class 1: T0 = T1, M0 = M1 = .75; w0 comes first (lower index), wrong class:
    # rho <- .75 + epsilon, so w1 passes only with epsilon = 0 (MT+ of artlib).
    x, y = np.array([[0.25], [0.75], [0.5]], "float32"), np.array([0, 1, 1])
    model = fitted(FuzzyARTMAP(1, 2, max_categories=4, epsilon=epsilon), x, y)
    assert model.n_categories == categories
    np.testing.assert_array_equal(
        model.category_labels.numpy()[:categories], [0, 1, 1][:categories]
    )
    np.testing.assert_array_equal(model.predict(x, verbose=0), y)
    if epsilon == 0:
        np.testing.assert_array_equal(model.committed_weights()[1], [0.5, 0.25])


@pytest.mark.slow
def test_identical_to_artlib(digits):
    artlib = pytest.importorskip("artlib")
    x, y = digits
    coded = np.asarray(complement_code(x), "float64")
    for rho, beta in ((0.75, 1.0), (0.6, 0.5)):
        ours = fitted(FuzzyART(64, 256, vigilance=rho, choice=0.001, learning_rate=beta), x)
        ours.fit(x, batch_size=64, epochs=1, verbose=0)  # a second presentation, as max_iter=2
        theirs = artlib.FuzzyART(rho=rho, alpha=0.001, beta=beta).fit(coded, max_iter=2)
        assert ours.n_categories == theirs.n_clusters
        np.testing.assert_allclose(ours.committed_weights(), np.array(theirs.W), atol=1e-6)
        np.testing.assert_array_equal(ours.predict(x, verbose=0), theirs.predict(coded))

    for rho in (0.0, 0.7):
        ours = fitted(FuzzyARTMAP(64, 10, 256, vigilance=rho), x, y)
        theirs = artlib.SimpleARTMAP(artlib.FuzzyART(rho=rho, alpha=0.001, beta=1.0)).fit(coded, y)
        assert ours.n_categories == theirs.n_clusters
        np.testing.assert_array_equal(ours.committed_weights(), np.array(theirs.module_a.W))
        mapped = [theirs.map[category] for category in range(theirs.n_clusters)]
        np.testing.assert_array_equal(ours.category_labels.numpy()[: ours.n_categories], mapped)
        categories, labels = theirs.predict_ab(coded)
        np.testing.assert_array_equal(ours.predict_categories(x), categories)
        np.testing.assert_array_equal(ours.predict(x, verbose=0), labels)

    binary = (x > 0.5).astype("float32")
    ours = fitted(ART1(64, 256, vigilance=0.2, uncommitted_bias=2.0), binary)
    theirs = artlib.ART1(rho=0.2, L=2.0).fit(binary.astype("int64"))
    assert ours.n_categories == theirs.n_clusters
    np.testing.assert_allclose(ours.committed_weights(), np.array(theirs.W), rtol=1e-6)
    np.testing.assert_array_equal(
        ours.predict(binary, verbose=0), theirs.predict(binary.astype("int64"))
    )


def sequential_art(x, rho, labels=None, alpha=0.001, beta=1.0, epsilon=1e-10, art1_bias=None):
    """The presentation of the docstrings in numpy float64, one sample at a time.

    Fuzzy ART (ARTMAP with `labels`; ART1 with `art1_bias` = L): the search
    goes by descending T_j (ties: lowest j); float32 weights, as the model keeps.
    Returns the weights (n_categories, 2d), the category labels and argmax_j T_j.
    """
    d = x.shape[1]
    coded = x if art1_bias is not None else np.concatenate([x, 1 - x], axis=1)  # float32 math
    coded = coded.astype("float64")
    weights, classes = np.zeros((0, 2 * d)), []

    def scores(sample):
        if art1_bias is not None:
            return weights[:, :d] @ sample, weights[:, d:] @ sample / d
        overlap = np.minimum(sample, weights).sum(axis=1)
        return overlap / (alpha + weights.sum(axis=1)), overlap / d

    def scaled(template, size):  # ART1: (L / (L - 1 + size) t, t)
        return np.concatenate([art1_bias / (art1_bias - 1 + size) * template, template])

    for index, sample in enumerate(coded):
        choice, match = scores(sample)
        vigilance, resonant = rho, None
        for j in np.lexsort((np.arange(len(weights)), -choice)):
            if match[j] < vigilance:
                continue
            if labels is None or classes[j] == labels[index]:
                resonant = j
                break
            vigilance = match[j] + epsilon  # match tracking
            if vigilance > 1:
                break
        if resonant is None:
            row = sample if art1_bias is None else scaled(sample, d)  # size d until learned
            weights = np.vstack([weights, row.astype("float32")])
            classes.append(None if labels is None else labels[index])
        elif art1_bias is None:
            learned = beta * np.minimum(sample, weights[resonant]) + (1 - beta) * weights[resonant]
            weights[resonant] = learned.astype("float32")
        else:
            template = sample * weights[resonant, d:]
            weights[resonant] = scaled(template, template.sum()).astype("float32")
    predicted = [np.lexsort((np.arange(len(weights)), -scores(s)[0]))[0] for s in coded]
    return weights, classes, np.array(predicted)


@pytest.fixture(params=["default sums", "jax_enable_x64"])
def sums(request):
    """The float type of ART's sums: the backend's default, or float64 on JAX."""
    if request.param == "default sums":
        yield "default"
        return
    if keras.backend.backend() != "jax":
        pytest.skip("jax_enable_x64 is a JAX setting (TensorFlow sums in float64 always)")
    import jax

    jax.config.update("jax_enable_x64", True)
    yield "float64"
    jax.config.update("jax_enable_x64", False)


@pytest.mark.parametrize(
    "make, kind",
    [
        (lambda: FuzzyART(64, 256, vigilance=0.7, learning_rate=0.5), "fuzzy"),
        (lambda: FuzzyARTMAP(64, 10, 256, vigilance=0.5, learning_rate=0.7), "artmap"),
        (lambda: ART1(64, 256, vigilance=0.2, uncommitted_bias=2.0), "art1"),
    ],
)
def test_every_backend_equals_the_sequential_reference(digits, make, kind, sums):
    # TensorFlow sums in float64: equal to numpy's, and so does JAX with jax_enable_x64.
    # Plain JAX sums in float32: on this sample the same categories, labels and
    # assignments, weights within float tolerance.
    x, y = digits[0][:192], digits[1][:192]
    model = make()
    if kind == "art1":
        x = (x > 0.5).astype("float32")
        expected, _, predicted = sequential_art(x, 0.2, art1_bias=2.0)
    elif kind == "artmap":
        expected, classes, predicted = sequential_art(x, 0.5, labels=y, beta=0.7)
    else:
        expected, _, predicted = sequential_art(x, 0.7, beta=0.5)
    fitted(model, x, y if kind == "artmap" else None)
    assert model.n_categories == len(expected)
    exact = keras.backend.backend() == "tensorflow" or sums == "float64"
    np.testing.assert_allclose(
        model.committed_weights(), expected, rtol=0, atol=0 if exact else 1e-6
    )
    if kind == "artmap":
        np.testing.assert_array_equal(model.category_labels.numpy()[: len(classes)], classes)
        np.testing.assert_array_equal(model.predict_categories(x), predicted)
    else:
        np.testing.assert_array_equal(model.predict(x, verbose=0), predicted)


def test_loss_is_the_mismatch_with_the_resonant_category():
    # fit: 1 - |I ∧ w_J| / |I| before learning, 1 for a commit (worked examples above);
    # evaluate: the mismatch with the predicted category after learning.
    x = np.array([[0.25, 0.75], [0.5, 0.5], [1.0, 0.0]], "float32")
    model = FuzzyART(2, max_categories=4, vigilance=0.7, choice=0.5, learning_rate=0.5)
    model.compile()
    history = model.fit(x, verbose=0)
    assert history.history["loss"] == [pytest.approx((1 + 0.25 + 1) / 3)]
    assert history.history["categories"] == [2]
    result = model.evaluate(x, verbose=0, return_dict=True)
    assert result == {"loss": pytest.approx((0.125 + 0.25 + 0) / 3), "categories": 2}

    binary = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], "float32")
    history = ART1(4, max_categories=4, vigilance=0.5).fit(binary, verbose=0)
    assert history.history["loss"] == [pytest.approx((1 + 1 / 3 + 1) / 3)]  # |I| - |I ∧ t| / |I|

    x, y = np.array([[0.25], [0.75], [0.5]], "float32"), np.array([0, 1, 1])
    model = FuzzyARTMAP(1, 2, max_categories=4, epsilon=0.0)
    history = model.fit(x, y, validation_data=(x, y), verbose=0)
    assert history.history["loss"] == [pytest.approx((1 + 1 + 0.25) / 3)]
    assert history.history["val_accuracy"] == [1.0]
    assert "accuracy" not in history.history  # every sample is learned with its own class


def test_early_stopping_on_categories_stops_once_an_epoch_commits_none(digits):
    x = digits[0][:64]
    stop = keras.callbacks.EarlyStopping(monitor="categories", patience=1)  # mode "auto"
    history = FuzzyART(64, 256, vigilance=0.7).fit(x, epochs=20, callbacks=[stop], verbose=0)
    counts = history.history["categories"]
    assert len(counts) < 20 and counts[-1] == counts[-2]
    assert all(a < b for a, b in zip(counts[:-2], counts[1:-1], strict=True))


def test_compile_takes_keras_execution_arguments_only(digits, tmp_path):
    x, y = digits[0][:64], digits[1][:64]
    model = FuzzyARTMAP(64, 10, 256)
    with pytest.raises(ValueError, match="metrics"):
        model.compile(metrics=["accuracy"])
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(jit_compile=True)
    with pytest.raises(ValueError, match="loss"):
        model.compile(loss="mse")
    model.compile(steps_per_execution=4, run_eagerly=True)
    model.fit(x, y, batch_size=16, verbose=0)
    model.save(tmp_path / "artmap.keras")
    restored = keras.models.load_model(tmp_path / "artmap.keras", safe_mode=True)
    assert (restored.steps_per_execution, restored.run_eagerly, restored.jit_compile) == (
        4,
        True,
        False,
    )
    assert restored.get_config() == model.get_config()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_sample_and_class_weights_are_rejected(digits):
    x, y = digits[0][:64], digits[1][:64]
    model = FuzzyARTMAP(64, 10, 256)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, class_weight={0: 2.0}, verbose=0)
    weighted = tf.data.Dataset.from_tensor_slices((x, y, np.ones(64))).batch(16)
    with pytest.raises(ValueError, match="sample_weight"):
        model.fit(weighted, verbose=0)
    assert model.n_categories == 0


def test_dataset_specs_are_checked_before_training(digits):
    x, y = digits[0][:64], digits[1][:64]
    model = FuzzyARTMAP(64, 10, 256)
    batches = tf.data.Dataset.from_tensor_slices
    with pytest.raises(ValueError, match=r"yields none: make its elements \(x, y\)"):
        model.fit(batches(x).batch(16), verbose=0)
    with pytest.raises(ValueError, match="numeric classes"):
        model.fit(batches((x, y.astype(str))).batch(16), verbose=0)
    with pytest.raises(ValueError, match="shape"):
        model.fit(batches((x, y[:, None, None])).batch(16), verbose=0)
    with pytest.raises(ValueError, match="10 classes"):
        model.fit(batches((x, np.eye(12)[y])).batch(16), verbose=0)
    with pytest.raises(ValueError, match="takes no labels"):
        FuzzyART(64).fit(batches((x, y)).batch(16), verbose=0)
    with pytest.raises(ValueError, match="fit` first"):
        model.evaluate(x, y, verbose=0)
    assert model.n_categories == 0


def test_numpy_dataset_mirrored_and_steps_per_execution_agree(digits, two_device_strategy):
    # TensorFlow: the last batch of 3 splits 2 + 1 over the replicas; JAX's DataParallel
    # shards only batches that divide evenly (on JAX the whole test runs under it)
    rows = 195 if keras.backend.backend() == "tensorflow" else 194
    x, y = digits[0][:rows], digits[1][:rows]

    def trained(mode):
        if mode == "mirrored":
            with two_device_strategy.scope():
                model = FuzzyARTMAP(64, 10, 256, vigilance=0.6)
            return fitted(model, x, y, epochs=2)
        model = FuzzyARTMAP(64, 10, 256, vigilance=0.6)
        if mode == "dataset":
            return fitted(model, tf.data.Dataset.from_tensor_slices((x, y)).batch(64), epochs=2)
        return fitted(model, x, y, epochs=2, steps_per_execution=32 if mode == "spe" else 1)

    reference = state(trained("numpy"))
    for mode in ("dataset", "mirrored", "spe"):
        for ours, expected in zip(state(trained(mode)), reference, strict=True):
            np.testing.assert_array_equal(ours, expected, err_msg=mode)


def test_mixed_precision_keeps_float32_weights_and_results(digits):
    x = digits[0]
    reference = fitted(FuzzyART(64, 256, vigilance=0.7, learning_rate=0.5), x)
    keras.config.set_dtype_policy("mixed_float16")
    model = fitted(FuzzyART(64, 256, vigilance=0.7, learning_rate=0.5), x)
    assert model.category_weights.dtype == "float32"
    np.testing.assert_array_equal(model.committed_weights(), reference.committed_weights())
    np.testing.assert_array_equal(model.predict(x, verbose=0), reference.predict(x, verbose=0))


def test_capacity_exhausted_is_a_clear_error():
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [0.5, 0.5], [0.2, 0.8]], "float32")
    model = FuzzyART(2, max_categories=4, vigilance=0.9)
    with pytest.raises(ValueError, match=r"max_categories=4.*vigilance=0.9.*Raise") as error:
        fitted(model, x)
    assert error.value.__cause__ is None and error.value.__context__ is None  # no TF traceback
    assert model.n_categories == 4
    np.testing.assert_array_equal(model.predict(x[:4], verbose=0), [0, 1, 2, 3])


def test_rejects_bad_inputs(digits):
    x, y = digits[0][:64], digits[1][:64]
    model = fitted(FuzzyARTMAP(64, 10, 256), x, y)
    with pytest.raises(ValueError, match=r"\[0, 1\].*MinMaxScaler"):
        model.fit(x * 2, y, verbose=0)
    bad = x.copy()
    bad[3, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.predict(bad, verbose=0)
    with pytest.raises(ValueError, match="shape"):
        model.fit(x[:, :10], y, verbose=0)
    with pytest.raises(ValueError, match=r"integer classes in \[0, 9\]"):
        model.fit(x, y + 10, verbose=0)
    with pytest.raises(ValueError, match="one-hot"):
        model.fit(x, np.full((64, 10), 0.1), verbose=0)
    with pytest.raises(ValueError, match="labels"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="takes no labels"):
        FuzzyART(64).fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="0 and 1"):
        ART1(64).fit(x, verbose=0)
    with pytest.raises(ValueError, match="optimizer"):
        FuzzyART(64).compile(optimizer="adam")
    with pytest.raises(ValueError, match="fit"):
        FuzzyART(64).predict(x, verbose=0)
    # values inside a dataset are only seen in the traced step: still a plain ValueError
    dataset = tf.data.Dataset.from_tensor_slices((x * 2, y)).batch(32)
    with pytest.raises(ValueError, match=r"\[0, 1\].*MinMaxScaler") as error:
        model.fit(dataset, verbose=0)
    assert error.value.__context__ is None
    dataset = tf.data.Dataset.from_tensor_slices((x, y + 10)).batch(32)
    with pytest.raises(ValueError, match="classes"):
        model.evaluate(dataset, verbose=0)
    nan = x.copy()
    nan[5, 3] = np.nan
    dataset = tf.data.Dataset.from_tensor_slices((nan, y)).batch(32)
    with pytest.raises(ValueError, match="NaN or infinite"):  # mlzoo's dataset guard
        model.fit(dataset, verbose=0)
    model.check_dataset_values = False  # without the guard, ART's own check still stops it
    with pytest.raises(ValueError, match=r"finite values in \[0, 1\]"):
        model.fit(dataset, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), y)  # learned nothing from them


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: FuzzyART(64, vigilance=1.5), "vigilance"),
        (lambda: FuzzyART(64, vigilance=-0.1), "vigilance"),
        (lambda: FuzzyART(64, choice=-1.0), "choice"),
        (lambda: FuzzyART(64, learning_rate=0.0), "learning_rate"),
        (lambda: FuzzyART(64, learning_rate=1.5), "learning_rate"),
        (lambda: FuzzyART(0), "input_dim"),
        (lambda: FuzzyART(64, max_categories=0), "max_categories"),
        (lambda: ART1(64, uncommitted_bias=0.5), "uncommitted_bias"),
        (lambda: FuzzyARTMAP(64, 0), "num_classes"),
        (lambda: FuzzyARTMAP(64, 10, epsilon=-1.0), "epsilon"),
    ],
)
def test_rejects_bad_hyper_parameters(build, match):
    with pytest.raises(ValueError, match=match):
        build()
