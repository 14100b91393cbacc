"""Epoch time of a 20-head sharing ensemble against its plain backbone and 5 separate nets.

Table 2's networks: `--model mlp` is the pyramid DNN (8 Dense layers from
`--hidden` units, BN, leaky ReLU) on flattened inputs; `--model cnn` the
8-layer stride-2 CNN on images. The ensemble has 5 heads on layers 2, 4, 6, 8
(20 heads); the plain backbone is the same network with one head on top; the
classic ensemble it replaces is 5 such plain networks trained separately (its
epoch is the sum of their 5 medians). Same data, batch and optimizer (Adam), epochs
interleaved in one process (medians), at each `steps_per_execution`.

    mlzoo bench sharing_speed --dataset letter --data-dir ../shared/data --rounds 3
    mlzoo bench sharing_speed --model cnn --dataset cifar10_small --data-dir ../shared/data \
        --train-size 1000 --rounds 2 --batch-size 100
    mlzoo bench sharing_speed --quick                 # digits, width 8, 1 round: seconds
"""

from __future__ import annotations

import numpy as np

from benchmarks._timing import epoch_parser, flat, interleaved_medians, machine
from mlzoo import build_sharing_ensemble_cnn, build_sharing_ensemble_mlp, datasets
from mlzoo.models.sharing.cnn import TABLE2_FILTERS
from zoo_scripts._results import progress, write_results

DEPTH = 8  # layers of both Table 2 networks


def _builder(model: str, x: np.ndarray, num_classes: int, hidden: int):
    """`--hidden`: first width of the MLP pyramid; for the CNN, below 64 it scales Table 2 down."""
    if model == "mlp":
        return lambda **kw: build_sharing_ensemble_mlp(
            x.shape[1], num_classes, first_units=hidden, **kw
        )
    filters = [max(1, f * min(hidden, 64) // 64) for f in TABLE2_FILTERS]
    return lambda **kw: build_sharing_ensemble_cnn(x.shape[1:], num_classes, filters=filters, **kw)


def run(x, y, *, model, hidden, batch_size, steps_per_execution, rounds, separate):
    """Median epoch seconds of the ensemble, the plain backbone and `separate` plain nets."""
    build = _builder(model, x, int(y.max()) + 1, hidden)
    trainings = {"ensemble": build(heads_per_tap=5)}
    for i in range(separate):
        trainings[f"plain_{i + 1}"] = build(head_every=DEPTH, heads_per_tap=1)
    for network in trainings.values():
        network.compile(optimizer="adam", steps_per_execution=steps_per_execution)
    median = interleaved_medians(
        {name: (network, x, y, ()) for name, network in trainings.items()}, rounds, batch_size
    )
    plain = median["plain_1"]
    separate_seconds = sum(median[f"plain_{i + 1}"] for i in range(separate))
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "heads": trainings["ensemble"].num_heads,
        "ensemble_ratio": median["ensemble"] / plain,
        "separate_networks": separate,
        "separate_networks_seconds": separate_seconds,
        "ensemble_vs_separate": median["ensemble"] / separate_seconds,
        "epochs_timed": rounds,
    }


def cost_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: plain epoch and the ensemble's cost ratios, one row per file and spe.

    Files of one network are numbered as runs 1, 2, ... in the order given.
    """
    names = {"mlp": "DNN", "cnn": "CNN", "letter": "LETTER", "cifar10_small": "CIFAR-10"}
    rows = []
    for index, results in enumerate(files):
        number = 1 + sum(f["model"] == results["model"] for f in files[:index])
        for run in results["runs"]:
            plain = run["median_epoch_seconds"]["plain_1"]
            separate = sum(name.startswith("plain_") for name in run["median_epoch_seconds"])
            rows.append({
                "network": f"{names[results['model']]}, "
                           f"{names.get(results['dataset'], results['dataset'])}",
                "run": number,
                "steps_per_execution": run["steps_per_execution"],
                "plain epoch (s)": f"{plain:.2f}",
                f"{run['heads']}-head ensemble / plain": f"**{run['ensemble_ratio']:.3f}**",
                f"{separate} separate / plain": f"{run['separate_networks_seconds'] / plain:.2f}",
                f"ensemble / {separate} separate": f"{run['ensemble_vs_separate']:.3f}",
            })
    return rows


def main(argv=None) -> dict:
    parser = epoch_parser("sharing_speed", __doc__, hidden=1024, batch_size=128, rounds=5)
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--train-size", type=int, default=None, help="first N training samples")
    parser.add_argument(
        "--separate-networks", type=int, default=5, help="size of the classic ensemble"
    )
    args = parser.parse(argv, quick={"dataset": "digits", "rounds": 1, "hidden": 8})
    if args.quick and args.model == "cnn":
        args.train_size = args.train_size or 64
    (x, y), _ = datasets.load(args.dataset, args.data_dir, scale=True)
    if args.model == "mlp":
        x = x.reshape(len(x), -1)
    elif x.ndim == 2:  # digits: 8x8 images
        x = x.reshape(len(x), 8, 8)
    if args.train_size:
        x, y = x[: args.train_size], y[: args.train_size]
    results = {
        "dataset": args.dataset,
        "model": args.model,
        "input_shape": list(x.shape[1:]),
        "train_samples": len(x),
        "batch_size": args.batch_size,
        "machine": machine(),
        "runs": [],
    }
    for spe in progress(args.steps_per_execution, desc="sharing_speed", unit="spe"):
        result = run(
            x, y, model=args.model, hidden=args.hidden, batch_size=args.batch_size,
            steps_per_execution=spe, rounds=args.rounds, separate=args.separate_networks,
        )
        results["runs"].append(result)
        plain = result["median_epoch_seconds"]["plain_1"]
        print(
            f"steps_per_execution={spe:3d}  plain {plain:.3f}s"
            f"  {result['heads']}-head ensemble x{result['ensemble_ratio']:.3f}"
            f"  {args.separate_networks} separate nets"
            f" x{result['separate_networks_seconds'] / plain:.3f}"
            f"  ensemble / separate {result['ensemble_vs_separate']:.3f}"
        )
    write_results(args.out, f"sharing_speed_{args.model}", results,
                  tables={"runs": [flat(run) for run in results["runs"]]})
    return results


if __name__ == "__main__":
    main()
