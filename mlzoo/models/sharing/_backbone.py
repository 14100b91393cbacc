"""Pieces the sharing-ensemble builders share: layer blocks, tap positions, head assembly."""

from __future__ import annotations

import keras

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo.models.sharing.attach import attach_sharing_ensemble


def activation_layer(activation: str, name: str) -> keras.layers.Layer:
    """The paper's leaky ReLU as a layer, or any Keras activation by name."""
    if activation == "leaky_relu":
        return keras.layers.LeakyReLU(name=name)
    return keras.layers.Activation(activation, name=name)


#: BN momentum of the builders: the moving statistics forget 10 % per step, so they settle
#: within a few dozen steps (Keras' 0.99 needs several hundred: on small tabular sets the
#: inference statistics stay near their initial 0 / 1; docs/sharing_ensemble.md measures it).
BATCH_NORM_MOMENTUM = 0.9


def check_momentum(momentum) -> float:
    """`batch_norm_momentum` in [0, 1)."""
    return check_fraction("batch_norm_momentum", momentum, high=0.999)


def normalised_activation(h, index: int, activation: str, batch_norm: bool, momentum: float):
    """Optional batch normalisation, then the activation: the tail of every backbone layer.

    The statistics are the global batch's also under data parallelism: on
    TensorFlow they are synchronised across `MirroredStrategy` replicas (one
    device: the same numbers); a JAX `DataParallel` step sees the global batch.
    """
    if batch_norm:
        h = keras.layers.BatchNormalization(
            momentum=momentum,
            synchronized=keras.backend.backend() == "tensorflow",
            name=f"bn_{index}",
        )(h)
    return activation_layer(activation, f"act_{index}")(h)


def tap_positions(depth: int, head_every: int) -> list[int]:
    """0-based indices of the layers that carry heads: every `head_every`-th, and the last.

    Examples:
        >>> tap_positions(8, 2)
        [1, 3, 5, 7]
        >>> tap_positions(5, 2)
        [1, 3, 4]
    """
    head_every = check_positive_int("head_every", head_every)
    positions = list(range(head_every - 1, depth, head_every))
    return positions if positions and positions[-1] == depth - 1 else [*positions, depth - 1]


def assemble(inputs, layer_outputs: list, head_every: int, name: str, **head_args):
    """A `SharingEnsemble` with heads on every `head_every`-th of `layer_outputs`."""
    backbone = keras.Model(inputs, layer_outputs[-1], name=f"{name}_backbone")
    taps = [layer_outputs[i] for i in tap_positions(len(layer_outputs), head_every)]
    return attach_sharing_ensemble(backbone, taps, name=name, **head_args)
