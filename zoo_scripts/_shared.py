"""Pieces shared by the experiments: data, the cached `fit` input, the test-error curve."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo import datasets


def load_classification(dataset: str, data_dir: str | None, split_seed: int = 0):
    """Flat float32 inputs in [0, 1] and one-hot labels: `x, y, x_test, y_test, image_shape`.

    `image_shape` is the shape of one input image (None for tabular sets).
    """
    (x_train, y_train), (x_test, y_test) = datasets.load(
        dataset, data_dir, scale=True, split_seed=split_seed
    )
    image_shape = x_train.shape[1:] if x_train.ndim > 2 else {"digits": (8, 8)}.get(dataset)
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    flat = [x.reshape(len(x), -1).astype("float32") for x in (x_train, x_test)]
    labels = [datasets.one_hot(y, num_classes) for y in (y_train, y_test)]
    return flat[0], labels[0], flat[1], labels[1], image_shape


def cached_dataset(x, y=None, batch_size: int = 32, seed: int = 0, shuffle: bool = True):
    """`(x, y)` as an in-memory `tf.data` pipeline reshuffled every epoch: the scripts' `fit` input.

    On small sets Keras' per-epoch set-up of numpy input dominates: 101 epochs of a
    4-10-3 MLP on 108 rows at batch 8 cost 4.9-7.7 s of CPU from numpy and 1.1-3.4 s
    from this pipeline, 1.9x less at steps_per_execution 1 and 3.1x at 32 (means of 3;
    `mlzoo bench feed_speed`, docs/results/contract/feed_speed.json). Pass
    `shuffle=False` to `fit`; the pipeline shuffles.
    """
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).cache()
    if shuffle:
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def error_percent(model, x: np.ndarray, y: np.ndarray, chunk: int = 10000) -> float:
    """Classification error (%) by direct forward passes (`predict` would trace per model)."""
    scores = [model(x[i : i + chunk], training=False) for i in range(0, len(x), chunk)]
    predicted = np.concatenate([np.asarray(s) for s in scores]).argmax(1)
    return float(100.0 * np.mean(predicted != y.argmax(1)))


class TestErrorCurve(keras.callbacks.Callback):
    """Test classification error (%) of the positive net after every epoch.

    A direct forward pass: much cheaper per epoch than `validation_data`.
    """

    def __init__(self, x_test: np.ndarray, y_test: np.ndarray):
        super().__init__()
        self.x_test, self.labels = x_test, y_test.argmax(1)
        self.errors: list[float] = []

    def on_epoch_end(self, epoch, logs=None):
        scores = keras.ops.convert_to_numpy(self.model(self.x_test, training=False))
        self.errors.append(float(100.0 * np.mean(scores.argmax(1) != self.labels)))
