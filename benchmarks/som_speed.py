"""`SelfOrganizingMap` against MiniSom: same data, map, initial weights, schedule, presentations.

Both maps start from the same PCA-plane weights and run MiniSom's default
schedule (sigma and eta / (1 + 2 t / T), Gaussian neighbourhood, rectangular
grid) for the same number of sample presentations in random order. MiniSom
updates after every sample in numpy; ours updates once per batch
(`SelfOrganizingMap`'s batched rule, exact at batch size 1). Reported per seed:
quantization and topographic error on the test split (MiniSom's definitions)
and training throughput in samples/s: of the first `fit` (tracing included) and
of a second, warm one; then means and the ratios ours / MiniSom. Needs `pip install minisom` (a
benchmark-only extra).

    python -m benchmarks.som_speed --data-dir ../shared/data        # digits + Fashion-MNIST
    python -m benchmarks.som_speed --quick                          # digits, 1 seed: seconds
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np

from benchmarks._timing import machine, write_json
from mlzoo import datasets
from mlzoo.models import SelfOrganizingMap

# dataset: (rows, cols, sigma, epochs)
SETTINGS = {"digits": (10, 10, 3.0, 10), "fashion_mnist": (20, 20, 4.0, 1)}


def flat(name: str, data_dir: str | None):
    (x, _), (x_test, _) = datasets.load(name, data_dir, scale=True)
    return (a.reshape(len(a), -1).astype("float32") for a in (x, x_test))


def run_minisom(x, x_test, codebook, sigma, learning_rate, presentations, seed) -> dict:
    from minisom import MiniSom

    rows, cols, d = codebook.shape
    som = MiniSom(rows, cols, d, sigma=sigma, learning_rate=learning_rate, random_seed=seed)
    som._weights = codebook.astype("float64")
    start = time.perf_counter()
    som.train(x, presentations, random_order=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "samples_per_second": presentations / seconds,
        "quantization_error": float(som.quantization_error(x_test)),
        "topographic_error": float(som.topographic_error(x_test)),
    }


def run_ours(x, x_test, codebook, sigma, learning_rate, epochs, batch_size, spe, seed) -> dict:
    rows, cols, d = codebook.shape
    keras.utils.set_random_seed(seed)
    som = SelfOrganizingMap(
        rows, cols, d, sigma=sigma, learning_rate=learning_rate, decay="asymptotic"
    )
    som.codebook.assign(codebook.reshape(rows * cols, d))
    som.compile(steps_per_execution=spe)
    start = time.perf_counter()
    som.fit(x, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.perf_counter() - start
    errors = som.evaluate(x_test, batch_size=1024, verbose=0, return_dict=True)
    start = time.perf_counter()  # the same training again, the step already traced
    som.fit(x, epochs=epochs, batch_size=batch_size, verbose=0)
    warm_seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "samples_per_second": epochs * len(x) / seconds,
        "warm_samples_per_second": epochs * len(x) / warm_seconds,
        "quantization_error": float(errors["quantization_error"]),
        "topographic_error": float(errors["topographic_error"]),
    }


def summarise(records: list[dict]) -> dict:
    keys = [key for key in records[0] if key != "seconds"]
    return {
        key: {
            "mean": float(np.mean([r[key] for r in records])),
            "std": float(np.std([r[key] for r in records])),
        }
        for key in keys
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--steps-per-execution", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--quick", action="store_true", help="digits, 1 seed, 2 epochs")
    parser.add_argument("--out", default="docs/results/som")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.seeds = ["digits"], 1
    results = {"machine": machine(), "learning_rate": args.learning_rate, "datasets": {}}
    for name in args.datasets:
        rows, cols, sigma, epochs = SETTINGS[name]
        epochs = 2 if args.quick else epochs
        x, x_test = flat(name, args.data_dir)
        start = SelfOrganizingMap(rows, cols, x.shape[1], x_init=x).codebook_grid()
        presentations = epochs * len(x)
        runs = {"minisom": []}
        for seed in range(args.seeds):
            runs["minisom"].append(
                run_minisom(x, x_test, start, sigma, args.learning_rate, presentations, seed)
            )
            for batch_size in args.batch_sizes:
                for spe in args.steps_per_execution:
                    runs.setdefault(f"ours_b{batch_size}_spe{spe}", []).append(
                        run_ours(
                            x,
                            x_test,
                            start,
                            sigma,
                            args.learning_rate,
                            epochs,
                            batch_size,
                            spe,
                            seed,
                        )
                    )
        summary = {key: summarise(records) for key, records in runs.items()}
        reference = summary["minisom"]
        for row in summary.values():
            row["throughput_ratio"] = (
                row["samples_per_second"]["mean"] / reference["samples_per_second"]["mean"]
            )
            warm = row.get("warm_samples_per_second", row["samples_per_second"])
            row["warm_throughput_ratio"] = warm["mean"] / reference["samples_per_second"]["mean"]
            row["quantization_error_ratio"] = (
                row["quantization_error"]["mean"] / reference["quantization_error"]["mean"]
            )
        results["datasets"][name] = {
            "map": f"{rows}x{cols}",
            "input_dim": x.shape[1],
            "sigma": sigma,
            "presentations": presentations,
            "seeds": args.seeds,
            "runs": runs,
            "summary": summary,
        }
        print(
            f"\n{name}: {rows}x{cols} map, {x.shape[1]} dims, sigma {sigma}, "
            f"{presentations} presentations, {args.seeds} seeds, test split"
        )
        print("| run | QE | TE | samples/s | throughput ratio | warm ratio | QE ratio |")
        print("|---|---|---|---|---|---|---|")
        for key, row in summary.items():
            qe, te, speed = (
                row[k] for k in ("quantization_error", "topographic_error", "samples_per_second")
            )
            print(
                f"| {key} | {qe['mean']:.4f} ± {qe['std']:.4f} "
                f"| {te['mean']:.4f} ± {te['std']:.4f} "
                f"| {speed['mean']:,.0f} | {row['throughput_ratio']:.2f} "
                f"| {row['warm_throughput_ratio']:.2f} | "
                f"{row['quantization_error_ratio']:.4f} |"
            )
    write_json(args.out, "som_speed.json", results)
    return results


if __name__ == "__main__":
    main()
