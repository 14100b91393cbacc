"""Epoch time of an MLP with adaptive (infomax) activations against a plain sigmoid Keras MLP.

Same data, shapes, optimizer (SGD(0.1, momentum 0.9)) and loss (squared error), measured
side by side in one process with interleaved epochs (median per training), at each
`steps_per_execution`: the plain `keras.Sequential` against `build_joint_mlp` under the
rules fixed, infomax and triesch.

    mlzoo bench joint_speed --data-dir ../shared/data       # Fashion-MNIST 60k, 784-300-10
    mlzoo bench joint_speed --quick                         # digits, 2 rounds: seconds
"""

from __future__ import annotations

import keras

from benchmarks._timing import epoch_parser, flat, interleaved_medians, plain_mlp, prepare
from mlzoo import build_joint_mlp
from mlzoo.losses import SquaredError
from zoo_scripts._results import progress, write_results

RULES = ("fixed", "infomax", "triesch")


def run(x, y, *, hidden, batch_size, steps_per_execution, rounds, ip_rate) -> dict:
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
        {name: (model, x, y, ()) for name, model in trainings.items()}, rounds, batch_size
    )
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "ratios": {rule: median[rule] / median["plain"] for rule in RULES},
        "epochs_timed": rounds,
    }


def speed_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: plain epoch and rule / plain ratios of each run file, by run."""
    rows = []
    for number, results in enumerate(files, 1):
        for run in results["runs"]:
            row = {
                "run": number,
                "steps_per_execution": run["steps_per_execution"],
                "plain (s)": f"{run['median_epoch_seconds']['plain']:.3f}",
            }
            row |= {f"{rule} / plain": f"{ratio:.3f}" for rule, ratio in run["ratios"].items()}
            rows.append(row)
    return rows


def main(argv=None) -> dict:
    parser = epoch_parser("joint_speed", __doc__)
    parser.add_argument("--ip-rate", type=float, default=0.01)
    args = parser.parse(argv, quick={"dataset": "digits", "rounds": 2})
    x, y, results = prepare(args)
    for spe in progress(args.steps_per_execution, desc="joint_speed", unit="spe"):
        result = run(
            x, y, hidden=args.hidden, batch_size=args.batch_size, steps_per_execution=spe,
            rounds=args.rounds, ip_rate=args.ip_rate,
        )
        results["runs"].append(result)
        ratios = "  ".join(f"{rule} x{ratio:.3f}" for rule, ratio in result["ratios"].items())
        print(
            f"steps_per_execution={spe:3d}  plain {result['median_epoch_seconds']['plain']:.3f}s  "
            f"{ratios}"
        )
    write_results(args.out, "joint_speed", results,
                  tables={"runs": [flat(run) for run in results["runs"]]})
    return results


if __name__ == "__main__":
    main()
