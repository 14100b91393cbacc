"""`attach_sharing_ensemble`: grow independent output heads on a backbone's hidden layers."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from mlzoo._checks import check_positive_int
from mlzoo.models.sharing.sharing_ensemble import SharingEnsemble

HEAD_POOLINGS = ("flatten", "avg", "max", "last")


def attach_sharing_ensemble(
    backbone: keras.Model,
    taps: Sequence,
    num_classes: int,
    heads_per_tap: int = 5,
    head_hidden_units: int | None = None,
    head_pooling: str = "flatten",
    loss_weights: Sequence[float] | None = None,
    voting: str = "soft",
    vote_weights: str | Sequence[float] = "equal",
    name: str = "sharing_ensemble",
) -> SharingEnsemble:
    """Turn a functional backbone into a deep sharing ensemble (Du et al., figure 1b).

    Each tap (a hidden layer) gets `heads_per_tap` independent output layers
    (eq. 3-4): `softmax(theta_i a + c_i)`, each with its own initialisation,
    optionally behind a small hidden layer of its own. Taps with a spatial or
    time axis are first reduced (`head_pooling`): "flatten" (the paper, e.g.
    16384 -> 10 in its Table 2), "avg" / "max" (global pooling over space or
    time) or "last" (last time step, for recurrent layers). The backbone's own
    output is not used unless it is tapped.

    Args:
        backbone: a functional `keras.Model` (or `Sequential` with an `Input`).
        taps: hidden layers to grow heads on, input side first: layer names,
            layers, layer indices, or symbolic outputs of the backbone's layers.
        num_classes: classes per head; 1 gives one sigmoid unit (binary tasks).
        heads_per_tap: independent heads per tap (the paper: 5; 1 and
            `vote_weights="top"` is a deeply-supervised net).
        head_hidden_units: width of an optional leaky-ReLU layer in each head.
        head_pooling: "flatten", "avg", "max" or "last" for taps of rank > 2.
        loss_weights: lambda_{l,j}, one per head in tap order (default equal).
        voting: "soft" or "hard" (`EnsembleVote`).
        vote_weights: "equal", "top" or one weight per head.
        name: model name.

    Returns:
        A `SharingEnsemble` (compile and `fit` it like any Keras model).

    Examples:
        >>> import keras
        >>> from mlzoo.models.sharing import attach_sharing_ensemble
        >>> inputs = keras.Input((16,))
        >>> h1 = keras.layers.Dense(64, activation="relu", name="h1")(inputs)
        >>> h2 = keras.layers.Dense(32, activation="relu", name="h2")(h1)
        >>> backbone = keras.Model(inputs, keras.layers.Dense(26, activation="softmax")(h2))
        >>> model = attach_sharing_ensemble(backbone, ["h1", "h2"], num_classes=26)
        >>> model.num_heads
        10
        >>> model.compile("adam")   # default loss: cross-entropy on every head
    """
    if not isinstance(backbone, keras.Model) or not getattr(backbone, "inputs", None):
        raise ValueError(
            "`backbone` must be a functional keras.Model (or a Sequential built on a "
            f"keras.Input); received {type(backbone).__name__}."
        )
    num_classes = check_positive_int("num_classes", num_classes)
    heads_per_tap = check_positive_int("heads_per_tap", heads_per_tap)
    if head_hidden_units is not None:
        head_hidden_units = check_positive_int("head_hidden_units", head_hidden_units)
    if head_pooling not in HEAD_POOLINGS:
        raise ValueError(
            f"`head_pooling` must be one of {HEAD_POOLINGS}; received {head_pooling!r}."
        )
    if isinstance(taps, (str, int, keras.layers.Layer)) or not taps:
        raise ValueError(f"`taps` must be a non-empty list of layers; received {taps!r}.")
    tensors = [_tap_tensor(backbone, tap) for tap in taps]

    heads, head_taps = [], []
    for tap_index, tensor in enumerate(tensors):
        features = _pooled(tensor, head_pooling, f"tap{tap_index + 1}")
        for head_index in range(heads_per_tap):
            prefix = f"head_t{tap_index + 1}_{head_index + 1}"
            h = features
            if head_hidden_units:
                h = keras.layers.Dense(head_hidden_units, name=f"{prefix}_hidden")(h)
                h = keras.layers.LeakyReLU(name=f"{prefix}_act")(h)
            heads.append(
                keras.layers.Dense(
                    num_classes,
                    activation="sigmoid" if num_classes == 1 else "softmax",
                    dtype="float32",  # probabilities in float32 under mixed precision
                    name=prefix,
                )(h)
            )
            head_taps.append(tap_index)
    inputs = backbone.inputs[0] if len(backbone.inputs) == 1 else backbone.inputs
    network = keras.Model(inputs, heads, name=f"{name}_network")
    return SharingEnsemble(
        network,
        head_taps=head_taps,
        loss_weights=loss_weights,
        voting=voting,
        vote_weights=vote_weights,
        name=name,
    )


def _tap_tensor(backbone: keras.Model, tap):
    if isinstance(tap, str):
        try:
            return backbone.get_layer(tap).output
        except ValueError:
            names = ", ".join(layer.name for layer in backbone.layers)
            raise ValueError(
                f"No layer named {tap!r} in the backbone; its layers: {names}."
            ) from None
    if isinstance(tap, int):
        if not -len(backbone.layers) <= tap < len(backbone.layers):
            raise ValueError(f"Tap index {tap} is out of range for {len(backbone.layers)} layers.")
        return backbone.layers[tap].output
    if isinstance(tap, keras.layers.Layer):
        if tap not in backbone.layers:
            raise ValueError(f"Layer {tap.name!r} is not a layer of the backbone.")
        return tap.output
    if isinstance(tap, keras.KerasTensor):
        return tap
    raise ValueError(
        f"A tap must be a layer name, index, layer or symbolic tensor; received {tap!r}."
    )


def _pooled(tensor, pooling: str, name: str):
    rank = len(tensor.shape)
    if rank == 2:
        return tensor
    if pooling == "flatten":
        return keras.layers.Flatten(name=f"{name}_flatten")(tensor)
    if pooling == "last":
        if rank != 3 or tensor.shape[1] is None:
            raise ValueError(
                "head_pooling='last' needs (batch, time, units) taps with a known number of "
                f"time steps; received shape {tuple(tensor.shape)}."
            )
        last = keras.layers.Cropping1D((tensor.shape[1] - 1, 0), name=f"{name}_last")(tensor)
        return keras.layers.Flatten(name=f"{name}_last_flatten")(last)
    pools = {
        ("avg", 3): keras.layers.GlobalAveragePooling1D,
        ("max", 3): keras.layers.GlobalMaxPooling1D,
        ("avg", 4): keras.layers.GlobalAveragePooling2D,
        ("max", 4): keras.layers.GlobalMaxPooling2D,
    }
    if (pooling, rank) not in pools:
        raise ValueError(f"head_pooling={pooling!r} does not apply to {rank}-D taps.")
    return pools[pooling, rank](name=f"{name}_{pooling}")(tensor)
