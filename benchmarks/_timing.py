"""Shared timing helpers: interleaved single epochs, medians, machine description."""

from __future__ import annotations

import os
import platform
import time

import keras
import numpy as np

from mlzoo import datasets


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of every epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def plain_mlp(input_dim: int, hidden: int, output_dim: int) -> keras.Model:
    """`keras.Sequential` sigmoid MLP input_dim-hidden-output_dim: the baseline."""
    return keras.Sequential(
        [
            keras.Input((input_dim,)),
            keras.layers.Dense(hidden, activation="sigmoid"),
            keras.layers.Dense(output_dim, activation="sigmoid"),
        ]
    )


def interleaved_medians(trainings: dict, batch_size: int, rounds: int) -> dict[str, float]:
    """Median epoch seconds of each training, one epoch of each per round.

    `trainings` maps a name to `(model, x, y, callbacks)`. Round 0 traces the
    functions and is not timed; interleaving makes load changes on a shared
    machine hit every training alike.
    """
    times = {name: [] for name in trainings}
    for round_index in range(rounds + 1):
        for name, (model, x, y, callbacks) in trainings.items():
            timer = EpochTimer()
            model.fit(
                x, y, epochs=1, batch_size=batch_size, verbose=0, callbacks=[*callbacks, timer]
            )
            if round_index:
                times[name].append(timer.seconds[0])
    return {name: float(np.median(t)) for name, t in times.items()}


def load_flat_onehot(dataset: str, data_dir: str | None):
    """Training split of an `mlzoo.datasets` set, flattened, scaled to [0, 1], one-hot."""
    (x, labels), _ = datasets.load(dataset, data_dir, scale=True)
    return x.reshape(len(x), -1), datasets.one_hot(labels)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, keras {keras.__version__}, "
        f"backend {keras.backend.backend()}"
    )
