import numpy as np
import pytest
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from mlzoo.datasets import load, make_waveform

# Breiman's base waves over positions 1..21 (UCI waveform.c), written out independently.
H1 = np.array([0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
H2 = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0])
H3 = np.array([0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0])


def test_shapes_dtypes_and_determinism():
    x, y = make_waveform(500, seed=7)
    assert x.shape == (500, 21) and x.dtype == np.float32
    assert y.shape == (500,) and y.dtype == np.int64 and set(y) == {0, 1, 2}
    x_again, y_again = make_waveform(500, seed=7)
    np.testing.assert_array_equal(x, x_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(x, make_waveform(500, seed=8)[0])


def test_class_means_and_spread_follow_breiman():
    x, y = make_waveform(30000, seed=1)
    np.testing.assert_allclose(np.bincount(y) / len(y), 1 / 3, atol=0.02)
    pairs = {0: (H1, H2), 1: (H1, H3), 2: (H2, H3)}
    for label, (h_a, h_b) in pairs.items():
        members = x[y == label]
        # E[u h_a + (1 - u) h_b + e] = (h_a + h_b) / 2;
        # Var = Var(u) (h_a - h_b)^2 + 1 with Var(u) = 1/12.
        np.testing.assert_allclose(members.mean(axis=0), (h_a + h_b) / 2, atol=0.12)
        np.testing.assert_allclose(members.var(axis=0), (h_a - h_b) ** 2 / 12 + 1, rtol=0.12)


def test_noise_attributes_are_standard_normal_and_uninformative():
    x, y = make_waveform(20000, noise_features=19, seed=2)
    assert x.shape == (20000, 40)
    noise = x[:, 21:]
    np.testing.assert_allclose(noise.mean(axis=0), 0, atol=0.05)
    np.testing.assert_allclose(noise.std(axis=0), 1, atol=0.05)
    for label in range(3):
        np.testing.assert_allclose(noise[y == label].mean(axis=0), 0, atol=0.08)


@pytest.mark.parametrize("name, width", [("waveform", 21), ("waveform_noise", 40)])
def test_linear_classifier_accuracy_is_near_the_bayes_rate(name, width):
    # The Bayes error is about 14%; a linear classifier reaches roughly 85%.
    (x, y), (x_test, y_test) = load(name)
    assert x.shape == (3000, width) and x_test.shape == (2000, width)
    accuracy = LinearDiscriminantAnalysis().fit(x, y).score(x_test, y_test)
    assert 0.80 <= accuracy <= 0.90


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_samples": 0}, "`num_samples` must be an integer >= 1"),
        ({"num_samples": 10.0}, "`num_samples` must be an integer >= 1"),
        ({"noise_features": -1}, "`noise_features` must be an integer >= 0"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_waveform(**kwargs)
