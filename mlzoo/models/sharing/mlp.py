"""The paper's deep sharing ensemble feed-forward network (pyramid DNN, Table 2)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras

from mlzoo._checks import check_fraction, check_hidden_units, check_positive_int
from mlzoo.models.registry import register
from mlzoo.models.sharing._backbone import (
    BATCH_NORM_MOMENTUM,
    assemble,
    check_momentum,
    normalised_activation,
)
from mlzoo.models.sharing.sharing_ensemble import SharingEnsemble


def pyramid_widths(first_units: int, depth: int, min_units: int = 8) -> list[int]:
    """Layer widths shrinking by sqrt(2) per layer (the paper's pyramid), at least `min_units`.

    Examples:
        >>> pyramid_widths(1024, 8)
        [1024, 724, 512, 362, 256, 181, 128, 91]
    """
    first_units = check_positive_int("first_units", first_units)
    depth = check_positive_int("depth", depth)
    return [max(min_units, round(first_units / math.sqrt(2) ** i)) for i in range(depth)]


@register("sharing_ensemble_mlp")
def build_sharing_ensemble_mlp(
    input_dim: int,
    num_classes: int,
    hidden_units: Sequence[int] | None = None,
    depth: int = 8,
    first_units: int = 1024,
    head_every: int = 2,
    heads_per_tap: int = 5,
    activation: str = "leaky_relu",
    batch_norm: bool = True,
    batch_norm_momentum: float = BATCH_NORM_MOMENTUM,
    dropout: float = 0.0,
    kernel_initializer="glorot_uniform",
    name: str = "sharing_ensemble_mlp",
    **head_args,
) -> SharingEnsemble:
    """Deep sharing ensemble MLP (section 4): Dense -> BN -> leaky ReLU, heads every 2 layers.

    With the defaults, 8 layers 1024 ... 91 wide and 5 softmax heads on layers
    2, 4, 6 and 8: the 20-head "DNN + sharing ensemble" of Table 2.
    `head_every=depth, heads_per_tap=1` gives the plain DNN (one output on top).

    Args:
        input_dim: width of x.
        num_classes: classes (1: one sigmoid unit for binary tasks).
        hidden_units: explicit widths; default `pyramid_widths(first_units, depth)`.
        depth: layers of the pyramid, used when `hidden_units` is None.
        first_units: width of the pyramid's first layer, used when `hidden_units` is None.
        head_every: heads on every `head_every`-th layer and on the last.
        heads_per_tap: independent heads per tapped layer.
        activation: "leaky_relu" (the paper) or any Keras activation name.
        batch_norm: batch normalisation after each Dense (the paper: yes).
        batch_norm_momentum: momentum of BN's moving statistics, in [0, 1).
            The default 0.9 settles within a few dozen steps; Keras' 0.99 needs
            several hundred (on a few hundred training rows it leaves the
            inference statistics unconverged: see docs/sharing_ensemble.md).
        dropout: dropout rate after each block, in [0, 1).
        kernel_initializer: initializer of the hidden Dense kernels (the paper:
            variance 0.5, `keras.initializers.RandomNormal(stddev=0.5**0.5)`).
        name: model name.
        **head_args: `attach_sharing_ensemble` options (`head_hidden_units`,
            `loss_weights`, `voting`, `vote_weights`).

    Examples:
        >>> model = build_sharing_ensemble_mlp(16, 26, depth=6, first_units=256)
        >>> model.compile("adam", metrics=["accuracy"])
        >>> model.num_heads
        15
    """
    input_dim = check_positive_int("input_dim", input_dim)
    widths = (
        pyramid_widths(first_units, depth)
        if hidden_units is None
        else check_hidden_units(list(hidden_units))
    )
    check_fraction("dropout", dropout, high=0.99)
    momentum = check_momentum(batch_norm_momentum)
    inputs = keras.Input((input_dim,), name="x")
    h, outputs = inputs, []
    for i, width in enumerate(widths, start=1):
        h = keras.layers.Dense(
            width,
            use_bias=not batch_norm,
            kernel_initializer=kernel_initializer,
            name=f"dense_{i}",
        )(h)
        h = normalised_activation(h, i, activation, batch_norm, momentum)
        if dropout:
            h = keras.layers.Dropout(dropout, name=f"dropout_{i}")(h)
        outputs.append(h)
    return assemble(
        inputs,
        outputs,
        head_every,
        name,
        num_classes=num_classes,
        heads_per_tap=heads_per_tap,
        **head_args,
    )
