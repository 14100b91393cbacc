"""Constraint that keeps every entry of a weight at or above a floor."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mlzoo")
class MinValue(keras.constraints.Constraint):
    """Clip a weight elementwise to `[min_value, inf)` after each update.

    Keeps the slope of an adaptive activation strictly positive, so `ln a` and
    `1 / a` stay finite (Bell & Sejnowski's rule, eq. 2.10, needs `a > 0`).

    Examples:
        >>> import keras, mlzoo
        >>> layer = keras.layers.Layer()
        >>> slope = layer.add_weight(shape=(3,), constraint=mlzoo.constraints.MinValue(1e-3))
        >>> clipped = slope.constraint(keras.ops.array([-1.0, 0.0, 2.0]))
        >>> keras.ops.convert_to_numpy(clipped).round(3).tolist()
        [0.001, 0.001, 2.0]
    """

    def __init__(self, min_value: float):
        if not min_value > 0:
            raise ValueError(f"`min_value` must be positive; received min_value={min_value!r}.")
        self.min_value = float(min_value)

    def __call__(self, w):
        return ops.maximum(w, ops.cast(self.min_value, w.dtype))

    def get_config(self):
        return {"min_value": self.min_value}
