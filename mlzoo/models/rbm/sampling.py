"""Counter-based random draws and unit sampling for Gibbs chains.

Every random number of a training step is a row of one draw over the global
batch (or all persistent chains), keyed by (seed, step, stream): a replica of
a `tf.distribute` strategy takes its own rows of the same draw, so two
replicas sample exactly what one device does on the global batch, and
`steps_per_execution` or a `tf.data` input changes nothing.
"""

from __future__ import annotations

import tensorflow as tf

# stream keys of the draws of one step: the start of a CD chain, then per Gibbs step t
# `VISIBLE + 2 t` and `HIDDEN + 2 t`, and the flipped unit of the pseudo-likelihood
START, VISIBLE, HIDDEN, FLIPPED = 0, 1, 2, 1_000_000


class RowSlice:
    """Rows [offset, offset + rows) of a draw over `total` rows (one replica's share)."""

    def __init__(self, rows, offset=0, total=None):
        self.rows, self.offset = rows, offset
        self.total = rows if total is None else total

    def uniform(self, key, columns: int):
        """U(0, 1) of shape (rows, columns)."""
        draw = tf.random.stateless_uniform(tf.stack([self.total, columns]), key)
        return draw[self.offset : self.offset + self.rows]

    def normal(self, key, columns: int):
        """N(0, 1) of shape (rows, columns)."""
        draw = tf.random.stateless_normal(tf.stack([self.total, columns]), key)
        return draw[self.offset : self.offset + self.rows]

    def index(self, key, maxval: int):
        """Uniform integers in [0, maxval) of shape (rows,)."""
        draw = tf.random.stateless_uniform(
            tf.reshape(self.total, [1]), key, maxval=maxval, dtype=tf.int32
        )
        return draw[self.offset : self.offset + self.rows]


def stream_key(seed, step, stream: int):
    """The stateless seed of one draw: (seed, step) folded with the stream number."""
    base = tf.stack([tf.cast(seed, tf.int64), tf.cast(step, tf.int64)])
    return tf.random.experimental.stateless_fold_in(base, stream)


def bernoulli(probabilities, uniform):
    """Binary samples 1[u < p] (sklearn's `rng.uniform(size=p.shape) < p`)."""
    return tf.cast(uniform < probabilities, probabilities.dtype)


def sample_visible(mean, rows: RowSlice, key, visible_type: str):
    """v ~ P(v | h) from its mean: Bernoulli 1[u < mean], or Gaussian mean + N(0, 1)."""
    columns = mean.shape[-1]
    if visible_type == "gaussian":
        return mean + rows.normal(key, columns)
    return bernoulli(mean, rows.uniform(key, columns))
