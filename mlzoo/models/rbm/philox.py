"""TensorFlow's stateless random stream (Philox-4x32-10) in `keras.ops`, for every backend.

`tf.random.stateless_uniform(shape, seed)` on CPU and GPU runs Philox-4x32-10
(Salmon et al. 2011): the seed (two 64-bit integers) is scrambled into a key k
and a 128-bit counter c by one Philox block, and output element 4 g + j is
word j of Philox_k(c + g). The functions here compute the same words with
32-bit integer `keras.ops` (the 32 x 32 -> 64-bit products of a Philox round
from 16-bit halves), so a JAX step draws exactly what a TensorFlow step draws:

    uniform(shape, seed)          == tf.random.stateless_uniform(shape, seed)
    integers(shape, seed, maxval) == tf.random.stateless_uniform(shape, seed, maxval=maxval,
                                                                 dtype=tf.int32)
    fold_in(seed, data)           == tf.random.fold_in(seed, data)       (int32 `data`)
    normal(shape, seed)           ~= tf.random.stateless_normal(shape, seed)

bit for bit, except `normal`, whose Box-Muller log / sin / cos agree to float32
rounding. `seed` is a pair of 64-bit integers, each a Python int or an integer
tensor (TensorFlow's seed tensor of shape (2,)); int32 values are sign extended.
"""

from __future__ import annotations

import math
import numbers

from keras import ops

# Philox-4x32 round multipliers and Weyl key increments (Random123), and TensorFlow's
# constant key for scrambling a seed (stateless_random_ops.cc, GenerateKey)
_MULTIPLIERS = (0xD2511F53, 0xCD9E8D57)
_KEY_STEPS = (0x9E3779B9, 0xBB67AE85)
_SCRAMBLE_KEY = (0x3EC8F720, 0x02461E29)
_ROUNDS = 10
_MANTISSA = 0x7FFFFF  # a uniform is the low 23 bits over 2^23 (1.m - 1 in TensorFlow)


def _u32(value):
    return ops.convert_to_tensor(value, "uint32")


def _mul_hi_lo(a, multiplier: int):
    """(high, low) 32-bit words of the 64-bit product a * multiplier, in 32-bit arithmetic."""
    half, sixteen = _u32(0xFFFF), _u32(16)
    a_hi, a_lo = ops.right_shift(a, sixteen), ops.bitwise_and(a, half)
    m_hi, m_lo = _u32(multiplier >> 16), _u32(multiplier & 0xFFFF)
    low_cross, high_cross = a_hi * m_lo, a_lo * m_hi
    middle = (
        ops.right_shift(a_lo * m_lo, sixteen)
        + ops.bitwise_and(low_cross, half)
        + ops.bitwise_and(high_cross, half)
    )
    high = (
        a_hi * m_hi
        + ops.right_shift(low_cross, sixteen)
        + ops.right_shift(high_cross, sixteen)
        + ops.right_shift(middle, sixteen)
    )
    return high, a * _u32(multiplier)


def _philox(counter: list, key: list) -> list:
    """The 4 words of Philox-4x32-10 of `counter` (4 uint32 tensors) under `key` (2).

    One round per loop step: unrolled, XLA duplicates the chained rounds into
    every fusion that reads them, and compiling takes seconds.
    """

    def round_(_, state):
        counter, key = state[:4], state[4:]
        high_0, low_0 = _mul_hi_lo(counter[0], _MULTIPLIERS[0])
        high_1, low_1 = _mul_hi_lo(counter[2], _MULTIPLIERS[1])
        return (
            ops.bitwise_xor(ops.bitwise_xor(high_1, counter[1]), key[0]),
            low_1,
            ops.bitwise_xor(ops.bitwise_xor(high_0, counter[3]), key[1]),
            low_0,
            *[k + _u32(step) for k, step in zip(key, _KEY_STEPS, strict=True)],
        )

    return list(ops.fori_loop(0, _ROUNDS, round_, (*counter, *key))[:4])


def _words(value) -> list:
    """[low, high] uint32 words of a 64-bit integer: a Python or NumPy int, an int32/int64 tensor.

    Negative values are two's complement, so an int32 is sign extended as in TensorFlow.
    """
    if isinstance(value, numbers.Integral):
        value = int(value) & (2**64 - 1)
        return [_u32(value & 0xFFFFFFFF), _u32(value >> 32)]
    low = ops.cast(value, "uint32")  # wraps: the low word
    if ops.dtype(value) == "int64":
        return [low, ops.cast(ops.right_shift(value, ops.convert_to_tensor(32, "int64")), "uint32")]
    return [low, ops.where(value < 0, _u32(0xFFFFFFFF), _u32(0))]


def _key_and_counter(seed):
    """TensorFlow's scramble of a seed pair: key (2 words), counter high words (2).

    The scrambled counter's low 64 bits are 0, so block g's counter is (g, 0, c2, c3).
    """
    mix = _philox(_words(seed[0]) + _words(seed[1]), [_u32(k) for k in _SCRAMBLE_KEY])
    return mix[:2], mix[2:]


def _bits(count: int, seed):
    """The first `count` uint32 words of the stream of `seed`: (count,)."""
    key, (counter_2, counter_3) = _key_and_counter(seed)
    block = ops.arange(-(-count // 4), dtype="uint32")
    zeros = ops.zeros_like(block)
    words = _philox([block, zeros, counter_2 + zeros, counter_3 + zeros], key)
    return ops.reshape(ops.stack(words, axis=1), [-1])[:count]


def _unit_float(bits):
    """[0, 1) float32 from uint32 words: the low 23 bits / 2^23 (exact)."""
    mantissa = ops.cast(ops.bitwise_and(bits, _u32(_MANTISSA)), "float32")
    return mantissa * (1.0 / (_MANTISSA + 1))


def uniform(shape: tuple, seed):
    """U[0, 1) float32 of `shape`: `tf.random.stateless_uniform(shape, seed)`."""
    return ops.reshape(_unit_float(_bits(math.prod(shape), seed)), shape)


def integers(shape: tuple, seed, maxval: int):
    """Integers in [0, maxval), int32, of `shape`: TensorFlow's stateless uniform int32."""
    draw = ops.mod(_bits(math.prod(shape), seed), _u32(maxval))
    return ops.reshape(ops.cast(draw, "int32"), shape)


def normal(shape: tuple, seed):
    """N(0, 1) float32 of `shape` by TensorFlow's Box-Muller on word pairs (x0, x1).

    z0 = sqrt(-2 log u0) sin(2 pi u1), z1 = sqrt(-2 log u0) cos(2 pi u1), u0 >= 1e-7.
    """
    count = math.prod(shape)
    pairs = ops.reshape(_unit_float(_bits(count + count % 2, seed)), [-1, 2])
    radius = ops.sqrt(-2.0 * ops.log(ops.maximum(pairs[:, 0], 1e-7)))
    angle = (2.0 * math.pi) * pairs[:, 1]
    draw = ops.stack([radius * ops.sin(angle), radius * ops.cos(angle)], axis=1)
    return ops.reshape(ops.reshape(draw, [-1])[:count], shape)


def fold_in(seed, data: int) -> tuple:
    """`tf.random.fold_in(seed, data)`, int32 `data`: (the first word of the stream, data)."""
    return ops.cast(_bits(1, seed)[0], "int32"), data
