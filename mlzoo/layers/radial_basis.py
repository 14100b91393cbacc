"""Gaussian radial-basis units: the hidden layer of an RBF network."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from mlzoo._checks import check_positive_int


@keras.saving.register_keras_serializable(package="mlzoo")
class RadialBasis(keras.layers.Layer):
    """rho_i(x) = exp(-beta_i ||x - c_i||^2): one Gaussian unit per centre (BP lecture, RBF net).

    The squared distances come from the expansion ||x||^2 - 2 x.c + ||c||^2 (one
    matmul; no (N, units, d) tensor), clipped at 0 against round-off. Centres
    `c` (units, d) and widths `beta` (units,) are weights, trainable or frozen;
    widths are kept positive through their constraint (>= `min_beta`).

    Args:
        units: number of centres.
        centres: initial centres, an array (units, d) (e.g. from
            `mlzoo.models.rbf.init_centres`) or an initializer (default
            uniform in [0, 1]).
        beta: initial widths, a scalar, an array (units,) (e.g. from
            `mlzoo.models.rbf.width_heuristic`) or an initializer.
        trainable_centres: whether the centres learn by BP (step 2 of the lecture).
        trainable_beta: whether the widths learn.
        min_beta: floor of the widths.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape `(N, d)`; output shape `(N, units)`.

    Examples:
        >>> import keras, numpy as np
        >>> layer = RadialBasis(2, centres=np.array([[0.0, 0.0], [1.0, 1.0]]), beta=1.0)
        >>> keras.ops.convert_to_numpy(layer(np.array([[0.0, 0.0]], "float32"))).round(4)
        array([[1.    , 0.1353]], dtype=float32)
    """

    def __init__(
        self,
        units: int,
        centres=None,
        beta=1.0,
        trainable_centres: bool = True,
        trainable_beta: bool = True,
        min_beta: float = 1e-6,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_positive_int("units", units)
        self.centres_init = _initializer("centres", centres, (self.units, None))
        self.beta_init = _initializer("beta", beta, (self.units,))
        self.trainable_centres = bool(trainable_centres)
        self.trainable_beta = bool(trainable_beta)
        if not min_beta > 0:
            raise ValueError(f"`min_beta` must be positive; received min_beta={min_beta!r}.")
        self.min_beta = float(min_beta)

    def build(self, input_shape):
        dim = input_shape[-1]
        if len(input_shape) != 2 or dim is None:
            raise ValueError(
                f"RadialBasis '{self.name}' expects inputs (N, d) with known d; received "
                f"input shape {tuple(input_shape)}."
            )
        self.centres = self.add_weight(
            name="centres",
            shape=(self.units, dim),
            initializer=self.centres_init,
            trainable=self.trainable_centres,
        )
        self.beta = self.add_weight(
            name="beta",
            shape=(self.units,),
            initializer=self.beta_init,
            trainable=self.trainable_beta,
            constraint=keras.constraints.NonNeg(),
        )

    def squared_distances(self, inputs):
        """||x - c_i||^2 for every input and centre, shape (N, units)."""
        x_sq = ops.sum(ops.square(inputs), axis=-1, keepdims=True)
        c_sq = ops.sum(ops.square(self.centres), axis=-1)
        cross = ops.matmul(inputs, ops.transpose(self.centres))
        return ops.maximum(x_sq - 2.0 * cross + c_sq, 0.0)

    def call(self, inputs):
        beta = ops.maximum(self.beta, self.min_beta)
        return ops.exp(-beta * self.squared_distances(inputs))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "centres": keras.initializers.serialize(self.centres_init),
                "beta": keras.initializers.serialize(self.beta_init),
                "trainable_centres": self.trainable_centres,
                "trainable_beta": self.trainable_beta,
                "min_beta": self.min_beta,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("centres", "beta"):
            config[key] = keras.initializers.deserialize(config[key])
        return cls(**config)


def _initializer(name: str, value, shape):
    """An initializer from None, a scalar, an array of `shape` (None: any) or an initializer."""
    if value is None:
        return keras.initializers.RandomUniform(0.0, 1.0)
    if isinstance(value, (keras.initializers.Initializer, str, dict)) or callable(value):
        return keras.initializers.get(value)
    array = np.asarray(value, dtype="float32")
    if not np.isfinite(array).all():
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    if array.ndim == 0:
        if name == "beta" and array < 0:
            raise ValueError(f"`beta` must be non-negative; received beta={value!r}.")
        return keras.initializers.Constant(float(array))
    expected = tuple(d for d in shape)
    if array.ndim != len(expected) or any(
        want is not None and got != want for got, want in zip(array.shape, expected, strict=True)
    ):
        raise ValueError(
            f"`{name}` must have shape ({', '.join('d' if d is None else str(d) for d in expected)}"
            f"{',' if len(expected) == 1 else ''}); received shape {array.shape}."
        )
    if name == "beta" and (array < 0).any():
        raise ValueError("`beta` must be non-negative.")
    return keras.initializers.Constant(array.tolist())
