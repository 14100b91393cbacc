"""Epoch time of the saliency pre-training stages against a plain Keras denoising autoencoder.

The baseline is what a Keras user writes for one greedy stage: `Flatten`,
`Dense(units, relu)`, `Dense(input_dim)` (untied, no corruption), MSE,
`model.fit`. Against it, the first stage of every `GreedyPretrainer`
method (tied decoder, masking noise, saliency terms) and the dual-path second
stage (main layer + saliency head + auxiliary autoencoder), on the same images,
batch and optimizer; interleaved epochs, medians, at each `steps_per_execution`.
The thesis reports that saliency terms roughly double the training time.

    mlzoo bench pretraining_speed --data-dir ../shared/data --images 5000 --rounds 3
    mlzoo bench pretraining_speed --quick          # generated shapes, tiny stack: seconds
"""

from __future__ import annotations

import keras
import numpy as np

from benchmarks._timing import flat, interleaved_medians, machine
from mlzoo.datasets import load_semi_supervised
from mlzoo.models.autoencoders import METHODS, GreedyPretrainer, build_pretrainable_mlp
from mlzoo.saliency import geodesic_saliency
from zoo_scripts._args import ExperimentParser
from zoo_scripts._results import progress, write_results

STAGES = {
    "plain_dae": "plain Keras DAE",
    "dae": "dae (tied)",
    "foreground": "foreground",
    "saliency_first": "saliency_first, layer 1",
    "saliency_all": "saliency_all, layer 1",
    "dual_path": "dual_path, layer 1 (+ auxiliary autoencoder on the maps)",
    "dual_path_layer_2": "dual_path, layer 2",
}


def baseline_autoencoder(input_shape, units: int) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(int(np.prod(input_shape))),
        ]
    )


def stages(x, maps, hidden) -> dict[str, keras.Model]:
    """The stages to time, built by a 1-epoch pre-training on a few images."""
    built = {}
    for method in METHODS:
        pretrainer = GreedyPretrainer(method, epochs=1, verbose=0)
        pretrainer.pretrain(build_pretrainable_mlp(x.shape[1:], 10, hidden), x[:64], maps[:64])
        built[method] = pretrainer.stages[0]
        if method == "dual_path":
            built["dual_path_layer_2"] = pretrainer.stages[1]
    return built


def run(x, maps, *, hidden, batch_size, steps_per_execution, rounds) -> dict:
    trainings = {"plain_dae": baseline_autoencoder(x.shape[1:], hidden[0])}
    trainings |= stages(x, maps, hidden)
    flat = x.reshape(len(x), -1)
    data = {}
    for name, model in trainings.items():
        model.compile(
            optimizer=keras.optimizers.Adam(1e-3),
            loss="mse" if name == "plain_dae" else None,
            steps_per_execution=steps_per_execution,
        )
        if name != "plain_dae":
            model.optimizer.build(model.own_variables())
        data[name] = (model, x, flat if name == "plain_dae" else maps, ())
    median = interleaved_medians(data, rounds, batch_size)
    return {
        "steps_per_execution": steps_per_execution,
        "median_epoch_seconds": median,
        "ratios": {name: median[name] / median["plain_dae"] for name in median},
        "epochs_timed": rounds,
    }


def cost_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: each stage's epoch / the plain DAE's, one column per file and spe."""
    rows = []
    for stage, label in STAGES.items():
        row = {"stage": label}
        for number, results in enumerate(files, 1):
            for run in results["runs"]:
                column = f"run {number}, spe {run['steps_per_execution']}"
                row[column] = f"{run['ratios'][stage]:.2f}"
                if stage == "plain_dae":
                    row[column] += f" ({run['median_epoch_seconds'][stage]:.2f} s)"
        rows.append(row)
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser(
        "pretraining_speed", __doc__, batch_size=128, steps_per_execution=[1, 32], command="bench"
    )
    parser.add_argument("--data-dir", default=None, help="folder of cifar10_small.npz")
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--hidden", type=int, nargs="+", default=[1000, 500, 1000])
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per training")
    args = parser.parse(argv, quick={"images": 256, "hidden": [16, 8, 16], "rounds": 1})
    dataset = "shapes" if args.quick else "cifar10_small"
    unlabelled, _ = load_semi_supervised(dataset, args.data_dir)
    unlabelled = unlabelled[: args.images]
    maps = geodesic_saliency(unlabelled)
    x = unlabelled.astype("float32") / 255
    results = {
        "dataset": dataset,
        "images": len(x),
        "shape": "-".join(map(str, [int(np.prod(x.shape[1:])), *args.hidden])),
        "batch_size": args.batch_size,
        "machine": machine(),
        "runs": [],
    }
    for spe in progress(args.steps_per_execution, desc="pretraining_speed", unit="spe"):
        outcome = run(
            x, maps, hidden=args.hidden, batch_size=args.batch_size, steps_per_execution=spe,
            rounds=args.rounds,
        )
        results["runs"].append(outcome)
        ratios = ", ".join(f"{k} {v:.2f}" for k, v in outcome["ratios"].items())
        print(f"steps_per_execution={spe}: epoch / plain DAE epoch: {ratios}")
    write_results(args.out, "pretraining_speed", results,
                  tables={"runs": [flat(run) for run in results["runs"]]})
    return results


if __name__ == "__main__":
    main()
