"""Pieces of custom TensorFlow training steps shared by mlzoo's models."""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops


class _FunctionLoss(keras.losses.Loss):
    """A loss function (e.g. `keras.losses.mean_squared_error`) as a `Loss` object."""

    def __init__(self, fn, name=None):
        super().__init__(name=name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def as_loss_object(loss) -> keras.losses.Loss:
    """Resolve a loss name, function or object to a `Loss` taking sample weights.

    A `Loss` object scales itself per replica under `tf.distribute`, like Keras'
    compiled losses, so gradients all-reduce to the global-batch gradient.
    """
    loss = keras.losses.get(loss)
    return loss if isinstance(loss, keras.losses.Loss) else _FunctionLoss(loss)


def unscaled(loss):
    """Undo Keras' per-replica loss scaling (1 / replicas) for logging."""
    return loss * tf.distribute.get_strategy().num_replicas_in_sync


def regularization_loss(model: keras.Model):
    """Sum of the model's added losses (weight penalties), scaled per replica like Keras'."""
    penalties = [model._aggregate_additional_loss(loss) for loss in model.losses]
    return ops.sum(ops.stack(penalties)) if penalties else ops.zeros(())


def require_tensorflow(model_name: str) -> None:
    """Raise a clear error when Keras runs on another backend than TensorFlow."""
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            f"{model_name} trains with a TensorFlow training step; set KERAS_BACKEND=tensorflow "
            f"(current backend: {keras.backend.backend()!r})."
        )


def batch_and_weights(data):
    """The float32 inputs of a batch and its float32 sample weights (None when not given).

    Labels of an (x, y) element are dropped (the unsupervised models reject them
    before training).
    """
    x, _, weights = keras.utils.unpack_x_y_sample_weight(data)
    if weights is not None:
        weights = tf.reshape(tf.cast(weights, "float32"), [-1])
    return tf.cast(x, "float32"), weights


def add_state_weight(model, name: str, shape: tuple, dtype: str = "float32", initializer="zeros"):
    """A non-trainable state variable (counter, codebook, chains) that the training step assigns.

    Every replica computes the same new value, so under `tf.distribute` the
    first replica's is kept (`aggregation="only_first_replica"`); float
    variables are not autocast under mixed precision.
    """
    return model.add_weight(
        shape=shape,
        initializer=initializer,
        dtype=dtype,
        autocast=False,
        trainable=False,
        name=name,
        aggregation="only_first_replica",
    )
