"""The benchmarks' shared timing: interleaved epochs and their medians, the machine, the flags.

Epoch-time benchmarks train every model one epoch per round, in turn, and report the median
epoch of each: load changes on a shared machine then hit every model alike, and the ratio
t(model) / t(baseline) holds where absolute seconds do not.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import keras
import numpy as np

from mlzoo import datasets
from zoo_scripts._args import ExperimentParser


def timed(call: Callable[[], object]) -> float:
    """Wall-clock seconds of `call()`."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


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


def interleaved_medians(trainings: Mapping[str, tuple], rounds: int,
                        batch_size: int | None = None) -> dict[str, float]:
    """Median epoch seconds of each training, one epoch of each per round.

    `trainings` maps a name to `(model, x, y, callbacks)`; `y` is None where `x` is a
    `tf.data.Dataset`. Round 0 traces the functions and is not timed.
    """
    times: dict[str, list[float]] = {name: [] for name in trainings}
    for round_index in range(rounds + 1):
        for name, (model, x, y, callbacks) in trainings.items():
            timer = EpochTimer()
            model.fit(
                x, y, epochs=1, batch_size=batch_size, shuffle=y is not None,  # a Dataset: as is
                verbose=0, callbacks=[*callbacks, timer],
            )
            if round_index:
                times[name].append(timer.seconds[0])
    return {name: float(np.median(t)) for name, t in times.items()}


def load_flat_onehot(dataset: str, data_dir: str | None):
    """Training split of an `mlzoo.datasets` set, flattened, scaled to [0, 1], one-hot."""
    (x, labels), _ = datasets.load(dataset, data_dir, scale=True)
    return x.reshape(len(x), -1), datasets.one_hot(labels)


def processor() -> str:
    """CPU model: `platform.processor()`, else /proc/cpuinfo's model name, else the machine."""
    name = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if not name and cpuinfo.is_file():
        lines = cpuinfo.read_text().splitlines()
        models = [line for line in lines if line.startswith("model name")]
        name = models[0].split(":", 1)[1].strip() if models else ""
    return name or platform.machine()


def machine() -> str:
    """What a timing was measured on: CPU, cores, Keras and its backend, the date."""
    return (
        f"{processor()}, {os.cpu_count()} cores, keras {keras.__version__}, "
        f"backend {keras.backend.backend()}, {time.strftime('%Y-%m-%d')}"
    )


def flat(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested record as one CSV row: `{"a": {"b": 1}}` -> `{"a_b": 1}`."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            out |= flat(value, f"{prefix}{key}_")
        elif not isinstance(value, list | tuple):
            out[f"{prefix}{key}"] = value
    return out


def epoch_parser(name: str, doc: str | None, **defaults) -> ExperimentParser:
    """The flags of every epoch-time benchmark (`mlzoo bench <name>`); `defaults` overrides.

    `--dataset`, `--data-dir`, `--batch-size`, `--hidden`, `--rounds` (timed epochs per
    training), `--steps-per-execution` (one or several), `--quick`, `--out`.
    """
    settings = {"dataset": "fashion_mnist", "batch_size": 200, "hidden": 300, "rounds": 10}
    settings |= defaults
    parser = ExperimentParser(
        name, doc, dataset=settings["dataset"], batch_size=settings["batch_size"],
        steps_per_execution=[1, 32], command="bench",
    )
    parser.add_argument("--hidden", type=int, default=settings["hidden"])
    parser.add_argument("--rounds", type=int, default=settings["rounds"],
                        help="timed epochs per training")
    return parser


def prepare(args) -> tuple[np.ndarray, np.ndarray, dict]:
    """Load the data and start the results record: `x, y, results`."""
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
