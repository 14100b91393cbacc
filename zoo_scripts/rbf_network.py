"""RBF network (BP lecture) against a sigmoid MLP with the same number of parameters.

For each dataset and seed: an RBF network with k-means centres, one with
random-sample centres (both: nearest-centre widths, then BP of everything), and
a sigmoid MLP whose hidden width gives the same parameter count; Adam, sparse
cross-entropy, the same epochs. Test error % mean ± std over the seeds.

    python -m zoo_scripts.rbf_network                      # digits and waveform, 10 seeds
    python -m zoo_scripts.rbf_network --quick
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras
import numpy as np

from mlzoo import build_rbf_network, datasets
from zoo_scripts._shared import write_run_folder


def rbf_parameters(d: int, units: int, classes: int) -> int:
    """Centres, widths, output weights and biases."""
    return units * (d + 1) + (units + 1) * classes


def equal_mlp_width(d: int, units: int, classes: int) -> int:
    """Hidden width of a d-h-classes MLP with (about) the RBF network's parameter count."""
    return max(1, round((rbf_parameters(d, units, classes) - classes) / (d + 1 + classes)))


def mlp(d: int, hidden: int, classes: int) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((d,)),
            keras.layers.Dense(hidden, activation="sigmoid"),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )


def error(model, x, y) -> float:
    return float(100 * np.mean(model.predict(x, verbose=0).argmax(1) != y))


def run(args) -> dict:
    runs = []
    for name in args.datasets:
        (x, y), (x_test, y_test) = datasets.load(name, args.data_dir, scale=True)
        x, x_test = x.astype("float32"), x_test.astype("float32")
        d, classes = x.shape[1], int(y.max()) + 1
        hidden = equal_mlp_width(d, args.units, classes)
        for seed in range(args.seeds):
            models = {}
            keras.utils.set_random_seed(seed)
            models["rbf_kmeans"] = build_rbf_network(d, args.units, classes, x_init=x, seed=seed)
            models["rbf_sample"] = build_rbf_network(
                d, args.units, classes, x_init=x, centre_method="sample", seed=seed
            )
            models["mlp_sigmoid"] = mlp(d, hidden, classes)
            for model_name, model in models.items():
                model.compile(
                    keras.optimizers.Adam(args.lr),
                    "sparse_categorical_crossentropy",
                    steps_per_execution=8,
                )
                model.fit(x, y, batch_size=32, epochs=args.epochs, verbose=0)
                runs.append(
                    {
                        "dataset": name,
                        "model": model_name,
                        "seed": seed,
                        "parameters": model.count_params(),
                        "test_error": error(model, x_test, y_test),
                    }
                )
            print(name, seed, {r["model"]: r["test_error"] for r in runs[-3:]})
    summary = []
    for name in args.datasets:
        for model_name in ("rbf_kmeans", "rbf_sample", "mlp_sigmoid"):
            rows = [r for r in runs if r["dataset"] == name and r["model"] == model_name]
            errors = np.array([r["test_error"] for r in rows])
            summary.append(
                {
                    "dataset": name,
                    "model": model_name,
                    "parameters": rows[0]["parameters"],
                    "mean": round(float(errors.mean()), 2),
                    "std": round(float(errors.std(ddof=1)) if len(errors) > 1 else 0.0, 2),
                    "seeds": len(errors),
                }
            )
    results = {"args": vars(args), "summary": summary, "runs": runs}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_run_folder(out, results)
    for row in summary:
        print(row)
    return results


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["digits", "waveform"])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="seconds: 2 seeds, 2 epochs")
    parser.add_argument("--out", default="runs/rbf_network")
    args = parser.parse_args(argv)
    for name in ("units", "epochs", "seeds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    if args.quick:
        args.seeds, args.epochs, args.units = 2, 2, 10
    return args


def main(argv=None) -> dict:
    return run(parse_args(argv))


if __name__ == "__main__":
    main()
