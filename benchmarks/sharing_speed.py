"""Epoch time of a 20-head sharing ensemble against its plain backbone and 5 separate nets.

Table 2's networks: `--model mlp` is the pyramid DNN (8 Dense layers from
`--hidden` units, BN, leaky ReLU) on flattened inputs; `--model cnn` the
8-layer stride-2 CNN on images. The ensemble has 5 heads on layers 2, 4, 6, 8
(20 heads); the plain backbone is the same network with one head on top; the
classic ensemble it replaces is 5 such plain networks trained separately (its
epoch is the sum of their 5 medians). Same data, batch and optimizer, epochs
interleaved in one process, at each `steps_per_execution`.

    python -m benchmarks.sharing_speed --data-dir ../shared/data --out runs/sharing_bench
    python -m benchmarks.sharing_speed --model cnn --dataset cifar10_small --data-dir ../shared/data
"""

from __future__ import annotations

import numpy as np

from benchmarks._timing import benchmark_parser, interleaved_medians, machine, write_json
from mlzoo import build_sharing_ensemble_cnn, build_sharing_ensemble_mlp, datasets
from mlzoo.models.sharing.cnn import TABLE2_FILTERS

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
        {name: (network, x, y, ()) for name, network in trainings.items()}, batch_size, rounds
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


def main(argv=None):
    parser = benchmark_parser(__doc__.splitlines()[0], out="runs/sharing_speed")
    parser.set_defaults(hidden=1024, batch_size=128, rounds=5)
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--train-size", type=int, default=None, help="first N training samples")
    parser.add_argument(
        "--separate-networks", type=int, default=5, help="size of the classic ensemble"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.dataset, args.rounds, args.hidden = "digits", 1, min(args.hidden, 8)
        if args.model == "cnn":
            args.train_size = 64
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
    for spe in args.steps_per_execution:
        result = run(
            x,
            y,
            model=args.model,
            hidden=args.hidden,
            batch_size=args.batch_size,
            steps_per_execution=spe,
            rounds=args.rounds,
            separate=args.separate_networks,
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
    write_json(args.out, f"sharing_speed_{args.model}.json", results)
    return results


if __name__ == "__main__":
    main()
