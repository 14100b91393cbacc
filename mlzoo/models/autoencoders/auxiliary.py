"""The dual-path autoencoder's auxiliary stack: an encoder of the saliency maps."""

from __future__ import annotations

from collections.abc import Sequence

import keras


def pooling_between(encoders: Sequence[keras.layers.Layer]) -> list[int]:
    """Spatial down-sampling factor from each conv encoder's output to the next one's input.

    Examples:
        >>> from mlzoo import build_pretrainable_cnn
        >>> model = build_pretrainable_cnn((24, 24, 3))
        >>> pooling_between(model.encoder_layers)
        [2, 2]
    """
    factors = []
    for lower, upper in zip(encoders[:-1], encoders[1:], strict=True):
        out_size, in_size = lower.output.shape[1], upper.input.shape[1]
        factors.append(max(1, -(-out_size // in_size)))
    return factors


def build_auxiliary_stack(
    encoders: Sequence[keras.layers.Layer],
    map_shape: Sequence[int],
    widths: Sequence[int],
) -> keras.Model:
    """Auxiliary encoder of the maps, mirroring the main encoders (figure 2-28, section 3.3.2).

    Dense main layers give `flatten -> Dense(widths[j])`; Conv2D ones give
    `Conv2D(widths[j], same kernel size) -> max pooling` with the main stack's
    down-sampling between layers. Layers are named `aux_encoder_1..`, with the
    main layers' activations. The model's outputs are the stack's levels 1, 2, ...
    (after pooling): level i is what the main stack's layer i+1 reconstructs.
    """
    inputs = keras.Input(tuple(map_shape), name="saliency")
    convolutional = isinstance(encoders[0], keras.layers.Conv2D)
    if convolutional:
        h = keras.layers.Reshape((*map_shape, 1), name="aux_channel")(inputs)
        pools = pooling_between(encoders) + [1] * len(widths)
    else:
        h = keras.layers.Flatten(name="aux_flatten")(inputs)
    levels = []
    for j, width in enumerate(widths):
        name = f"aux_encoder_{j + 1}"
        if convolutional:
            h = keras.layers.Conv2D(
                width,
                encoders[j].kernel_size,
                padding="same",
                activation=encoders[j].activation,
                name=name,
            )(h)
            if pools[j] > 1:
                h = keras.layers.MaxPooling2D(pools[j], padding="same", name=f"aux_pool_{j + 1}")(h)
        else:
            h = keras.layers.Dense(width, activation=encoders[j].activation, name=name)(h)
        levels.append(h)
    return keras.Model(inputs, levels, name="auxiliary_stack")
