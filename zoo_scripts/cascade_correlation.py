"""Cascade-correlation on two-spirals: hidden units needed over seeds, decision regions as PNG.

Fahlman & Lebiere (1990) solved the 194-point two-spirals set in 100 trials with
12-19 hidden units (mean 15.2; Quickprop, 8 candidates, symmetric sigmoids).
Here: tanh hidden units, a sigmoid output with binary cross-entropy, Adam in both
phases, 8 candidates, stop at 100 % training accuracy (threshold 0.5). Growth runs
inside one `fit`, which feeds itself from a cached, repeated `tf.data` pipeline.

    mlzoo run cascade_correlation                 # seeds 0-9, ~1 min each on 2 cores
    mlzoo run cascade_correlation --quick
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np

from mlzoo.datasets.two_spirals import make_two_spirals
from mlzoo.models.cascade import CascadeCorrelation
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results


def plot_regions(path: Path, network: keras.Model, x, y, title: str) -> None:
    grid = np.linspace(-7, 7, 281, dtype="float32")
    xx, yy = np.meshgrid(grid, grid)
    points = np.stack([xx.ravel(), yy.ravel()], 1)
    scores = network.predict(points, batch_size=8192, verbose=0).reshape(xx.shape)
    figure, axis = pyplot().subplots(figsize=(5.2, 5.2))
    axis.contourf(xx, yy, scores > 0.5, levels=[-0.5, 0.5, 1.5], colors=["#f4d6c6", "#c6dcf4"])
    axis.scatter(*x[y == 1].T, c="#1f5fbf", s=14, label="spiral 1")
    axis.scatter(*x[y == 0].T, c="#c0392b", s=14, marker="s", label="spiral 0")
    axis.set_aspect("equal")
    axis.set_title(title, fontsize=9)
    axis.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    save_figure(figure, path, dpi=100)


def grow(x, y, seed: int, args) -> tuple[dict, keras.Model]:
    """One network grown from `seed`: its row and the grown net as a plain functional model."""
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    cascor = CascadeCorrelation(
        2, 1, candidates=args.candidates, max_hidden_units=args.max_hidden_units, seed=seed,
        verbose=0,
    )
    cascor.fit(x, y)  # grows until 100 % training accuracy or the unit budget
    network = cascor.to_functional()
    accuracy = float(np.mean((network.predict(x, verbose=0)[:, 0] > 0.5) == y))
    row = {
        "seed": seed,
        "hidden_units": cascor.hidden_units,
        "training_accuracy": accuracy,
        "solved": accuracy == 1.0,
        "seconds": time.perf_counter() - start,
        "output_epochs": sum(step["output_epochs"] for step in cascor.growth),
        "candidate_epochs": sum(step.get("candidate_epochs", 0) for step in cascor.growth),
    }
    return row, network


def units_table(results: dict, paper: dict) -> list[dict]:
    """docs/cascade_correlation.md, docs/benchmarks.md: hidden units of the solved runs
    against the paper's."""
    runs = results["runs"]
    solved = [r for r in runs if r["solved"]]
    seeds = [r["seed"] for r in runs]
    units = summarise(solved, ["hidden_units"])
    mean_std = pm(units["hidden_units_mean"], units["hidden_units_std"], 1)
    seconds = float(np.mean([r["seconds"] for r in runs]))
    return [
        {
            "": f"mlzoo, seeds {min(seeds)}–{max(seeds)}",
            "solved": f"{len(solved)} / {len(runs)}",
            "hidden units: mean ± std": mean_std,
            "min – max": f"{units['hidden_units_min']:.0f} – {units['hidden_units_max']:.0f}",
            "time per run": f"{seconds:.0f} s",
        },
        {
            "": f"{paper['source']}, {paper['trials']} trials",
            "solved": f"{paper['solved']} / {paper['trials']}",
            "hidden units: mean ± std": f"{paper['hidden_units_mean']}",
            "min – max": f"{paper['hidden_units_min']} – {paper['hidden_units_max']}",
            "time per run": "—",
        },
    ]


def main(argv=None) -> dict:
    parser = ExperimentParser("cascade_correlation", __doc__, seeds=range(10))
    parser.add_argument("--candidates", type=int, default=8, help="candidate pool size")
    parser.add_argument("--max-hidden-units", type=int, default=40)
    args = parser.parse(argv, quick={"seeds": [0], "max_hidden_units": 3})
    if min(args.candidates, args.max_hidden_units) < 1:
        parser.error("--candidates and --max-hidden-units must be >= 1")
    x, y = make_two_spirals()
    runs = []
    for seed in progress(args.seeds, desc="cascade_correlation"):
        row, network = grow(x, y, seed, args)
        runs.append(row)
        if seed == args.seeds[0]:
            title = (
                f"two-spirals, cascade-correlation, seed {seed}:\n{row['hidden_units']} "
                f"hidden units, training accuracy {100 * row['training_accuracy']:.1f} %"
            )
            plot_regions(args.out / "two_spirals_regions.png", network, x, y, title)
            network.save(args.out / "two_spirals_network.keras")
    solved = [r for r in runs if r["solved"]]
    summary = {"seeds": len(runs), "solved": len(solved),
               "seconds_mean": float(np.mean([r["seconds"] for r in runs]))}
    if solved:
        units = summarise(solved, ["hidden_units"])
        summary |= {k: v for k, v in units.items() if k != "n"}
        print(f"solved {len(solved)}/{len(runs)} with "
              f"{pm(summary['hidden_units_mean'], summary['hidden_units_std'], 1)} hidden units")
    results = {"config": vars(args), "runs": runs, "summary": summary}
    write_results(args.out, "two_spirals", results, tables={"runs": runs})
    return results


if __name__ == "__main__":
    main()
