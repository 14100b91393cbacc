import keras
import numpy as np
import pytest

import mlzoo
from mlzoo.models import dbn
from mlzoo.models.rbm import RBM


@pytest.fixture(scope="module")
def digits():
    (x, y), (x_test, y_test) = mlzoo.datasets.load("digits", scale=True)
    return x[:600], y[:600], x_test, y_test


def test_greedy_stack_initialises_the_mlp(digits):
    x = digits[0]
    rbms = dbn.pretrain_rbms([24, 12], x, epochs=2, batch_size=20, learning_rate=0.1, seed=3)
    assert [r.get_config()["visible"] for r in rbms] == [64, 24]
    assert [r.get_config()["seed"] for r in rbms] == [3, 4]
    assert int(rbms[1].step.numpy()) == 2 * 30  # the upper RBM trained too
    model = dbn.mlp_from_rbms(rbms)
    assert [layer.name for layer in model.layers[1:]] == ["hidden_1", "hidden_2"]
    first = keras.Model(model.inputs, model.get_layer("hidden_1").output)
    features = rbms[0].transform(x)
    np.testing.assert_allclose(first.predict(x, verbose=0), features, atol=1e-6)
    # the upper RBM was trained on the hidden probabilities of the lower one
    np.testing.assert_allclose(model.predict(x, verbose=0), rbms[1].transform(features), atol=1e-6)


def test_pretrained_classifier_fine_tunes_and_saves(digits, tmp_path):
    x, y, x_test, y_test = digits
    model = dbn.pretrain(
        [32, 32],
        x,
        output_dim=10,
        epochs=5,
        batch_size=20,
        learning_rate=0.5,
        momentum=0.5,
        persistent=True,
        k=2,
    )
    assert model.output_shape == (None, 10) and model.count_params() == 65 * 32 + 33 * 32 + 33 * 10
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=3, batch_size=20, verbose=0).history["loss"]
    assert losses[-1] < 0.6 * losses[0]
    model.save(tmp_path / "dbn.keras")
    restored = keras.models.load_model(tmp_path / "dbn.keras")
    np.testing.assert_array_equal(
        restored.predict(x_test, verbose=0), model.predict(x_test, verbose=0)
    )
    baseline = dbn.build_mlp(64, [32, 32], 10)
    assert [w.shape for w in baseline.weights] == [w.shape for w in model.weights]


def test_gaussian_first_layer_and_mixed_precision(digits):
    keras.config.set_dtype_policy("mixed_float16")
    x, y = digits[0], digits[1]
    standardised = (x - x.mean(0)) / (x.std(0) + 1e-6)
    model = dbn.pretrain(16, standardised, output_dim=10, visible_type="gaussian", epochs=1)
    assert model.get_layer("hidden_1").compute_dtype == "float16"
    assert model.get_layer("output").compute_dtype == "float32"
    model.compile("adam", "sparse_categorical_crossentropy")
    assert np.isfinite(model.fit(standardised, y, epochs=1, verbose=0).history["loss"]).all()


def test_clear_errors(digits):
    x = digits[0]
    for kwargs, message in (
        ({"layers": []}, "hidden_units"),
        ({"layers": [8, 0]}, "hidden_units"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"momentum": 1.5}, "momentum"),
        ({"epochs": 0}, "epochs"),
        ({"k": 0}, "`k`"),
        ({"x": x[:, 0]}, r"shape \(num_samples, features\)"),
        ({"x": x * 2}, r"values must lie in \[0.0, 1.0\]"),
    ):
        arguments = {"layers": [8], "x": x, "epochs": 1, **kwargs}
        with pytest.raises(ValueError, match=message):
            dbn.pretrain(**arguments)
    with pytest.raises(ValueError, match="has 5 visible units but the RBM below it has 8"):
        dbn.mlp_from_rbms([RBM(64, 8), RBM(5, 3, name="top")])
    with pytest.raises(ValueError, match="non-empty sequence of RBMs"):
        dbn.mlp_from_rbms([])
