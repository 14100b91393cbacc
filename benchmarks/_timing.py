"""Shared timing helpers: interleaved single epochs, medians, machine description."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

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


def benchmark_parser(description: str, out: str) -> argparse.ArgumentParser:
    """Arguments every speed benchmark takes; a benchmark adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--hidden", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10, help="timed epochs per training")
    parser.add_argument("--steps-per-execution", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--quick", action="store_true", help="digits, 2 rounds: seconds")
    parser.add_argument("--out", default=out)
    return parser


def prepare(args: argparse.Namespace):
    """Apply `--quick`, load the data and start the results record: `x, y, results`."""
    if args.quick:
        args.dataset, args.rounds = "digits", 2
    x, y = load_flat_onehot(args.dataset, args.data_dir)
    results = {
        "dataset": args.dataset,
        "shape": f"{x.shape[1]}-{args.hidden}-{y.shape[1]}",
        "train_samples": len(x),
        "batch_size": args.batch_size,
        "machine": machine(),
        "runs": [],
    }
    return x, y, results


def write_json(out: str, name: str, results: dict) -> None:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(results, indent=2))
    print(f"wrote {folder / name}")
