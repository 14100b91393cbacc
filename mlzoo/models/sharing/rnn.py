"""Deep sharing ensembles for sequences and text: stacked LSTM or 1-D conv (sections 4.4-4.5)."""

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

KINDS = ("lstm", "conv1d")


@register("sharing_ensemble_rnn")
def build_sharing_ensemble_rnn(
    num_classes: int,
    input_shape: Sequence[int] | None = None,
    vocab_size: int | None = None,
    sequence_length: int | None = None,
    kind: str = "lstm",
    units: Sequence[int] = (128, 128),
    embedding_dim: int = 100,
    head_every: int = 1,
    heads_per_tap: int = 5,
    activation: str = "leaky_relu",
    batch_norm_momentum: float = BATCH_NORM_MOMENTUM,
    name: str | None = None,
    **head_args,
) -> SharingEnsemble:
    """Deep sharing ensemble over sequences: heads on every recurrent / conv layer.

    Sequences of vectors: `input_shape=(time, features)` (e.g. sEMG reshaped to
    6 x 300 in the paper). Text: `vocab_size` and `sequence_length` (integer
    token ids, 0 = padding) go through an `Embedding(vocab_size,
    embedding_dim)` first (IMDB: length 500, 100-d vectors).

    - `kind="lstm"`: stacked LSTMs returning sequences; each head reads its
      layer's last time step.
    - `kind="conv1d"`: same-padded width-3 `Conv1D` layers (stride 2 on every
      second, BN, leaky ReLU); each head reads the global max over time.

    Args:
        num_classes: classes (1: one sigmoid unit, e.g. IMDB sentiment).
        input_shape: (time, features), for sequences of vectors.
        vocab_size: token vocabulary, for token-id sequences (text).
        sequence_length: tokens per sequence, for token-id sequences.
        kind: "lstm" or "conv1d".
        units: units (LSTM) or filters (conv1d) per layer.
        embedding_dim: width of the token embedding.
        head_every: tap spacing.
        heads_per_tap: heads per tap.
        activation: activation of the conv layers.
        batch_norm_momentum: momentum of the conv layers' BN, in [0, 1)
            (default 0.9: settles within a few dozen steps).
        name: model name (default "sharing_ensemble_<kind>").
        **head_args: `attach_sharing_ensemble` options.

    Examples:
        >>> model = build_sharing_ensemble_rnn(1, vocab_size=5000, sequence_length=200,
        ...                                    kind="conv1d", units=[64, 64, 64])
        >>> model.num_heads
        15
    """
    if kind not in KINDS:
        raise ValueError(f"`kind` must be 'lstm' or 'conv1d'; received kind={kind!r}.")
    units = [check_positive_int("units", u) for u in units]
    momentum = check_momentum(batch_norm_momentum)
    if not units:
        raise ValueError("`units` must name at least one layer.")
    if (input_shape is None) == (vocab_size is None):
        raise ValueError(
            "Give either `input_shape=(time, features)` for sequences of vectors or "
            "`vocab_size` and `sequence_length` for token ids, not both."
        )
    if vocab_size is not None:
        vocab_size = check_positive_int("vocab_size", vocab_size)
        sequence_length = check_positive_int("sequence_length", sequence_length)
        inputs = keras.Input((sequence_length,), dtype="int32", name="tokens")
        h = keras.layers.Embedding(
            vocab_size, check_positive_int("embedding_dim", embedding_dim), name="embedding"
        )(inputs)
    else:
        shape = tuple(input_shape)
        if len(shape) != 2 or any(not isinstance(d, int) or d < 1 for d in shape):
            raise ValueError(f"`input_shape` must be (time, features); received {input_shape!r}.")
        inputs = keras.Input(shape, name="x")
        h = inputs
    outputs = []
    for i, width in enumerate(units, start=1):
        if kind == "lstm":
            h = keras.layers.LSTM(
                width, return_sequences=True, use_cudnn=_cudnn(), name=f"lstm_{i}"
            )(h)
        else:
            h = keras.layers.Conv1D(
                width, 3, strides=1 + (i - 1) % 2, padding="same", use_bias=False, name=f"conv_{i}"
            )(h)
            h = normalised_activation(h, i, activation, True, momentum)
        outputs.append(h)
    return assemble(
        inputs,
        outputs,
        head_every,
        name or f"sharing_ensemble_{kind}",
        num_classes=num_classes,
        heads_per_tap=heads_per_tap,
        head_pooling="last" if kind == "lstm" else "max",
        **head_args,
    )


def _cudnn() -> str | bool:
    """LSTM's `use_cudnn`: off where JAX's cuDNN kernel refuses float16 (mixed precision)."""
    half = keras.config.dtype_policy().compute_dtype == "float16"
    return False if half and keras.backend.backend() == "jax" else "auto"
