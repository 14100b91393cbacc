"""The two prediction streams of Elman (1990), "Finding structure in time": next bit, next letter.

Each generator returns an `ElmanStream`: `inputs[t]` is element t of the
stream, `targets[t]` is element t + 1 (predict the next one), and
`positions[t]` says where the target sits in the stream's structure, so the
prediction error can be averaged per position.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mlzoo._checks import check_positive_int

FEATURE_NAMES = ("consonant", "vowel", "interrupted", "high", "back", "voiced")
# Table 1 of Elman (1990): each letter as six binary phonetic features, in FEATURE_NAMES order.
PHONETIC_FEATURES = {
    "b": (1, 0, 1, 0, 0, 1),
    "d": (1, 0, 1, 1, 0, 1),
    "g": (1, 0, 1, 0, 1, 1),
    "a": (0, 1, 0, 0, 1, 1),
    "i": (0, 1, 0, 1, 0, 1),
    "u": (0, 1, 0, 1, 1, 1),
}
SYLLABLES = {"b": "ba", "d": "dii", "g": "guuu"}


class ElmanStream(NamedTuple):
    """A stream cut into (input, next element) pairs.

    inputs: (T, d) float32, element t. targets: (T, d) float32, element t + 1.
    positions: (T,) int64, position of the target in its cycle (XOR) or
    syllable (letters; 0 = consonant). symbols: the T targets as characters.
    """

    inputs: np.ndarray
    targets: np.ndarray
    positions: np.ndarray
    symbols: str


def temporal_xor(n_bits: int = 3000, seed: int | None = 0) -> ElmanStream:
    """Random bit pairs, each followed by their XOR: 1 0 1, 0 0 0, 0 1 1, ...

    `positions` is the target's place in its triple: 0 and 1 are random bits
    (unpredictable), 2 is the XOR of the two before it (predictable).
    T = n_bits - 1 pairs.

    Examples:
        >>> stream = temporal_xor(3000)
        >>> stream.inputs.shape, stream.positions[:4].tolist()
        ((2999, 1), [1, 2, 0, 1])
    """
    n_bits = check_positive_int("n_bits", n_bits)
    if n_bits < 3:
        raise ValueError(f"`n_bits` must be at least 3 (one triple); received n_bits={n_bits}.")
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, 2, (-(-n_bits // 3), 2))
    bits = np.concatenate([pairs, pairs[:, :1] ^ pairs[:, 1:]], axis=1).ravel()[:n_bits]
    column = bits.astype("float32")[:, None]
    return ElmanStream(
        column[:-1],
        column[1:],
        np.arange(1, n_bits) % 3,
        "".join(map(str, bits[1:])),
    )


def letter_stream(n_consonants: int = 1000, seed: int | None = 0) -> ElmanStream:
    """Random consonants b, d, g, each followed by its vowel run: ba, dii, guuu.

    Letters are Elman's 6-bit phonetic feature vectors (`PHONETIC_FEATURES`).
    The consonants are unpredictable; the vowels that follow are determined by
    the consonant. `positions` is the target's place in its syllable
    (0 = consonant, 1-3 = vowels).

    Examples:
        >>> stream = letter_stream(1000)
        >>> stream.inputs.shape[1], sorted(set(stream.positions.tolist()))
        (6, [0, 1, 2, 3])
    """
    n_consonants = check_positive_int("n_consonants", n_consonants)
    rng = np.random.default_rng(seed)
    consonants = rng.choice(list(SYLLABLES), n_consonants)
    letters = "".join(SYLLABLES[c] for c in consonants)
    features = np.array([PHONETIC_FEATURES[letter] for letter in letters], dtype="float32")
    positions = np.concatenate([np.arange(len(SYLLABLES[c])) for c in consonants])
    return ElmanStream(features[:-1], features[1:], positions[1:], letters[1:])


def stream_batches(array: np.ndarray, batch_size: int, length: int) -> np.ndarray:
    """Lay a (T, ...) stream out for a stateful network: (chunks * batch_size, length, ...).

    The stream is split into `batch_size` consecutive sub-streams, each cut into
    `length`-step chunks; batch k (rows k * batch_size ... ) holds chunk k of
    every sub-stream, so with `shuffle=False` each row of the batch continues
    the previous batch's row. The tail that does not fill a chunk is dropped.

    Examples:
        >>> stream_batches(np.arange(12), batch_size=2, length=3).tolist()
        [[0, 1, 2], [6, 7, 8], [3, 4, 5], [9, 10, 11]]
    """
    batch_size = check_positive_int("batch_size", batch_size)
    length = check_positive_int("length", length)
    chunks = len(array) // (batch_size * length)
    if chunks == 0:
        raise ValueError(
            f"The stream has {len(array)} steps, fewer than batch_size * length = "
            f"{batch_size * length}."
        )
    rows = np.asarray(array)[: chunks * batch_size * length]
    rows = rows.reshape(batch_size, chunks, length, *rows.shape[1:])
    return rows.swapaxes(0, 1).reshape(chunks * batch_size, length, *rows.shape[3:])
