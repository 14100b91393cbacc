"""Counter-based random draws and unit sampling for Gibbs chains.

Every random number of a training step is a row of one draw over the global
batch (or all persistent chains), keyed by (seed, step, stream): a replica of
a `tf.distribute` strategy takes its own rows of the same draw, so two
replicas sample exactly what one device does on the global batch, and
`steps_per_execution` or a `tf.data` input changes nothing.

The draws are TensorFlow's stateless Philox stream (`tf.random.fold_in`,
`tf.random.stateless_uniform`): TensorFlow's own kernels on TensorFlow, their
bit-identical `keras.ops` twins (`mlzoo.models.rbm.philox`) on JAX, so both
backends draw the same numbers (Gaussian noise agrees to float32 rounding).
"""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.models.rbm import philox

# stream keys of the draws of one step: the start of a CD chain, then per Gibbs step t
# `VISIBLE + 2 t` and `HIDDEN + 2 t`, and the flipped unit of the pseudo-likelihood
START, VISIBLE, HIDDEN, FLIPPED = 0, 1, 2, 1_000_000

if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    def _fold_in(seed, step):
        return tf.random.fold_in(tf.stack([tf.cast(seed, tf.int64), tf.cast(step, tf.int64)]), 0)

    def _uniform(shape, key):
        return tf.random.stateless_uniform(tf.stack(shape), key)

    def _normal(shape, key):
        return tf.random.stateless_normal(tf.stack(shape), key)

    def _integers(shape, key, maxval: int):
        return tf.random.stateless_uniform(tf.stack(shape), key, maxval=maxval, dtype=tf.int32)

else:

    def _fold_in(seed, step):
        return philox.fold_in((seed, step), 0)

    _uniform, _normal, _integers = philox.uniform, philox.normal, philox.integers


class RowSlice:
    """Rows [offset, offset + rows) of a draw over `total` rows (one replica's share)."""

    def __init__(self, rows, offset=0, total=None):
        self.rows, self.offset = rows, offset
        self.total = rows if total is None else total

    def uniform(self, key, columns: int):
        """U(0, 1) of shape (rows, columns)."""
        return self._mine(_uniform((self.total, columns), key))

    def normal(self, key, columns: int):
        """N(0, 1) of shape (rows, columns)."""
        return self._mine(_normal((self.total, columns), key))

    def index(self, key, maxval: int):
        """Uniform integers in [0, maxval) of shape (rows,)."""
        return self._mine(_integers((self.total,), key, maxval))

    def _mine(self, draw):
        return draw[self.offset : self.offset + self.rows]


def step_seed(seed, step):
    """The int32 seed of the draws of step `step`: `tf.random.fold_in((seed, step), 0)[0]`.

    TensorFlow's fold_in(base, stream) is (the first int32 word of base's stream,
    stream), so every stream of a step shares this word (`stream_key`).
    """
    return _fold_in(seed, step)[0]


def stream_key(step_seed, stream: int) -> tuple:
    """The stateless seed of one draw of a step: `tf.random.fold_in((seed, step), stream)`."""
    return step_seed, stream


def bernoulli(probabilities, uniform):
    """Binary samples 1[u < p] (sklearn's `rng.uniform(size=p.shape) < p`)."""
    return ops.cast(uniform < probabilities, probabilities.dtype)


def sample_visible(mean, rows: RowSlice, key, visible_type: str):
    """v ~ P(v | h) from its mean: Bernoulli 1[u < mean], or Gaussian mean + N(0, 1)."""
    columns = mean.shape[-1]
    if visible_type == "gaussian":
        return mean + rows.normal(key, columns)
    return bernoulli(mean, rows.uniform(key, columns))
