"""The paper's deep sharing ensemble convolutional network (Table 2; the depth study of 4.1)."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from mlzoo._checks import check_positive_int
from mlzoo.models.registry import register
from mlzoo.models.sharing._backbone import (
    BATCH_NORM_MOMENTUM,
    assemble,
    check_momentum,
    normalised_activation,
)
from mlzoo.models.sharing.sharing_ensemble import SharingEnsemble

TABLE2_FILTERS = (64, 64, 64, 128, 128, 256, 256, 256)
TABLE2_STRIDES = (1, 2, 1, 2, 1, 2, 1, 2)


@register("sharing_ensemble_cnn")
def build_sharing_ensemble_cnn(
    input_shape: Sequence[int],
    num_classes: int,
    filters: Sequence[int] = TABLE2_FILTERS,
    strides: Sequence[int] | None = None,
    kernel_size: int = 3,
    head_every: int = 2,
    heads_per_tap: int = 5,
    activation: str = "leaky_relu",
    batch_norm: bool = True,
    batch_norm_momentum: float = BATCH_NORM_MOMENTUM,
    head_pooling: str = "flatten",
    name: str = "sharing_ensemble_cnn",
    **head_args,
) -> SharingEnsemble:
    """Deep sharing ensemble CNN: same-padded 3x3 convs, stride-2 convs instead of pooling.

    Defaults are Table 2's CNN: 8 conv layers (64, 64, 64, 128, 128, 256,
    256, 256 filters; stride 2 on every second), BN, leaky ReLU, and 5
    flatten-softmax heads on layers 2, 4, 6, 8. The depth study of section 4.1
    is `filters=[64] * depth, strides=[1] * depth, activation="tanh",
    batch_norm=False`; its plain net is `head_every=depth, heads_per_tap=1`.

    Args:
        input_shape: (H, W) or (H, W, channels).
        num_classes: classes (1: one sigmoid unit).
        filters: filters per conv layer (its length is the depth).
        strides: stride per layer; default Table 2's pattern (1, 2, 1, 2, ...).
        kernel_size: square kernel size (the paper: 3).
        head_every: taps every `head_every` layers (and the last).
        heads_per_tap: heads per tapped layer.
        activation: "leaky_relu" or any Keras activation name.
        batch_norm: BN after each convolution.
        batch_norm_momentum: momentum of BN's moving statistics, in [0, 1)
            (default 0.9: settles within a few dozen steps).
        head_pooling: how a head reads its feature map: "flatten" (paper),
            "avg" or "max".
        name: model name.
        **head_args: `attach_sharing_ensemble` options.

    Examples:
        >>> model = build_sharing_ensemble_cnn((28, 28), 10, filters=[16] * 4, strides=[1, 2] * 2)
        >>> model.num_heads
        10
    """
    shape = tuple(input_shape)
    if len(shape) not in (2, 3) or any(
        isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in shape
    ):
        raise ValueError(f"`input_shape` must be (H, W) or (H, W, C); received {input_shape!r}.")
    filters = [check_positive_int("filters", f) for f in filters]
    if not filters:
        raise ValueError("`filters` must name at least one conv layer.")
    strides = [1 + i % 2 for i in range(len(filters))] if strides is None else list(strides)
    if len(strides) != len(filters) or any(s not in (1, 2) for s in strides):
        raise ValueError(
            f"`strides` must be 1 or 2 for each of the {len(filters)} layers; received {strides!r}."
        )
    momentum = check_momentum(batch_norm_momentum)
    inputs = keras.Input(shape, name="x")
    h = keras.layers.Reshape((*shape, 1), name="channels")(inputs) if len(shape) == 2 else inputs
    outputs = []
    for i, (width, stride) in enumerate(zip(filters, strides, strict=True), start=1):
        h = keras.layers.Conv2D(
            width,
            kernel_size,
            strides=stride,
            padding="same",
            use_bias=not batch_norm,
            name=f"conv_{i}",
        )(h)
        h = normalised_activation(h, i, activation, batch_norm, momentum)
        outputs.append(h)
    return assemble(
        inputs,
        outputs,
        head_every,
        name,
        num_classes=num_classes,
        heads_per_tap=heads_per_tap,
        head_pooling=head_pooling,
        **head_args,
    )
