"""Logistic activation with a learnable per-unit slope and offset."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.layers._adaptive_activation import RULES, AdaptiveActivation


@keras.saving.register_keras_serializable(package="mlzoo")
class AdaptiveSigmoid(AdaptiveActivation):
    """`y = 1 / (1 + exp(-(a * u + b)))`, one slope `a > 0` and offset `b` per unit.

    The joint-learning neuron of the seed paper (eq. 2.7, figure 3.1): `u` is the
    layer's input (put it after a linear `Dense`), `a` starts at 1 and `b` at 0.
    `rule` decides what moves `a` and `b`:

    - "infomax": only Bell & Sejnowski's information maximisation, gradient
      ascent on `E[ln |dy/du|]`: `da ∝ 1/a + u (1 - 2y)` (eq. 2.10),
      `db ∝ 1 - 2y` (eq. 2.11); the task loss trains the weights before the
      layer but not `a`, `b` (section 3, steps 3-4).
    - "joint": the infomax signal and the task loss both act on `a`, `b`.
    - "task": `a`, `b` are ordinary parameters of the task loss.
    - "fixed": a plain sigmoid (`a = 1`, `b = 0`, not trained).
    - "triesch": Triesch's intrinsic plasticity (2005): ascent on
      `E[ln |dy/du|] - E[y] / target_mean`, which drives the output towards an
      exponential distribution with mean `target_mean`:
      `db ∝ 1 - (2 + 1/μ) y + y²/μ`, `da ∝ 1/a + u db`.

    Args:
        rule: one of "fixed", "task", "infomax", "joint", "triesch".
        ip_rate: rate of the plasticity signal relative to the optimizer's
            learning rate (with SGD the step is `lr * ip_rate * rule`), >= 0.
        min_slope: floor of `a` (a constraint after every update), > 0.
        target_mean: μ of the "triesch" rule, in (0, 1].
        slope_initializer: initializer of `a` (default ones).
        offset_initializer: initializer of `b` (default zeros).
        **kwargs: base layer arguments.

    Examples:
        >>> import keras, mlzoo
        >>> x = keras.Input((64,))
        >>> h = mlzoo.layers.AdaptiveSigmoid(rule="infomax")(keras.layers.Dense(30)(x))
        >>> h.shape
        (None, 30)
    """

    rules = RULES

    def _activate(self, z):
        return ops.sigmoid(z)

    def _rule_factor(self, y):
        if self.rule == "triesch":
            return 1.0 - (2.0 + 1.0 / self.target_mean) * y + y * y / self.target_mean
        return 1.0 - 2.0 * y  # eq. (2.11)
