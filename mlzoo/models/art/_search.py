"""The category search of ART, written for XLA: static shapes, committed rows by a count."""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras import ops

CHUNK = 128  # rows scored per step of the inner loop, so the cost follows the committed count


def sum_dtype() -> str:
    """The float type of ART's sums: float64 where the backend has it, else float32.

    TensorFlow has float64, and JAX with `jax_enable_x64` (then both equal
    artlib's numpy exactly); plain JAX computes in float32, where near-ties in
    the category search can resolve differently and a long run drifts from
    float64's categories (LETTER, Fuzzy ART: 1,070 against 1,109; see
    docs/benchmarks.md). Set `JAX_ENABLE_X64=1` for artlib's results on JAX.
    """
    if keras.backend.backend() == "jax":
        import jax

        return "float64" if jax.config.jax_enable_x64 else "float32"
    return "float64"


def category_scores(score: Callable, sample, weights, count) -> tuple:
    """Choice T_j and match M_j (`sum_dtype`) of `sample` against the rows of `weights`.

    Only the first `count` rows are scored, CHUNK rows at a time (the last
    chunk is shifted back to fit, re-scoring a few rows); the rest stay 0 for
    the caller to mask. `score(sample, block)` returns (T, M) of a block.
    """
    rows, width = weights.shape
    chunk = min(CHUNK, rows)

    def scored(block_index, choice, match):
        start = ops.minimum(block_index * chunk, rows - chunk)
        block = ops.slice(weights, [start, ops.zeros_like(start)], [chunk, width])
        block_choice, block_match = score(sample, block)
        where = ops.expand_dims(start + ops.arange(chunk, dtype="int32"), 1)
        choice = ops.scatter_update(choice, where, block_choice)
        match = ops.scatter_update(match, where, block_match)
        return block_index + 1, choice, match

    zeros = ops.zeros(rows, sum_dtype())
    _, choice, match = ops.while_loop(
        lambda block_index, *_: block_index * chunk < count,
        scored,
        (ops.convert_to_tensor(0, "int32"), zeros, zeros),
    )
    return choice, match


def first_max(scores, eligible):
    """Index of the largest eligible score, the lowest index among ties; -1 if none.

    This is the order in which ART searches its categories (descending T, then
    index), as artlib's `np.lexsort((index, -T))` and `np.argmax`. A NaN score
    (alpha = 0 and an all-zero weight, where artlib divides by zero) never wins.
    """
    rows = scores.shape[0]
    eligible = eligible & ~ops.isnan(scores)
    masked = ops.where(eligible, scores, ops.cast(float("-inf"), scores.dtype))
    best = eligible & (masked == ops.max(masked))
    index = ops.min(ops.where(best, ops.arange(rows, dtype="int32"), rows))
    return ops.where(index < rows, index, -1)
