"""The category search of ART, written for XLA: static shapes, committed rows by a count."""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

CHUNK = 128  # rows scored per step of the inner loop, so the cost follows the committed count


def category_scores(
    score: Callable, sample: tf.Tensor, weights: tf.Tensor, count: tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor]:
    """Choice T_j and match M_j (float64) of `sample` against the rows of `weights`.

    Only the first `count` rows are scored, CHUNK rows at a time (the last
    chunk is shifted back to fit, re-scoring a few rows); the rest stay 0 for
    the caller to mask. `score(sample, block)` returns (T, M) of a block.
    """
    rows = weights.shape[0]
    chunk = min(CHUNK, rows)

    def scored(block_index, choice, match):
        start = tf.minimum(block_index * chunk, rows - chunk)
        block = tf.slice(weights, [start, 0], [chunk, weights.shape[1]])
        block_choice, block_match = score(sample, block)
        where = (start + tf.range(chunk))[:, None]
        choice = tf.tensor_scatter_nd_update(choice, where, block_choice)
        match = tf.tensor_scatter_nd_update(match, where, block_match)
        return block_index + 1, choice, match

    zeros = tf.zeros(rows, tf.float64)
    _, choice, match = tf.while_loop(
        lambda block_index, *_: block_index * chunk < count, scored, (0, zeros, zeros)
    )
    return choice, match


def first_max(scores: tf.Tensor, eligible: tf.Tensor) -> tf.Tensor:
    """Index of the largest eligible score, the lowest index among ties; -1 if none.

    This is the order in which ART searches its categories (descending T, then
    index), as artlib's `np.lexsort((index, -T))` and `np.argmax`. A NaN score
    (alpha = 0 and an all-zero weight, where artlib divides by zero) never wins.
    """
    rows = tf.shape(scores)[0]
    eligible = eligible & ~tf.math.is_nan(scores)
    masked = tf.where(eligible, scores, tf.constant(float("-inf"), scores.dtype))
    best = eligible & tf.equal(masked, tf.reduce_max(masked))
    index = tf.reduce_min(tf.where(best, tf.range(rows), rows))
    return tf.where(index < rows, index, -1)
