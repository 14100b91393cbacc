"""The ART presentation loop: windows of samples through one XLA program per model class.

`rules` is the model class: its static methods `_choice_and_match`, `_mismatch`,
`_new_category`, `_learned`, `_resonant_category` and `_learned_state` take
the hyper-parameters as float64 tensors (`params`). The XLA programs see a
fixed window of WINDOW samples, so every batch size and every model of a
class and size reuses one compiled program.
"""

from __future__ import annotations

import tensorflow as tf

from mlzoo.models.art import _inputs
from mlzoo.models.art._search import category_scores, first_max

WINDOW = 256


def present_batch(rules, params: dict, features, labels, state: tuple, status):
    """Present the samples in order until one finds no room (status CAPACITY_EXHAUSTED).

    `state` starts with the weights (capacity, width) and the category count;
    `labels` (int32) is None for the clustering models. Returns the new state,
    the status, the sum of the mismatches of the learned samples with their
    resonant categories before learning (float64; 1 for a commit) and their number.
    """
    size = tf.shape(features)[0]
    windows = _windows(features)
    label_windows = None if labels is None else _windows(labels)

    def present(window, status, state, mismatch, learned):
        labels = None if label_windows is None else label_windows[window]
        valid = tf.minimum(size - window * WINDOW, WINDOW)
        state, status, window_mismatch, window_learned = _present_window(
            rules, params, windows[window], labels, valid, state, status
        )
        return window + 1, status, state, mismatch + window_mismatch, learned + window_learned

    zero = tf.constant(0.0, tf.float64)
    _, status, state, mismatch, learned = tf.while_loop(
        lambda window, status, *_: (window < tf.shape(windows)[0]) & (status == _inputs.OK),
        present,
        (0, status, state, zero, 0),
    )
    return state, status, mismatch, learned


def categories(rules, params: dict, features, weights, count):
    """argmax_j T_j over the committed categories for each sample (-1 without categories)."""
    found = tf.map_fn(
        lambda window: _window_categories(rules, params, window, weights, count),
        _windows(features),
        fn_output_signature=tf.int32,
    )
    return tf.reshape(found, [-1])[: tf.shape(features)[0]]


def _windows(values):
    """(N, ...) -> (ceil(N / WINDOW), WINDOW, ...), zero-padded."""
    padding = [[0, -tf.shape(values)[0] % WINDOW]] + [[0, 0]] * (values.shape.rank - 1)
    padded = tf.pad(values, padding)
    return tf.reshape(padded, tf.concat([[-1, WINDOW], tf.shape(values)[1:]], axis=0))


@tf.function(jit_compile=True, autograph=False)
def _present_window(rules, params, features, labels, valid, state, status):
    def present(index, status, state, mismatch):
        label = None if labels is None else labels[index]
        state, fits, sample_mismatch = _present(rules, params, features[index], label, state)
        status = tf.where(fits, status, _inputs.CAPACITY_EXHAUSTED)
        return index + 1, status, state, mismatch + tf.where(fits, sample_mismatch, 0.0)

    zero = tf.constant(0.0, tf.float64)
    index, status, state, mismatch = tf.while_loop(
        lambda index, status, *_: (index < valid) & (status == _inputs.OK),
        present,
        (0, status, state, zero),
    )
    # a sample that found no room learned nothing
    learned = index - tf.cast(status != _inputs.OK, tf.int32)
    return state, status, mismatch, learned


def _present(rules, params, sample, label, state):
    """One sample: search, then learn (resonance) or commit a new category (fast commit).

    Returns the new state, whether the sample found room and its mismatch with
    the resonant category before learning (1 when it commits a new one).
    """
    weights, count = state[0], state[1]
    capacity = weights.shape[0]
    choice, match = category_scores(
        lambda sample, block: rules._choice_and_match(params, sample, block), sample, weights, count
    )
    committed = tf.range(capacity) < count
    category = rules._resonant_category(params, choice, match, committed, label, state)
    is_new = category < 0
    fits = ~is_new | (count < capacity)
    index = tf.where(is_new, tf.minimum(count, capacity - 1), category)
    current = weights[index]
    new, learned = rules._new_category(params, sample), rules._learned(params, sample, current)
    row = tf.where(fits, tf.where(is_new, new, learned), current)
    weights = tf.tensor_scatter_nd_update(weights, [[index]], [row])
    # before learning; 1 for a commit: no category coded the sample
    mismatch = rules._mismatch(params, sample[None], current[None])[0]
    mismatch = tf.where(is_new, tf.constant(1.0, tf.float64), mismatch)
    return rules._learned_state(state, weights, count, index, is_new & fits, label), fits, mismatch


@tf.function(jit_compile=True, autograph=False)
def _window_categories(rules, params, features, weights, count):
    committed = tf.range(weights.shape[0]) < count

    def category(sample):
        choice, _ = category_scores(
            lambda sample, block: rules._choice_and_match(params, sample, block),
            sample,
            weights,
            count,
        )
        return first_max(choice, committed)

    return tf.map_fn(category, features, fn_output_signature=tf.int32)
