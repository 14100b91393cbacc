"""Epoch time of an MLP with adaptive (infomax) activations against a plain sigmoid Keras MLP.

Same data, shapes, optimizer and loss, measured side by side in one process with
interleaved epochs (median per training), at each `steps_per_execution`. Writes JSON
to --out and prints the ratios.

    python -m benchmarks.joint_speed --data-dir ../shared/data --out runs/joint_bench
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import keras

from benchmarks._timing import interleaved_medians, load_flat_onehot, machine, plain_mlp
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--hidden", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--ip-rate", type=float, default=0.01)
    parser.add_argument("--rounds", type=int, default=10, help="timed epochs per training")
    parser.add_argument("--steps-per-execution", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--quick", action="store_true", help="digits, 2 rounds: seconds")
    parser.add_argument("--out", default="runs/joint_speed")
    args = parser.parse_args(argv)
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
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "joint_speed.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {out / 'joint_speed.json'}")
    return results


if __name__ == "__main__":
    main()
