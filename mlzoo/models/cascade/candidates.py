"""The candidate units' objective (Fahlman & Lebiere 1990, eq. 1) as sums over patterns."""

from __future__ import annotations

import numpy as np
from keras import ops


def correlation_sums(values, errors):
    """(K + 1, O + 1) moments [1, V]^T [1, E]: [[n, sum E], [sum V, sum V E^T]].

    V (P, K) are the candidates' values, E (P, O) the residual errors; the sums
    are additive over batches (and replicas), so S over a whole epoch is exact.
    """
    ones = ops.ones_like(values[:, :1])
    moments = ops.concatenate([ones, values], 1), ops.concatenate([ones, errors], 1)
    return ops.einsum("pk,po->ko", *moments)  # a sum over the patterns p


def covariance(sums):
    """(K, O) sum_p (V_pc - mean V_c)(E_po - mean E_o) from `correlation_sums`."""
    n = sums[0, 0]
    return sums[1:, 1:] - sums[1:, :1] * sums[:1, 1:] / n


def scores(sums):
    """S_c = sum_o |cov_co| of every candidate (works on tensors and numpy arrays)."""
    if isinstance(sums, np.ndarray):
        cov = sums[1:, 1:] - sums[1:, :1] * sums[:1, 1:] / sums[0, 0]
        return np.abs(cov).sum(1)
    return ops.sum(ops.abs(covariance(sums)), 1)


def ascent_objective(values, errors, sums):
    """A surrogate whose gradient is dS_c/dV_pc = sum_o sign(cov_co)(E_po - mean E_o) / n.

    `sums` are the (all-reduced, stopped) sums of the whole batch: each
    replica's share of the gradient then adds up to the global batch's.
    """
    n = sums[0, 0]
    centred = errors - sums[:1, 1:] / n
    cov = covariance(sums)
    return ops.sum(ops.einsum("pk,po->ko", values, centred) * ops.sign(cov)) / n
