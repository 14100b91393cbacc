"""Masking corruption of the denoising autoencoder: zero a random fraction of the inputs."""

from __future__ import annotations

import keras
from keras import ops

from mlzoo._checks import check_fraction


@keras.saving.register_keras_serializable(package="mlzoo")
class MaskingNoise(keras.layers.Layer):
    """Zero a random fraction `rate` of the inputs in training, without rescaling.

    The masking corruption `x~ ~ q_D(x~ | x)` of the denoising autoencoder
    (Vincent et al. 2008): each entry is independently set to 0 with probability
    `rate` and otherwise kept *unchanged* (unlike `Dropout`, which rescales the
    kept entries by `1 / (1 - rate)`). The identity at inference.

    Args:
        rate: probability of zeroing each entry, in `[0, 1)`.
        seed: optional int seed of the layer's `keras.random.SeedGenerator`.
        **kwargs: base layer arguments (`name`, `dtype`, ...).

    Input shape: any. Output shape: the input shape.

    Examples:
        >>> import keras, numpy as np, mlzoo
        >>> layer = mlzoo.layers.MaskingNoise(0.5, seed=1)
        >>> noisy = keras.ops.convert_to_numpy(layer(np.ones((1, 1000)), training=True))
        >>> sorted(set(noisy.ravel().tolist()))  # entries kept unscaled or zeroed
        [0.0, 1.0]
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        rate = check_fraction("rate", rate)
        if rate == 1.0:
            raise ValueError("`rate` must be below 1 (rate=1 would zero every input).")
        self.rate = rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training: bool = False):
        if not training or self.rate == 0.0:
            return inputs
        noise = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator)
        return ops.where(noise >= self.rate, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
