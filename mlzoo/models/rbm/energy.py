"""Energy, free energy, conditionals and pseudo-log-likelihood of an RBM (Hinton et al. 2006).

Bernoulli visibles v in {0, 1}^D (or probabilities in [0, 1]), Bernoulli hiddens
h in {0, 1}^H, weights W (D, H) in the `keras.layers.Dense` kernel layout,
visible bias b, hidden bias c:

    E(v, h) = -b^T v - c^T h - v^T W h                       (Bernoulli visibles)
    E(v, h) = ||v - b||^2 / 2 - c^T h - v^T W h              (Gaussian visibles, unit variance)

Every function takes a batch (rows = samples) and works on any Keras backend.
"""

from __future__ import annotations

from keras import ops

VISIBLE_TYPES = ("bernoulli", "gaussian")


def energy(v, h, kernel, visible_bias, hidden_bias, visible_type: str = "bernoulli"):
    """E(v, h) of each row pair: (N,) for v (N, D) and h (N, H)."""
    interaction = ops.sum(ops.matmul(v, kernel) * h, axis=-1)
    hidden_term = ops.sum(h * hidden_bias, axis=-1)
    if visible_type == "gaussian":
        return 0.5 * ops.sum(ops.square(v - visible_bias), axis=-1) - hidden_term - interaction
    return -ops.sum(v * visible_bias, axis=-1) - hidden_term - interaction


def hidden_probabilities(v, kernel, hidden_bias):
    """P(h_j = 1 | v) = sigmoid(c_j + sum_i v_i W_ij): (N, H)."""
    return ops.sigmoid(ops.matmul(v, kernel) + hidden_bias)


def visible_mean(h, kernel, visible_bias, visible_type: str = "bernoulli"):
    """E[v | h]: sigmoid(b + W h) for Bernoulli visibles, b + W h for Gaussian ones: (N, D)."""
    activation = ops.matmul(h, ops.transpose(kernel)) + visible_bias
    return activation if visible_type == "gaussian" else ops.sigmoid(activation)


def free_energy(v, kernel, visible_bias, hidden_bias, visible_type: str = "bernoulli"):
    """F(v) = -log sum_h exp(-E(v, h)): (N,).

    Bernoulli: F(v) = -b^T v - sum_j softplus(c_j + v^T W_:j);
    Gaussian:  F(v) = ||v - b||^2 / 2 - sum_j softplus(c_j + v^T W_:j).
    """
    hidden_term = ops.sum(ops.softplus(ops.matmul(v, kernel) + hidden_bias), axis=-1)
    if visible_type == "gaussian":
        return 0.5 * ops.sum(ops.square(v - visible_bias), axis=-1) - hidden_term
    return -ops.sum(v * visible_bias, axis=-1) - hidden_term


def pseudo_log_likelihood(v, flipped, kernel, visible_bias, hidden_bias, hidden_input=None):
    """One-flip estimate of the pseudo-log-likelihood sum_i log P(v_i | v_-i): (N,).

    For each row n one visible unit i = flipped[n] is flipped (v~_i = 1 - v_i) and

        PLL(v) ~= D * log sigmoid(F(v~) - F(v)),

    an unbiased estimate of the sum over all D units when i is uniform — the
    estimator of `sklearn.neural_network.BernoulliRBM.score_samples`. Only a
    row of W per sample is read: F(v~) - F(v) = -(1 - 2 v_i) b_i
    - sum_j [softplus(a_j + (1 - 2 v_i) W_ij) - softplus(a_j)], a = c + v W
    (`hidden_input`, computed when not given).

    Args:
        v: visible batch (N, D), Bernoulli visibles.
        flipped: int (N,) index of the unit flipped in each row.
        kernel: W (D, H).
        visible_bias: b (D,).
        hidden_bias: c (H,).
        hidden_input: c + v W if already at hand.
    """
    if hidden_input is None:
        hidden_input = ops.matmul(v, kernel) + hidden_bias
    columns = ops.shape(v)[-1]
    one_hot = ops.one_hot(flipped, columns, dtype=v.dtype)
    step = 1.0 - 2.0 * ops.sum(v * one_hot, axis=-1)  # v~_i - v_i
    row = ops.take(kernel, flipped, axis=0)  # W_i: (N, H)
    bias = ops.take(visible_bias, flipped, axis=0)
    change = -step * bias - ops.sum(
        ops.softplus(hidden_input + step[:, None] * row) - ops.softplus(hidden_input), axis=-1
    )
    return ops.cast(columns, v.dtype) * ops.log_sigmoid(change)
