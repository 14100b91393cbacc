"""Breiman's waveform generator (CART, 1984; UCI "Waveform Database Generator")."""

from __future__ import annotations

import numbers

import numpy as np

_NUM_ATTRIBUTES = 21
_POSITIONS = np.arange(1, _NUM_ATTRIBUTES + 1)
# h1, h2, h3: triangles of height 6 and half-width 6 peaking at positions 7, 15 and 11.
_BASE_WAVES = np.stack([np.maximum(6 - np.abs(_POSITIONS - peak), 0) for peak in (7, 15, 11)])
# Class c mixes two base waves: 0 -> (h1, h2), 1 -> (h1, h3), 2 -> (h2, h3).
_CLASS_WAVES = np.array([(0, 1), (0, 2), (1, 2)])


def make_waveform(
    num_samples: int = 5000, *, noise_features: int = 0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate Breiman's 3-class waveform data: float32 `x` and int64 labels 0..2.

    Each sample draws an equiprobable class c and u ~ U(0, 1), and is
    `u * h_a + (1 - u) * h_b + N(0, 1)` over 21 attributes, with (h_a, h_b) the
    two base waves of class c. The Bayes error is about 14%. `noise_features=19`
    gives the 40-attribute "waveform with noise" set (19 extra N(0, 1) attributes).

    Examples:
        >>> x, y = make_waveform(100, noise_features=19)
        >>> x.shape, sorted(set(y.tolist()))
        ((100, 40), [0, 1, 2])
    """
    for name, value, minimum in (
        ("num_samples", num_samples, 1),
        ("noise_features", noise_features, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
            raise ValueError(f"`{name}` must be an integer >= {minimum}; received {value!r}.")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, num_samples)
    u = rng.random((num_samples, 1))
    waves = _BASE_WAVES[_CLASS_WAVES[labels]]  # (num_samples, 2, 21)
    x = (
        u * waves[:, 0]
        + (1 - u) * waves[:, 1]
        + rng.standard_normal((num_samples, _NUM_ATTRIBUTES))
    )
    noise = rng.standard_normal((num_samples, noise_features))
    return np.concatenate([x, noise], axis=1).astype(np.float32), labels.astype(np.int64)
