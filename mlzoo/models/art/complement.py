"""Complement coding of Fuzzy ART (Carpenter, Grossberg & Rosen 1991)."""

from __future__ import annotations

from keras import ops


def complement_code(x):
    """I = (a, 1 - a): every input then has |I| = d, which stops category proliferation.

    Args:
        x: features a in [0, 1], shape (..., d).

    Returns:
        I, shape (..., 2d), same dtype.

    Examples:
        >>> import numpy as np
        >>> ops.convert_to_numpy(complement_code(np.array([[0.25, 1.0]], "float32")))
        array([[0.25, 1.  , 0.75, 0.  ]], dtype=float32)
    """
    x = ops.convert_to_tensor(x)
    return ops.concatenate([x, ops.cast(1, x.dtype) - x], axis=-1)
