"""The ART presentation loop: windows of samples through one XLA program per model class.

`rules` is the model class: its static methods `_choice_and_match`, `_mismatch`,
`_new_category`, `_learned`, `_resonant_category` and `_learned_state` take
the hyper-parameters as `sum_dtype` tensors (`params`). The XLA programs see a
fixed window of WINDOW samples, so every batch size and every model of a
class and size reuses one compiled program. Every loop carries its state
as values: the caller assigns the variables once the batch is presented.
"""

from __future__ import annotations

import keras
from keras import ops

from mlzoo.models.art import _inputs
from mlzoo.models.art._search import category_scores, first_max, sum_dtype

WINDOW = 256


def _compiled(function):
    """`function(rules, ...)` XLA-compiled once per model class and shapes.

    TensorFlow runs Keras' step around it as a graph (the window loop has a
    data-dependent length); on JAX the step is compiled too, and this keeps the
    eager `predict_categories` to one compiled program per shape.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=True, autograph=False)
    import jax

    return jax.jit(function, static_argnums=0)


def present_batch(rules, params: dict, features, labels, state: tuple, status):
    """Present the samples in order until one finds no room (status CAPACITY_EXHAUSTED).

    `state` starts with the weights (capacity, width) and the category count;
    `labels` (int32) is None for the clustering models. Returns the new state,
    the status, the sum of the mismatches of the learned samples with their
    resonant categories before learning (`sum_dtype`; 1 for a commit) and their number.
    """
    size = ops.shape(features)[0]
    windows = _windows(features)
    label_windows = None if labels is None else _windows(labels)
    count = ops.shape(windows)[0]

    def present(window, status, state, mismatch, learned):
        labels = None if label_windows is None else label_windows[window]
        valid = ops.minimum(size - window * WINDOW, WINDOW)
        state, status, window_mismatch, window_learned = _present_window(
            rules, params, windows[window], labels, valid, state, status
        )
        return window + 1, status, state, mismatch + window_mismatch, learned + window_learned

    zero = ops.zeros((), "int32")
    _, status, state, mismatch, learned = ops.while_loop(
        lambda window, status, *_: (window < count) & (status == _inputs.OK),
        present,
        (zero, status, state, ops.zeros((), sum_dtype()), zero),
    )
    return state, status, mismatch, learned


def categories(rules, params: dict, features, weights, count):
    """argmax_j T_j over the committed categories for each sample (-1 without categories)."""
    found = ops.map(
        lambda window: _window_categories(rules, params, window, weights, count),
        _windows(features),
    )
    return ops.reshape(found, [-1])[: ops.shape(features)[0]]


def _windows(values):
    """(N, ...) -> (ceil(N / WINDOW), WINDOW, ...), zero-padded."""
    rows, *sample_shape = ops.shape(values)
    windows = (rows + WINDOW - 1) // WINDOW  # a whole number of windows, also for a symbolic N
    padding = [[0, windows * WINDOW - rows]] + [[0, 0]] * len(sample_shape)
    return ops.reshape(ops.pad(values, padding), [windows, WINDOW, *sample_shape])


@_compiled
def _present_window(rules, params, features, labels, valid, state, status):
    def present(index, status, state, mismatch):
        label = None if labels is None else labels[index]
        state, fits, sample_mismatch = _present(rules, params, features[index], label, state)
        status = ops.where(fits, status, _inputs.CAPACITY_EXHAUSTED)
        return index + 1, status, state, mismatch + ops.where(fits, sample_mismatch, 0.0)

    index, status, state, mismatch = ops.while_loop(
        lambda index, status, *_: (index < valid) & (status == _inputs.OK),
        present,
        (ops.zeros((), "int32"), status, state, ops.zeros((), sum_dtype())),
    )
    # a sample that found no room learned nothing
    learned = index - ops.cast(status != _inputs.OK, "int32")
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
    committed = ops.arange(capacity, dtype="int32") < count
    category = rules._resonant_category(params, choice, match, committed, label, state)
    is_new = category < 0
    fits = ~is_new | (count < capacity)
    index = ops.where(is_new, ops.minimum(count, capacity - 1), category)
    current = weights[index]
    new, learned = rules._new_category(params, sample), rules._learned(params, sample, current)
    row = ops.where(fits, ops.where(is_new, new, learned), current)
    weights = ops.scatter_update(weights, ops.reshape(index, [1, 1]), row[None])
    # before learning; 1 for a commit: no category coded the sample
    mismatch = rules._mismatch(params, sample[None], current[None])[0]
    mismatch = ops.where(is_new, ops.ones((), mismatch.dtype), mismatch)
    return rules._learned_state(state, weights, count, index, is_new & fits, label), fits, mismatch


@_compiled
def _window_categories(rules, params, features, weights, count):
    committed = ops.arange(weights.shape[0], dtype="int32") < count

    def category(sample):
        choice, _ = category_scores(
            lambda sample, block: rules._choice_and_match(params, sample, block),
            sample,
            weights,
            count,
        )
        return first_max(choice, committed)

    return ops.map(category, features)
