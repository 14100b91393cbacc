"""Deeper autoencoder weights projected back to the input space (thesis seed 003, 2.4.1.2)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlzoo.visualization._pixels import as_finite_array


def project_to_input(kernels: Sequence, biases: Sequence | None = None) -> np.ndarray:
    """Weights of the top layer of a Dense stack, mapped down to the input space.

    Thesis 2.4.1.2: for `h1 = s(W1 v + b1)`, `h2 = s(W2 h1 + b2)` (W in the
    `(out, in)` layout), unit `i` of layer 2 is drawn in input space as
    `v ~ W1^T (W2_i - b1)`. This is a linear approximation: the nonlinearities
    are dropped and each `W^T` stands in for the inverse of its layer, as in a
    tied-weight autoencoder's decoder. Deeper stacks repeat the step layer by layer.

    In the Keras layout `K_l = W_l^T` has shape `(in_l, out_l)`, so the result is
    `P_L = K_L` and `P_{l-1} = K_{l-1} @ (P_l - b_{l-1}[:, None])` down to `P_1`:
    shape `(D, units_L)`, column `j` = unit `j` of layer `L`, ready for `weight_tiles`.

    Args:
        kernels: Dense kernels `[K1, ..., KL]`, input layer first, each `(in_l, out_l)`
            with `out_l == in_{l+1}`; numpy arrays or anything `np.asarray` takes.
        biases: optional `[b1, ..., b_{L-1}]`, `b_l` of shape `(out_l,)`, subtracted as
            in the thesis formula (the top layer's bias plays no part). Default: none.

    Returns:
        float64 array `(D, units_L)`; with one kernel, a copy of `K1`.

    Examples:
        >>> import numpy as np
        >>> k1 = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])  # 3 inputs -> 2 units
        >>> k2 = np.array([[1.0], [1.0]])  # 2 -> 1 unit
        >>> project_to_input([k1, k2], biases=[np.array([0.0, 1.0])])  # K1 @ ([1, 1] - [0, 1])
        array([[1.],
               [0.],
               [1.]])
    """
    if isinstance(kernels, np.ndarray) or not isinstance(kernels, Sequence) or not kernels:
        raise ValueError(
            "`kernels` must be a non-empty list of Dense kernels [K1, ..., KL]; "
            f"received {type(kernels).__name__}."
        )
    mats = [as_finite_array(f"kernels[{i}]", k) for i, k in enumerate(kernels)]
    for i, mat in enumerate(mats):
        if mat.ndim != 2:
            raise ValueError(
                f"`kernels[{i}]` must be a Dense kernel of shape (inputs, units); "
                f"received shape {mat.shape}."
            )
        if i and mats[i - 1].shape[1] != mat.shape[0]:
            raise ValueError(
                f"`kernels[{i - 1}]` has {mats[i - 1].shape[1]} units but `kernels[{i}]` "
                f"has {mat.shape[0]} inputs (shapes {mats[i - 1].shape} and {mat.shape})."
            )
    if biases is None:
        vecs = [np.zeros(mat.shape[1]) for mat in mats[:-1]]
    else:
        if len(biases) != len(mats) - 1:
            raise ValueError(
                f"`biases` must hold the {len(mats) - 1} biases b1..b_(L-1) of the layers "
                f"below the top one (leave out the top layer's bias); received {len(biases)}."
            )
        vecs = [as_finite_array(f"biases[{i}]", b) for i, b in enumerate(biases)]
        for i, (vec, mat) in enumerate(zip(vecs, mats[:-1], strict=True)):
            if vec.shape != (mat.shape[1],):
                raise ValueError(
                    f"`biases[{i}]` must have shape ({mat.shape[1]},) to match `kernels[{i}]` "
                    f"of shape {mat.shape}; received shape {vec.shape}."
                )
    projection = mats[-1].copy()
    for mat, vec in zip(reversed(mats[:-1]), reversed(vecs), strict=True):
        projection = mat @ (projection - vec[:, None])
    return projection
