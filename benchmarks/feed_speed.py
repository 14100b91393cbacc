"""CPU and wall seconds of `fit` on a small set: numpy arrays against the cached `tf.data` input.

The issue's small-set case: a 4-10-3 MLP (sigmoid hidden layer, softmax output, SGD,
categorical cross-entropy) trains 101 epochs at batch 8 on 108 rows of iris (train and test
split joined, min-max scaled), once from numpy arrays (`fit(x, y, batch_size=8)`) and once
from `zoo_scripts._shared.cached_dataset` (`fit(data, shuffle=False)`), at each
`steps_per_execution`. Every repeat builds both models from the same seed and alternates
which input goes first, so load changes on a shared machine hit both alike. Reported: CPU
seconds of the process (`time.process_time`, all threads) and wall seconds per fit, and the
ratios numpy / tf.data (> 1: the tf.data input is cheaper).

    mlzoo bench feed_speed                   # 101 epochs, 3 repeats, spe 1 and 32
    mlzoo bench feed_speed --quick           # 5 epochs, 1 repeat: seconds
"""

from __future__ import annotations

import time

import keras
import numpy as np

from benchmarks._timing import machine
from mlzoo import datasets
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, summarise, write_results
from zoo_scripts._shared import cached_dataset

INPUTS = ("numpy", "tf.data")
CLOCKS = ("cpu_seconds", "wall_seconds")


def small_set(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The first `rows` rows of iris (train then test split), scaled to [0, 1], one-hot."""
    (x, y), (x_test, y_test) = datasets.load("iris", scale=True)
    x, y = np.concatenate([x, x_test])[:rows], np.concatenate([y, y_test])[:rows]
    return x.astype("float32"), datasets.one_hot(y).astype("float32")


def small_mlp(steps_per_execution: int, seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(10, activation="sigmoid"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        "sgd", "categorical_crossentropy", metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def timed_fit(feed: str, x, y, *, epochs, batch_size, steps_per_execution, seed) -> dict:
    """CPU and wall seconds of one `fit` of a fresh model (tracing included)."""
    model = small_mlp(steps_per_execution, seed)
    if feed == "numpy":
        arguments = {"x": x, "y": y, "batch_size": batch_size}
    else:
        arguments = {"x": cached_dataset(x, y, batch_size, seed), "shuffle": False}
    cpu, wall = time.process_time(), time.perf_counter()
    history = model.fit(**arguments, epochs=epochs, verbose=0)
    return {
        "cpu_seconds": time.process_time() - cpu,
        "wall_seconds": time.perf_counter() - wall,
        "final_loss": history.history["loss"][-1],
    }


def feed_table(results: dict) -> list[dict]:
    """docs/benchmarks.md: seconds per fit (mean ± std over repeats) and numpy / tf.data ratios."""
    rows = []
    for spe, summary in results["summary"].items():
        numpy, data = summary["numpy"], summary["tf.data"]
        rows.append({
            "steps_per_execution": spe,
            "CPU s, numpy": pm(numpy["cpu_seconds_mean"], numpy["cpu_seconds_std"], 1),
            "CPU s, tf.data": pm(data["cpu_seconds_mean"], data["cpu_seconds_std"], 1),
            "CPU numpy / tf.data": f"{summary['cpu_ratio']:.1f}",
            "wall s, numpy": pm(numpy["wall_seconds_mean"], numpy["wall_seconds_std"], 1),
            "wall s, tf.data": pm(data["wall_seconds_mean"], data["wall_seconds_std"], 1),
            "wall numpy / tf.data": f"{summary['wall_ratio']:.1f}",
            "repeats": numpy["n"],
        })
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser(
        "feed_speed", __doc__, seeds=[0], epochs=101, batch_size=8,
        steps_per_execution=[1, 32], command="bench",
    )
    parser.add_argument("--repeats", type=int, default=3, help="fits of each input and spe")
    parser.add_argument("--rows", type=int, default=108, help="rows of the training set")
    args = parser.parse(argv, quick={"epochs": 5, "repeats": 1})
    x, y = small_set(args.rows)
    settings = {"epochs": args.epochs, "batch_size": args.batch_size, "seed": args.seeds[0]}
    runs = []
    cases = [(spe, r) for spe in args.steps_per_execution for r in range(args.repeats)]
    for spe, repeat in progress(cases, desc="feed_speed", unit="repeat"):
        order = INPUTS if repeat % 2 == 0 else INPUTS[::-1]
        for feed in order:
            run = timed_fit(feed, x, y, steps_per_execution=spe, **settings)
            runs.append({"steps_per_execution": spe, "repeat": repeat, "input": feed, **run})
    summary = {}
    for spe in args.steps_per_execution:
        mine = [r for r in runs if r["steps_per_execution"] == spe]
        summary[spe] = {
            feed: summarise([r for r in mine if r["input"] == feed], CLOCKS) for feed in INPUTS
        }
        for clock in ("cpu", "wall"):
            numpy, data = (summary[spe][feed][f"{clock}_seconds_mean"] for feed in INPUTS)
            summary[spe][f"{clock}_ratio"] = numpy / data
    results = {
        "machine": machine(),
        "set": f"iris, first {len(x)} rows",
        "model": "4-10-3, sigmoid hidden, softmax output, SGD(0.01), categorical cross-entropy",
        **settings,
        "repeats": args.repeats,
        "runs": runs,
        "summary": summary,
    }
    write_results(args.out, "feed_speed", results, tables={"runs": runs})
    for row in feed_table(results):
        print(row)
    return results


if __name__ == "__main__":
    main()
