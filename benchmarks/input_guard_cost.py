"""Cost of the bad-input policy: the NaN/inf guard on `tf.data` batches and the array checks.

One model class (`joint_mlp`, rule "fixed": a plain sigmoid MLP) trains one epoch from the same
cached, batched `tf.data` pipeline with the guard on and off (`check_dataset_values`), with the
step traced as a TensorFlow graph (the guard runs inside the step) and XLA-compiled (the guard
runs in the input pipeline); epochs are interleaved and each figure is the median, so the ratio
holds on a shared machine. The array checks of `fit(x, y)` run once per call and are timed
directly.

    python -m benchmarks.input_guard_cost --data-dir ../shared/data --out runs/bench
"""

from __future__ import annotations

import time

import numpy as np
import tensorflow as tf

from benchmarks._timing import EpochTimer, benchmark_parser, prepare, write_json
from mlzoo import models


def guard_ratio(x, y, *, hidden, batch_size, steps_per_execution, jit_compile, rounds) -> dict:
    """Median epoch seconds with and without the dataset guard, and their ratio."""
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).cache()
    trainings = {}
    for guarded in (True, False):
        model = models.get(
            "joint_mlp",
            input_dim=x.shape[1],
            hidden_units=hidden,
            output_dim=y.shape[1],
            rule="fixed",
            output_activation="sigmoid",
        )
        model.compile(steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        model.check_dataset_values = guarded
        trainings["guarded" if guarded else "unguarded"] = model
    times = {name: [] for name in trainings}
    for round_index in range(rounds + 1):
        for name, model in trainings.items():
            timer = EpochTimer()
            model.fit(data, epochs=1, verbose=0, callbacks=[timer])
            if round_index:  # round 0 traces
                times[name].append(timer.seconds[0])
    medians = {name: float(np.median(t)) for name, t in times.items()}
    return {**medians, "ratio": medians["guarded"] / medians["unguarded"]}


def array_check_seconds(x, y) -> float:
    """Seconds of the generic array checks `fit(x, y)` runs once before training."""
    model = models.get("joint_mlp", input_dim=x.shape[1], hidden_units=8, output_dim=y.shape[1])
    start = time.perf_counter()
    for _ in range(3):
        model._checked("fit", x, y)
    return (time.perf_counter() - start) / 3


def main(argv=None) -> None:
    parser = benchmark_parser(__doc__.splitlines()[0], "runs/bench")
    args = parser.parse_args(argv)
    x, y, results = prepare(args)
    results["array_check_seconds"] = array_check_seconds(x, y)
    print(f"array checks of fit(x, y): {results['array_check_seconds'] * 1e3:.1f} ms per call")
    print("| step | steps_per_execution | guarded epoch s | unguarded epoch s | ratio |")
    print("|---|---|---|---|---|")
    for jit_compile in (False, True):
        for spe in args.steps_per_execution:
            row = guard_ratio(
                x,
                y,
                hidden=args.hidden,
                batch_size=args.batch_size,
                steps_per_execution=spe,
                jit_compile=jit_compile,
                rounds=args.rounds,
            )
            step = "XLA (guard in pipeline)" if jit_compile else "graph (guard in step)"
            results["runs"].append({"step": step, "steps_per_execution": spe, **row})
            print(
                f"| {step} | {spe} | {row['guarded']:.3f} | {row['unguarded']:.3f} | "
                f"{row['ratio']:.3f} |"
            )
    write_json(args.out, "input_guard_cost.json", results)


if __name__ == "__main__":
    main()
