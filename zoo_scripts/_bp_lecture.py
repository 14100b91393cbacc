"""Pieces shared by the BP lecture's experiments (variants, regularization, local minima)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from mlzoo.models.lecture_mlp import build_lecture_mlp


def lecture_error(model: keras.Model, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean E_k = ½ Σ_j (ŷ_j − y_j)², classification error %) of the weights on a whole set.

    One output is a binary decision at 0.5; several are the argmax class.
    """
    scores = keras.ops.convert_to_numpy(model(x, training=False))
    energy = float(np.mean(0.5 * np.sum(np.square(scores - y), axis=1)))
    if y.shape[1] == 1:
        wrong = (scores[:, 0] > 0.5) != (y[:, 0] > 0.5)
    else:
        wrong = scores.argmax(1) != y.argmax(1)
    return energy, float(100.0 * np.mean(wrong))


def initial_weights(d: int, hidden: int, outputs: int, seed: int) -> list[np.ndarray]:
    """Keras' default initial weights (Glorot uniform, zero thresholds) for one seed."""
    keras.utils.set_random_seed(seed)
    return build_lecture_mlp(d, hidden, outputs).get_weights()


def training_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """Endless passes over (x, y) in batches, reshuffled every pass (one batch: no shuffle).

    Unlike `_shared.cached_dataset`, the shuffle runs over indices and each batch is
    gathered at once, so the input pipeline costs about the same per pass for every
    batch size (the variants are compared at equal training time); `fit` takes it
    with `steps_per_epoch` and `shuffle=False`.
    """
    if batch_size >= len(x):
        return tf.data.Dataset.from_tensors((x, y)).repeat()
    inputs, targets = tf.constant(x), tf.constant(y)
    return (
        tf.data.Dataset.range(len(x))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .map(lambda index: (tf.gather(inputs, index), tf.gather(targets, index)))
        .repeat()
        .prefetch(8)
    )
