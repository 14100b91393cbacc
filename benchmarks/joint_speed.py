"""Epoch time of an MLP with adaptive (infomax) activations against a plain sigmoid Keras MLP.

Same data, shapes, optimizer and loss, measured side by side in one process with
interleaved epochs (median per training), at each `steps_per_execution`. Writes JSON
to --out and prints the ratios.

    python -m benchmarks.joint_speed --data-dir ../shared/data --out runs/joint_bench
"""

from __future__ import annotations

import keras

from benchmarks._timing import benchmark_parser, interleaved_medians, plain_mlp, prepare, write_json
from mlzoo import build_joint_mlp
from mlzoo.losses import SquaredError

RULES = ("fixed", "infomax", "triesch")


def run(x, y, *, hidden, batch_size, steps_per_execution, rounds, ip_rate):
    """Median epoch seconds of the plain MLP and of `build_joint_mlp` under each rule."""
    trainings = {"plain": plain_mlp(x.shape[1], hidden, y.shape[1])}
    for rule in RULES:
        trainings[rule] = build_joint_mlp(
            x.shape[1], hidden, y.shape[1], rule=rule, ip_rate=ip_rate
        )
    for model in trainings.values():
        model.compile(
            optimizer=keras.optimizers.SGD(0.1, momentum=0.9),
            loss=SquaredError(),
            steps_per_execution=steps_per_execution,
        )
    median = interleaved_medians(
        {name: (model, x, y, ()) for name, model in trainings.items()}, batch_size, rounds
    )
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "ratios": {rule: median[rule] / median["plain"] for rule in RULES},
        "epochs_timed": rounds,
    }


def main(argv=None):
    parser = benchmark_parser(__doc__.splitlines()[0], out="runs/joint_speed")
    parser.add_argument("--ip-rate", type=float, default=0.01)
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
            ip_rate=args.ip_rate,
        )
        results["runs"].append(result)
        ratios = "  ".join(f"{rule} x{ratio:.3f}" for rule, ratio in result["ratios"].items())
        print(
            f"steps_per_execution={spe:3d}  plain {result['median_epoch_seconds']['plain']:.3f}s  "
            f"{ratios}"
        )
    write_json(args.out, "joint_speed.json", results)
    return results


if __name__ == "__main__":
    main()
