"""Cascade-correlation on two-spirals: hidden units needed over seeds, decision regions as PNG.

Fahlman & Lebiere (1990) solved the 194-point two-spirals set in 100 trials with
12-19 hidden units (mean 15.2; Quickprop, 8 candidates, symmetric sigmoids).
Here: tanh hidden units, a sigmoid output with binary cross-entropy, Adam in both
phases, 8 candidates, stop at 100 % training accuracy (threshold 0.5).

    python -m zoo_scripts.cascade_correlation                 # 10 seeds, ~1 min each on 2 cores
    python -m zoo_scripts.cascade_correlation --quick
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import keras
import numpy as np

from mlzoo.datasets.two_spirals import make_two_spirals
from mlzoo.models.cascade import CascadeCorrelation

PAPER = {"hidden_units_min": 12, "hidden_units_max": 19, "hidden_units_mean": 15.2, "trials": 100}


def plot_regions(path: Path, network: keras.Model, x, y, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-7, 7, 281, dtype="float32")
    xx, yy = np.meshgrid(grid, grid)
    points = np.stack([xx.ravel(), yy.ravel()], 1)
    scores = network.predict(points, batch_size=8192, verbose=0).reshape(xx.shape)
    figure, axis = plt.subplots(figsize=(5.2, 5.2))
    axis.contourf(xx, yy, scores > 0.5, levels=[-0.5, 0.5, 1.5], colors=["#f4d6c6", "#c6dcf4"])
    axis.scatter(*x[y == 1].T, c="#1f5fbf", s=14, label="spiral 1")
    axis.scatter(*x[y == 0].T, c="#c0392b", s=14, marker="s", label="spiral 0")
    axis.set_aspect("equal")
    axis.set_title(title, fontsize=9)
    axis.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    print(f"wrote {path}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--max-hidden-units", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="1 seed, at most 3 units")
    parser.add_argument("--out", default="docs/results/cascade")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.candidates < 1:
        parser.error("--seeds and --candidates must be >= 1")
    if args.quick:
        args.seeds, args.max_hidden_units = 1, 3
    x, y = make_two_spirals()
    out = Path(args.out)
    runs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        keras.utils.set_random_seed(seed)
        start = time.perf_counter()
        cascor = CascadeCorrelation(
            2,
            1,
            candidates=args.candidates,
            max_hidden_units=args.max_hidden_units,
            seed=seed,
            verbose=0,
        )
        cascor.fit(x, y)  # grows until 100 % training accuracy or the unit budget
        network = cascor.to_functional()
        accuracy = float(np.mean((network.predict(x, verbose=0)[:, 0] > 0.5) == y))
        runs.append(
            {
                "seed": seed,
                "hidden_units": cascor.hidden_units,
                "training_accuracy": accuracy,
                "solved": accuracy == 1.0,
                "seconds": time.perf_counter() - start,
                "output_epochs": sum(row["output_epochs"] for row in cascor.growth),
                "candidate_epochs": sum(row.get("candidate_epochs", 0) for row in cascor.growth),
            }
        )
        print(f"seed {seed}: {runs[-1]}")
        if seed == args.first_seed:
            title = (
                f"two-spirals, cascade-correlation, seed {seed}:\n{cascor.hidden_units} "
                f"hidden units, training accuracy {100 * accuracy:.1f} %"
            )
            plot_regions(out / "two_spirals_regions.png", network, x, y, title)
            network.save(out / "two_spirals_network.keras")
    units = np.array([r["hidden_units"] for r in runs if r["solved"]])
    summary = {
        "seeds": len(runs),
        "solved": int(sum(r["solved"] for r in runs)),
        "hidden_units_mean": float(units.mean()) if len(units) else None,
        "hidden_units_std": float(units.std()) if len(units) else None,
        "hidden_units_min": int(units.min()) if len(units) else None,
        "hidden_units_max": int(units.max()) if len(units) else None,
        "seconds_mean": float(np.mean([r["seconds"] for r in runs])),
        "paper": PAPER,
    }
    print(json.dumps(summary, indent=2))
    out.mkdir(parents=True, exist_ok=True)
    results = {"runs": runs, "summary": summary}
    name = (
        "two_spirals.json" if args.first_seed == 0 else f"two_spirals_from_{args.first_seed}.json"
    )
    (out / name).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
