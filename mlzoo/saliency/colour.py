"""sRGB to CIELAB (D65 white, 2° observer) in numpy, with a lookup table for uint8 input.

The standard formulas (IEC 61966-2-1 for sRGB, CIE 1976 for L*a*b*):

    c_lin = c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4      (c in [0, 1])
    [X, Y, Z] = M_sRGB→XYZ @ [r_lin, g_lin, b_lin] / [Xn, Yn, Zn]
    f(t) = t ** (1/3) if t > (6/29) ** 3 else t / (3 (6/29) ** 2) + 4/29
    L = 116 f(Y) - 16,   a = 500 (f(X) - f(Y)),   b = 200 (f(Y) - f(Z))

Examples:
    >>> import numpy as np
    >>> srgb_to_lab(np.array([[255, 255, 255], [255, 0, 0]], np.uint8)).round(1)
    array([[100. ,   0. ,   0. ],
           [ 53.2,  80.1,  67.2]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

# rows of the sRGB -> XYZ matrix divided by the D65 white (Xn, Yn, Zn) = (0.95047, 1, 1.08883)
_SRGB_TO_XYZN = (
    np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    / np.array([[0.95047], [1.0], [1.08883]])
).astype(np.float32)
# [L + 16, a, b] from [f(X), f(Y), f(Z)]
_F_TO_LAB = np.array([[0, 116, 0], [500, -500, 0], [0, 200, -200]], np.float32)
_DELTA = 6.0 / 29.0


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """Linear-light float32 values from sRGB: uint8 in 0..255 or floats in [0, 1].

    Examples:
        >>> srgb_to_linear(np.array([0, 255], np.uint8))
        array([0., 1.], dtype=float32)
    """
    if values.dtype == np.uint8:
        return _LINEAR_LUT[values]
    c = np.asarray(values, np.float32)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)


def _lab_f(t: np.ndarray) -> np.ndarray:
    """CIELAB's companding f(t), in place on the C-contiguous float32 array `t`."""
    flat = t.reshape(-1)
    dark = np.flatnonzero(flat <= _DELTA**3)
    linear_part = flat[dark] * np.float32(1 / (3 * _DELTA**2)) + np.float32(4 / 29)
    np.cbrt(flat, out=flat)
    flat[dark] = linear_part
    return t


def srgb_to_lab(rgb: np.ndarray, axis: int = -1) -> np.ndarray:
    """CIELAB (L in [0, 100]) as float32, channels along `axis` (of size 3: R, G, B).

    `rgb` is uint8 (0..255) or float in [0, 1]; the output has the input's shape.
    """
    if rgb.ndim == 0 or rgb.shape[axis] != 3:
        raise ValueError(f"`rgb` must have 3 channels along axis {axis}; shape {rgb.shape}.")
    # einsum, not BLAS: a pixel's value must not depend on the batch it comes in
    linear = srgb_to_linear(rgb)
    if axis % rgb.ndim == rgb.ndim - 1:
        xyz = np.einsum("...j,ij->...i", linear, _SRGB_TO_XYZN)
        lab = np.einsum("...j,ij->...i", _lab_f(xyz), _F_TO_LAB)
        lab[..., 0] -= np.float32(16.0)
        return lab
    xyz = np.einsum("ij,...jk->...ik", _SRGB_TO_XYZN, np.moveaxis(linear, axis, -2))
    lab = np.einsum("ij,...jk->...ik", _F_TO_LAB, _lab_f(xyz))  # (..., 3, K)
    lab[..., 0, :] -= np.float32(16.0)
    return np.moveaxis(lab, -2, axis)


def srgb_to_lightness(grey: np.ndarray) -> np.ndarray:
    """CIELAB lightness L in [0, 100] of grey sRGB values (uint8 0..255 or float in [0, 1]).

    For R = G = B = v, Y equals the linear value of v, so L = 116 f(v_lin) - 16.

    Examples:
        >>> srgb_to_lightness(np.array([0, 255], np.uint8))
        array([  0., 100.], dtype=float32)
    """
    if grey.dtype == np.uint8:
        return _LIGHTNESS_LUT[grey]
    return 116.0 * _lab_f(srgb_to_linear(grey)) - np.float32(16.0)


_LINEAR_LUT = srgb_to_linear(np.arange(256, dtype=np.float32) / 255.0)
_LIGHTNESS_LUT = srgb_to_lightness(np.arange(256, dtype=np.float32) / 255.0)
