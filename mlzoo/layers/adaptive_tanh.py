"""Hyperbolic-tangent activation with a learnable per-unit slope and offset."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.layers._adaptive_activation import AdaptiveActivation


@keras.saving.register_keras_serializable(package="mlzoo")
class AdaptiveTanh(AdaptiveActivation):
    """`y = tanh(a * u + b)`, one slope `a > 0` and offset `b` per unit.

    As `AdaptiveSigmoid`, with the infomax rule of appendix B of the seed paper:
    `da ∝ 1/a - 2 u y` (eq. B.4), `db ∝ -2y` (eq. B.5). Rules: "fixed",
    "task", "infomax", "joint" (Triesch's rule targets a positive output and
    is offered by `AdaptiveSigmoid` only).

    Examples:
        >>> import keras, mlzoo
        >>> x = keras.Input((64,))
        >>> h = mlzoo.layers.AdaptiveTanh(rule="joint", ip_rate=0.1)(keras.layers.Dense(30)(x))
        >>> h.shape
        (None, 30)
    """

    rules = ("fixed", "task", "infomax", "joint")

    def _activate(self, z):
        return ops.tanh(z)

    def _rule_factor(self, y):
        return -2.0 * y  # eq. (B.5)
