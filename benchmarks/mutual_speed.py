"""Epoch time of the mutual MLP's positive and negative phases against a plain Keras MLP.

Measured side by side in one process on the same data, shapes and optimizer
(SGD(0.2, momentum 0.9), squared error); the epochs are interleaved (one of each training
per round) and each figure is the median, so the ratios hold on a shared, noisy machine.

    mlzoo bench mutual_speed --data-dir ../shared/data      # Fashion-MNIST 60k, 784-300-10
    mlzoo bench mutual_speed --quick                        # digits, 2 rounds: seconds
"""

from __future__ import annotations

import keras

from benchmarks._timing import epoch_parser, flat, interleaved_medians, plain_mlp, prepare
from mlzoo import build_mutual_mlp
from mlzoo.callbacks import AlternatingDirection
from mlzoo.losses import SquaredError
from zoo_scripts._results import progress, write_results


def phase_trainings(x, y, *, hidden: int, steps_per_execution: int) -> dict[str, tuple]:
    """`name -> (model, inputs, targets, callbacks)` of the four compiled trainings.

    SGD(0.2, momentum 0.9) and squared error for all; the negative model starts in the
    negative half of a batch-level alternation whose period no run reaches.
    """
    input_dim, output_dim = x.shape[1], y.shape[1]
    models = {
        "plain": plain_mlp(input_dim, hidden, output_dim),
        "plain_transposed": plain_mlp(output_dim, hidden, input_dim),
        "positive": build_mutual_mlp(input_dim, hidden, output_dim),
        "negative": build_mutual_mlp(input_dim, hidden, output_dim),
    }
    for model in models.values():
        model.compile(
            optimizer=keras.optimizers.SGD(0.2, momentum=0.9),
            loss=SquaredError(),
            steps_per_execution=steps_per_execution,
        )
    models["negative"].mutual_step.assign(10**6)
    always_negative = [AlternatingDirection(period=10**6, unit="batch")]
    return {
        "plain": (models["plain"], x, y, ()),
        "plain_transposed": (models["plain_transposed"], y, x, ()),
        "positive": (models["positive"], x, y, ()),
        "negative": (models["negative"], x, y, always_negative),
    }


def run(x, y, *, hidden, batch_size, steps_per_execution, rounds) -> dict:
    """Median epoch seconds of the four trainings and their ratios.

    `plain` is the baseline the issue names (a Sequential x -> y MLP of F's
    shapes). The negative phase is an y -> x pass whose large layer is the last
    one, which also needs the gradient with respect to its input (one more
    matmul of the large kernel than F), so `plain_transposed`, a Sequential
    y -> x MLP of G's shapes, is timed as its like-for-like baseline.
    """
    trainings = phase_trainings(x, y, hidden=hidden, steps_per_execution=steps_per_execution)
    median = interleaved_medians(trainings, rounds, batch_size)
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "positive_ratio": median["positive"] / median["plain"],
        "negative_ratio": median["negative"] / median["plain"],
        "negative_vs_plain_transposed": median["negative"] / median["plain_transposed"],
        "epochs_timed": rounds,
    }


def speed_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: the ratios of each run file (run = its place in the list), by spe."""
    rows = []
    for number, results in enumerate(files, 1):
        for run in results["runs"]:
            median = run["median_epoch_seconds"]
            rows.append({
                "run": number,
                "steps_per_execution": run["steps_per_execution"],
                "positive / plain": f"{run['positive_ratio']:.3f}",
                "negative / plain": f"{run['negative_ratio']:.3f}",
                "negative / plain y→x": f"{run['negative_vs_plain_transposed']:.3f}",
                "plain y→x / plain": f"{median['plain_transposed'] / median['plain']:.3f}",
                "plain epoch (s)": f"{median['plain']:.3f}",
            })
    return sorted(rows, key=lambda row: row["steps_per_execution"])


def main(argv=None) -> dict:
    parser = epoch_parser("mutual_speed", __doc__)
    args = parser.parse(argv, quick={"dataset": "digits", "rounds": 2})
    x, y, results = prepare(args)
    for spe in progress(args.steps_per_execution, desc="mutual_speed", unit="spe"):
        result = run(
            x, y, hidden=args.hidden, batch_size=args.batch_size, steps_per_execution=spe,
            rounds=args.rounds,
        )
        results["runs"].append(result)
        med = result["median_epoch_seconds"]
        print(
            f"steps_per_execution={spe:3d}  plain {med['plain']:.3f}s  "
            f"positive {med['positive']:.3f}s (x{result['positive_ratio']:.3f})  "
            f"negative {med['negative']:.3f}s (x{result['negative_ratio']:.3f}; "
            f"x{result['negative_vs_plain_transposed']:.3f} of the y->x plain MLP "
            f"{med['plain_transposed']:.3f}s)"
        )
    write_results(args.out, "mutual_speed", results,
                  tables={"runs": [flat(run) for run in results["runs"]]})
    return results


if __name__ == "__main__":
    main()
