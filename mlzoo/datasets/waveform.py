"""Breiman's waveform generator (CART, 1984; UCI "Waveform Database Generator")."""

from __future__ import annotations

import numpy as np

_POSITIONS = np.arange(1, 22)
# Triangular base waves of height 6 and half-width 6, peaking at positions 7, 15 and 11.
_BASE_WAVES = np.stack(
    [np.maximum(6 - np.abs(_POSITIONS - peak), 0) for peak in (7, 15, 11)]
).astype(np.float64)
_CLASS_WAVES = ((0, 1), (0, 2), (1, 2))


def make_waveform(
    num_samples: int = 5000, *, noise_features: int = 0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate Breiman's 3-class waveform data.

    Class c mixes two base waves h_a, h_b with u ~ U(0, 1):
    `x = u * h_a + (1 - u) * h_b + N(0, 1)` over 21 attributes (class 0: h1/h2,
    class 1: h1/h3, class 2: h2/h3), classes equiprobable; the Bayes error is
    about 14%. `noise_features=19` gives the 40-attribute "waveform with noise"
    set (19 extra N(0, 1) attributes).

    Example:

    >>> x, y = make_waveform(100, noise_features=19)
    >>> x.shape, sorted(set(y.tolist()))
    ((100, 40), [0, 1, 2])
    """
    if num_samples < 1:
        raise ValueError(f"`num_samples` must be positive; received {num_samples}.")
    if noise_features < 0:
        raise ValueError(f"`noise_features` must be >= 0; received {noise_features}.")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, num_samples)
    u = rng.random((num_samples, 1))
    pairs = np.array(_CLASS_WAVES)[labels]
    x = u * _BASE_WAVES[pairs[:, 0]] + (1 - u) * _BASE_WAVES[pairs[:, 1]]
    x = x + rng.standard_normal(x.shape)
    if noise_features:
        x = np.concatenate([x, rng.standard_normal((num_samples, noise_features))], axis=1)
    return x.astype(np.float32), labels.astype(np.int64)
