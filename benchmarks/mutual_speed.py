"""Epoch time of the mutual MLP's positive and negative phases against a plain Keras MLP.

Measured side by side in one process on the same data, shapes and optimizer; the
epochs are interleaved (one of each training per round) and each figure is the median, so the
ratios hold on a shared, noisy machine. Writes JSON to --out and prints a table.

    python -m benchmarks.mutual_speed --data-dir ../shared/data --out runs/bench
"""

from __future__ import annotations

import keras

from benchmarks._timing import benchmark_parser, interleaved_medians, plain_mlp, prepare, write_json
from mlzoo import build_mutual_mlp
from mlzoo.callbacks import AlternatingDirection
from mlzoo.losses import SquaredError


def run(x, y, *, hidden, batch_size, steps_per_execution, rounds):
    """Median epoch seconds of the four trainings and their ratios.

    `plain` is the baseline the issue names (a Sequential x -> y MLP of F's
    shapes). The negative phase is an y -> x pass whose large layer is the last
    one, which also needs the gradient with respect to its input (one more
    matmul of the large kernel than F), so `plain_transposed`, a Sequential
    y -> x MLP of G's shapes, is timed as its like-for-like baseline.
    """
    input_dim, output_dim = x.shape[1], y.shape[1]

    def compile_(model):
        model.compile(
            optimizer=keras.optimizers.SGD(0.2, momentum=0.9),
            loss=SquaredError(),
            steps_per_execution=steps_per_execution,
        )

    plain = plain_mlp(input_dim, hidden, output_dim)
    compile_(plain)
    plain_transposed = plain_mlp(output_dim, hidden, input_dim)
    compile_(plain_transposed)
    positive = build_mutual_mlp(input_dim, hidden, output_dim)
    compile_(positive)
    negative = build_mutual_mlp(input_dim, hidden, output_dim)
    compile_(negative)
    # Batch-level alternation with a period no run reaches, started in the negative half.
    always_negative = [AlternatingDirection(period=10**6, unit="batch")]
    negative.mutual_step.assign(10**6)
    trainings = {
        "plain": (plain, x, y, ()),
        "plain_transposed": (plain_transposed, y, x, ()),
        "positive": (positive, x, y, ()),
        "negative": (negative, x, y, always_negative),
    }
    median = interleaved_medians(trainings, batch_size, rounds)
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "positive_ratio": median["positive"] / median["plain"],
        "negative_ratio": median["negative"] / median["plain"],
        "negative_vs_plain_transposed": median["negative"] / median["plain_transposed"],
        "epochs_timed": rounds,
    }


def main(argv=None):
    parser = benchmark_parser(__doc__.splitlines()[0], out="runs/mutual_speed")
    args = parser.parse_args(argv)
    x, y, results = prepare(args)
    for spe in args.steps_per_execution:
        result = run(
            x,
            y,
            hidden=args.hidden,
            batch_size=args.batch_size,
            steps_per_execution=spe,
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
    write_json(args.out, "mutual_speed.json", results)
    return results


if __name__ == "__main__":
    main()
