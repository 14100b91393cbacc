import numpy as np
import pytest

from mlzoo.datasets.elman_streams import (
    PHONETIC_FEATURES,
    SYLLABLES,
    letter_stream,
    stream_batches,
    temporal_xor,
)


def test_temporal_xor_every_third_bit_is_the_xor_of_the_two_before():
    stream = temporal_xor(300, seed=3)
    bits = np.concatenate([stream.inputs[:1, 0], stream.targets[:, 0]]).astype(int)
    assert bits.shape == (300,) and set(bits.tolist()) == {0, 1}
    np.testing.assert_array_equal(bits[2::3], bits[0::3] ^ bits[1::3])
    np.testing.assert_array_equal(stream.inputs[1:], stream.targets[:-1])  # next-bit targets
    np.testing.assert_array_equal(stream.positions, np.arange(1, 300) % 3)
    assert stream.symbols == "".join(map(str, bits[1:]))
    assert stream.inputs.dtype == np.float32 and stream.inputs.shape == (299, 1)
    # the random bits are random: about half of them are ones, and seeds differ
    assert 0.4 < bits[0::3].mean() < 0.6
    np.testing.assert_array_equal(temporal_xor(300, seed=3).inputs, stream.inputs)
    assert (temporal_xor(300, seed=4).inputs != stream.inputs).any()


def test_letter_stream_syllables_and_phonetic_features():
    stream = letter_stream(300, seed=1)
    letters = stream.symbols
    # the targets start after the first consonant (the first input): strip its vowel run
    syllables = letters.lstrip("aiu").replace("ba", "B").replace("dii", "D").replace("guuu", "G")
    assert set(syllables) == {"B", "D", "G"}  # nothing but whole syllables
    assert all(0.25 < syllables.count(s) / len(syllables) < 0.42 for s in "BDG")
    table = np.array([PHONETIC_FEATURES[letter] for letter in letters], dtype="float32")
    np.testing.assert_array_equal(stream.targets, table)
    np.testing.assert_array_equal(stream.inputs[1:], stream.targets[:-1])
    np.testing.assert_array_equal(stream.positions == 0, stream.targets[:, 0] == 1)  # consonants
    assert stream.positions.max() == 3 == len(SYLLABLES["g"]) - 1
    assert len(stream.inputs) == len(letters)
    # every letter has its own code; b, d, g differ only in "high" and "back"
    codes = np.array(list(PHONETIC_FEATURES.values()))
    assert len(np.unique(codes, axis=0)) == 6
    assert (np.array(PHONETIC_FEATURES["b"]) != np.array(PHONETIC_FEATURES["g"])).sum() == 1


def test_stream_batches_continue_row_by_row():
    stream = np.arange(50)
    pieces = stream_batches(stream, batch_size=2, length=4)  # 2 sub-streams of 24 steps
    assert pieces.shape == (12, 4)
    np.testing.assert_array_equal(pieces[0::2].ravel(), np.arange(24))
    np.testing.assert_array_equal(pieces[1::2].ravel(), np.arange(24, 48))
    assert stream_batches(np.zeros((50, 6)), 2, 4).shape == (12, 4, 6)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: temporal_xor(2), "n_bits"),
        (lambda: temporal_xor(3000.0), "n_bits"),
        (lambda: letter_stream(0), "n_consonants"),
        (lambda: stream_batches(np.zeros(10), 0, 2), "batch_size"),
        (lambda: stream_batches(np.zeros(10), 3, 4), "fewer than"),
    ],
)
def test_rejects_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
