"""The BP lecture's regularised objective as a Keras weight regularizer.

The lecture (seed 002, "缓解过拟合") trades the mean error against the
squared weights,

    E = λ · (1/m) Σ_k E_k + (1 − λ) · Σ_i w_i²,       0 < λ ≤ 1,

where `w_i` runs over all connection weights *and* thresholds (biases).
Minimising `E` is minimising `E / λ`, and

    E / λ = (1/m) Σ_k E_k + ((1 − λ) / λ) · Σ_i w_i²,

which is what Keras minimises (mean loss over the batch plus every
regularizer's penalty) when each kernel and bias carries
`keras.regularizers.L2((1 − λ) / λ)` and the compiled loss is `E_k`. The
lecture's `E_k = ½ Σ_j (ŷ_j − y_j)²`, and Keras's "mse" is the mean over the
`l` outputs, so compile with `loss="mse", loss_weights=l / 2`. SGD with rate
`η` on `E / λ` is SGD with rate `η / λ` on `E`.
"""

from __future__ import annotations

import numbers

import keras


def lecture_l2(lam: float) -> keras.regularizers.L2:
    """The L2 regularizer for which Keras's total loss is the lecture's `E / λ`.

    Put it on every layer's kernel **and** bias (the lecture's Σ w_i² counts
    the thresholds too):

    Examples:
        >>> penalty = lecture_l2(0.999)          # L2(0.001001...)
        >>> layer = keras.layers.Dense(30, "sigmoid", kernel_regularizer=penalty,
        ...                            bias_regularizer=penalty)

    Args:
        lam: λ of the lecture, in (0, 1]; 1 is no regularisation.

    Returns:
        `keras.regularizers.L2((1 - lam) / lam)`, a built-in regularizer, so
        models using it save and load without custom objects.
    """
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not 0 < lam <= 1:
        raise ValueError(f"`lam` must be a number in (0, 1]; received lam={lam!r}.")
    return keras.regularizers.L2((1.0 - float(lam)) / float(lam))
