"""Shared test fixtures: data, models, callbacks (the device split and seeds: ../conftest.py)."""

import contextlib

import keras
import numpy as np
import pytest


def make_onehot_data(n=48, input_dim=6, output_dim=3, seed=0):
    """Separable-ish data in [0, 1]: one prototype per class plus noise; one-hot labels."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % output_dim
    rng.shuffle(labels)
    prototypes = rng.random((output_dim, input_dim))
    x = np.clip(prototypes[labels] + 0.15 * rng.standard_normal((n, input_dim)), 0.0, 1.0)
    y = np.eye(output_dim, dtype="float32")[labels]
    return x.astype("float32"), y


@pytest.fixture
def onehot_data():
    """Factory for `(x, y)`: x in [0, 1] of shape (n, input_dim), y one-hot (n, output_dim)."""
    return make_onehot_data


@pytest.fixture(scope="session")
def _mirrored_strategy():
    """One `MirroredStrategy` over 2 logical CPU devices for the whole session.

    A second strategy over the same devices in one process can reuse collective
    instance keys and abort with a shape mismatch, so every test shares this one.
    """
    import tensorflow as tf

    devices = tf.config.list_logical_devices("CPU")
    assert len(devices) >= 2, "conftest could not split the CPU into 2 logical devices"
    strategy = tf.distribute.MirroredStrategy([device.name for device in devices[:2]])
    assert strategy.num_replicas_in_sync == 2
    return strategy


class _DataParallel:
    """`keras.distribution.DataParallel` over 2 CPU devices, with a strategy's `scope()`."""

    def __init__(self):
        import jax

        devices = jax.devices("cpu")
        assert len(devices) >= 2, "conftest could not split the CPU into 2 JAX devices"
        self.distribution = keras.distribution.DataParallel(devices=devices[:2])
        self.num_replicas_in_sync = 2

    def scope(self):
        return contextlib.nullcontext()  # the distribution is set for the whole test


@pytest.fixture
def two_device_strategy(request):
    """Data parallelism over 2 CPU devices, as the backend offers it.

    TensorFlow: a `MirroredStrategy` (build the model in its `scope()`). JAX:
    `keras.distribution.DataParallel`, set for the whole test (`scope()` is
    there so one test body serves both backends).
    """
    if keras.backend.backend() == "tensorflow":
        yield request.getfixturevalue("_mirrored_strategy")
        return
    parallel = _DataParallel()
    keras.distribution.set_distribution(parallel.distribution)
    try:
        yield parallel
    finally:
        keras.distribution.set_distribution(None)


@pytest.fixture
def mutual_model():
    """Factory for a compiled tiny mutual MLP (6 -> 5 -> 3), SGD with momentum."""
    from mlzoo import build_mutual_mlp

    def make(input_dim=6, hidden_units=5, output_dim=3, lr=0.2, momentum=0.9, **kwargs):
        model = build_mutual_mlp(input_dim, hidden_units, output_dim, **kwargs)
        model.compile(optimizer=keras.optimizers.SGD(lr, momentum=momentum))
        return model

    return make


class EpochLogRecorder(keras.callbacks.Callback):
    """Copies every epoch's logs (after the callbacks before it added theirs)."""

    def __init__(self, store=None):
        super().__init__()
        self.logs = {} if store is None else store

    def on_epoch_end(self, epoch, logs=None):
        self.logs[epoch] = dict(logs or {})


@pytest.fixture
def epoch_log_recorder():
    """The `EpochLogRecorder` class: put it last in `callbacks`."""
    return EpochLogRecorder


class SimulatedCrash(RuntimeError):
    """What `CrashAt` raises."""


class CrashAt(keras.callbacks.Callback):
    """Raises `SimulatedCrash` at the start of epoch `epoch` (0-based), as a crashed process."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise SimulatedCrash(f"simulated crash at epoch {epoch}")


@pytest.fixture(scope="session")
def crash_at():
    """The `CrashAt` class (pytest.raises(SimulatedCrash) around the interrupted fit)."""
    return CrashAt
