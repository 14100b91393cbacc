"""Cost of the bad-input policy: the NaN/inf guard on `tf.data` batches and the array checks.

One model class (`joint_mlp`, rule "fixed": a plain sigmoid MLP) trains one epoch from the same
cached, batched `tf.data` pipeline with the guard on and off (`check_dataset_values`), with the
step traced as a TensorFlow graph (the guard runs inside the step) and XLA-compiled (the guard
runs in the input pipeline); epochs are interleaved and each figure is the median, so the ratio
holds on a shared machine. The array checks of `fit(x, y)` run once per call and are timed
directly (mean of 3 calls).

    mlzoo bench input_guard_cost --data-dir ../shared/data --rounds 5
    mlzoo bench input_guard_cost --quick                    # digits, 2 rounds: seconds
"""

from __future__ import annotations

import tensorflow as tf

from benchmarks._timing import epoch_parser, interleaved_medians, prepare, timed
from mlzoo import models
from zoo_scripts._results import progress, write_results

STEPS = {False: "graph (check in the step)", True: "XLA (check in the pipeline)"}


def guard_ratio(x, y, *, hidden, batch_size, steps_per_execution, jit_compile, rounds) -> dict:
    """Median epoch seconds with and without the dataset guard, and their ratio."""
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size).cache()
    trainings = {}
    for guarded in (True, False):
        model = models.get(
            "joint_mlp", input_dim=x.shape[1], hidden_units=hidden, output_dim=y.shape[1],
            rule="fixed", output_activation="sigmoid",
        )
        model.compile(steps_per_execution=steps_per_execution, jit_compile=jit_compile)
        model.check_dataset_values = guarded
        trainings["guarded" if guarded else "unguarded"] = (model, data, None, ())
    medians = interleaved_medians(trainings, rounds)
    return {**medians, "ratio": medians["guarded"] / medians["unguarded"]}


def array_check_seconds(x, y) -> float:
    """Seconds of the generic array checks `fit(x, y)` runs once before training."""
    model = models.get("joint_mlp", input_dim=x.shape[1], hidden_units=8, output_dim=y.shape[1])
    return timed(lambda: [model._checked("fit", x, y) for _ in range(3)]) / 3


def guard_table(results: dict) -> list[dict]:
    """docs/model_contract.md: guarded and unguarded epoch seconds and their ratio."""
    return [
        {
            "step": run["step"],
            "steps_per_execution": run["steps_per_execution"],
            "guarded epoch (s)": f"{run['guarded']:.3f}",
            "unguarded epoch (s)": f"{run['unguarded']:.3f}",
            "ratio": f"{run['ratio']:.2f}",
        }
        for run in results["runs"]
    ]


def main(argv=None) -> dict:
    parser = epoch_parser("input_guard_cost", __doc__)
    args = parser.parse(argv, quick={"dataset": "digits", "rounds": 2})
    x, y, results = prepare(args)
    results["array_check_seconds"] = array_check_seconds(x, y)
    print(f"array checks of fit(x, y): {results['array_check_seconds'] * 1e3:.1f} ms per call")
    cases = [(jit, spe) for jit in (False, True) for spe in args.steps_per_execution]
    for jit_compile, spe in progress(cases, desc="input_guard_cost", unit="case"):
        row = guard_ratio(
            x, y, hidden=args.hidden, batch_size=args.batch_size, steps_per_execution=spe,
            jit_compile=jit_compile, rounds=args.rounds,
        )
        results["runs"].append({"step": STEPS[jit_compile], "steps_per_execution": spe, **row})
    write_results(args.out, "input_guard_cost", results, tables={"runs": results["runs"]})
    for row in guard_table(results):
        print(row)
    return results


if __name__ == "__main__":
    main()
