"""DBN pre-training (Hinton, Osindero & Teh 2006) against random initialisation; RBM pictures.

Per dataset and seed: greedy CD-1 pre-training of a stack of RBMs (784-500-500
by default: `mlzoo.models.dbn.pretrain_rbms`, SGD lr 0.1, momentum 0.5, batch
100 (digits: 20), on the [0, 1] grey levels as Bernoulli probabilities), then
the same MLP 784-500-500-10 (sigmoid hidden layers, softmax output) fine-tuned
twice with identical settings — SGD lr 0.1, momentum 0.9, the same batch size
(100; digits: 20), epochs, data order and output-layer start — once from the
RBMs' weights ("dbn") and once from Keras' Glorot initialisation ("random").
Reports the test error after every epoch, and draws the first RBM's filters
(its first 100 hidden units' weights) and 100 of its fantasies (E[v | h] after
1000 Gibbs steps from random h) as PNG; and, for comparison, the fantasies of a
first-layer RBM trained alike by persistent CD (lr 0.05, 100 chains).

    mlzoo run dbn --data-dir ../shared/data      # MNIST 5k + Fashion-MNIST, 3 seeds: ~10 min
    mlzoo run dbn --quick                        # digits, 64-64-64-10, 1 seed: seconds
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from mlzoo.models import dbn
from mlzoo.models.rbm import RBM
from mlzoo.visualization import image_grid, save_png, weight_tiles
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table, pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results
from zoo_scripts._shared import TestErrorCurve, load_classification

# dataset: (pre-training epochs per RBM, fine-tuning epochs, batch size); the full run
# (MNIST 5k and Fashion-MNIST 60k, 3 seeds) is sized for about 10 minutes on 2 CPU cores
SETTINGS = {"mnist": (10, 20, 100), "fashion_mnist": (3, 10, 100), "digits": (5, 10, 20)}
STARTS = ("dbn", "random")


def draw_filters(rbm: RBM, image_shape, name: str, out: Path) -> str:
    """The first 100 hidden units' weights of an RBM as one PNG grid; returns its file name."""
    path = out / f"dbn_{name}_filters.png"
    kernel = keras.ops.convert_to_numpy(rbm.kernel)
    tiles = weight_tiles(kernel, image_shape, max_tiles=100, columns=10)
    save_png(tiles, path, scale=2, title=f"{name}: RBM 1 filters")
    return path.name


def draw_samples(rbm: RBM, image_shape, name: str, out: Path, label: str) -> str:
    """100 fantasies E[v | h] after 1000 Gibbs steps from random h, 10 x 10; returns the name."""
    path = out / f"dbn_{name}_samples{label}.png"
    fantasies = rbm.sample(100, gibbs_steps=1000, seed=0) * 255
    rows = [fantasies[r * 10 : (r + 1) * 10] for r in range(10)]
    grid = image_grid(rows, normalise=None, image_shape=image_shape)
    save_png(grid, path, scale=2, title=f"{name}: RBM 1 samples ({label.strip('_') or 'CD-1'})")
    return path.name


def pcd_rbm(x, hidden: int, epochs: int, batch_size: int) -> RBM:
    """A first-layer RBM trained like the DBN's but by persistent CD, for its samples."""
    rbm = RBM(x.shape[1], hidden, persistent=True, persistent_chains=batch_size, seed=0)
    rbm.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5), steps_per_execution=32)
    rbm.fit(x, epochs=epochs, batch_size=batch_size, verbose=0)
    return rbm


def fine_tune(model, x, y, x_test, y_test, epochs: int, batch_size: int, seed: int) -> list[float]:
    """Identical fine-tuning for both starts: test error (%) after every epoch."""
    keras.utils.set_random_seed(seed)  # the same batch order for both starts
    model.compile(keras.optimizers.SGD(0.1, momentum=0.9), "categorical_crossentropy")
    curve = TestErrorCurve(x_test, y_test)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[curve])
    return curve.errors


def run_dataset(name: str, args) -> dict:
    """Both starts for every seed on one dataset; pictures of the first seed's RBMs."""
    x, y, x_test, y_test, image_shape = load_classification(name, args.data_dir)
    pretrain_epochs, finetune_epochs, batch_size = SETTINGS.get(name, SETTINGS["mnist"])
    curves: dict[str, list[list[float]]] = {start: [] for start in STARTS}
    pictures: list[str] = []
    for seed in progress(args.seeds, desc=name, unit="seed"):
        keras.utils.set_random_seed(seed)
        rbms = dbn.pretrain_rbms(
            args.hidden,
            x,
            epochs=pretrain_epochs,
            batch_size=batch_size,
            learning_rate=0.1,
            momentum=0.5,
            seed=100 * seed,
            verbose=args.verbose,
        )
        if seed == args.seeds[0]:
            pcd = pcd_rbm(x, args.hidden[0], pretrain_epochs, batch_size)
            pictures = [
                draw_filters(rbms[0], image_shape, name, args.out),
                draw_samples(rbms[0], image_shape, name, args.out, ""),
                draw_samples(pcd, image_shape, name, args.out, "_pcd"),
            ]
        for start in STARTS:
            keras.utils.set_random_seed(seed)  # the same output-layer weights for both starts
            model = (
                dbn.mlp_from_rbms(rbms, y.shape[1])
                if start == "dbn"
                else dbn.build_mlp(x.shape[1], args.hidden, y.shape[1])
            )
            errors = fine_tune(model, x, y, x_test, y_test, finetune_epochs, batch_size, seed)
            curves[start].append(errors)
            print(f"{name} seed {seed} {start}: test error {errors[-1]:.2f} %")
    return {
        "architecture": "-".join(str(n) for n in [x.shape[1], *args.hidden, y.shape[1]]),
        "train_samples": len(x),
        "pretrain_epochs_per_rbm": pretrain_epochs,
        "finetune_epochs": finetune_epochs,
        "batch_size": batch_size,
        "seeds": args.seeds,
        "final_test_error_percent": {s: [c[-1] for c in runs] for s, runs in curves.items()},
        "curves": curves,
        "pictures": pictures,
    }


def plot_curves(datasets: dict, path: Path) -> None:
    """Test error against fine-tuning epoch: mean over seeds, band from min to max."""
    figure, axes = pyplot().subplots(
        1, len(datasets), figsize=(5.5 * len(datasets), 4), squeeze=False
    )
    for axis, (name, result) in zip(axes[0], datasets.items(), strict=True):
        for start, colour in zip(STARTS, ("tab:blue", "tab:orange"), strict=True):
            runs = np.array(result["curves"][start])
            epochs = np.arange(1, runs.shape[1] + 1)
            axis.plot(epochs, runs.mean(0), color=colour, label=f"{start} init")
            axis.fill_between(epochs, runs.min(0), runs.max(0), color=colour, alpha=0.2)
        axis.set_title(f"{name} {result['architecture']}, {len(result['seeds'])} seed(s)")
        axis.set_xlabel("fine-tuning epoch")
        axis.set_ylabel("test error (%)")
        axis.legend()
    figure.tight_layout()
    save_figure(figure, path, dpi=90)


def summary_rows(results: dict) -> list[dict]:
    """One row per dataset and start: mean / std (ddof 1) / min / max of the final test error."""
    return [
        {"dataset": name, "start": start}
        | summarise(({"test_error": e} for e in r["final_test_error_percent"][start]),
                    ["test_error"])
        for name, r in results["datasets"].items()
        for start in STARTS
    ]


def comparison_table(results: dict) -> list[dict]:
    """docs/rbm.md: final test error of both starts, mean ± std over seeds, and the difference.

    difference = mean(DBN) − mean(random), in points and relative to mean(random).
    """
    names = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "digits": "digits"}
    summary = {(row["dataset"], row["start"]): row for row in summary_rows(results)}
    rows = []
    for name, r in results["datasets"].items():
        mean = {s: summary[name, s]["test_error_mean"] for s in STARTS}
        best = min(STARTS, key=mean.get)
        cells = {}
        for start in STARTS:
            cell = pm(mean[start], summary[name, start]["test_error_std"]) + " %"
            cells[start] = f"**{cell}**" if start == best else cell
        difference = mean["dbn"] - mean["random"]
        rows.append({
            "data": f"{names.get(name, name)} ({r['train_samples']:,} training images)",
            "pre-training (epochs per RBM)": r["pretrain_epochs_per_rbm"],
            "fine-tuning epochs": r["finetune_epochs"],
            "seeds": len(r["seeds"]),
            "DBN init": cells["dbn"],
            "random init": cells["random"],
            "DBN − random": f"{difference:+.2f} points ({100 * difference / mean['random']:+.0f} %)"
            .replace("-", "−"),
        })
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser(
        "dbn", __doc__, dataset=["mnist", "fashion_mnist"], seeds=[0, 1, 2]
    )
    parser.add_argument("--hidden", type=int, nargs="+", default=[500, 500],
                        help="hidden widths: one RBM each")
    parser.add_argument("--verbose", type=int, default=0, help="Keras verbosity of pre-training")
    args = parser.parse(argv, quick={"dataset": ["digits"], "seeds": [0], "hidden": [64, 64]})
    if any(h < 1 for h in args.hidden):
        parser.error("--hidden widths must be >= 1")
    datasets = {name: run_dataset(name, args) for name in args.dataset}
    results = {"config": {"hidden": args.hidden, "seeds": args.seeds}, "datasets": datasets}
    plot_curves(datasets, args.out / "dbn_test_error.png")
    runs = [
        {"dataset": name, "seed": seed, "start": start, "test_error_percent": error}
        for name, r in datasets.items()
        for start in STARTS
        for seed, error in zip(r["seeds"], r["final_test_error_percent"][start], strict=True)
    ]
    write_results(args.out, "dbn", results,
                  tables={"runs": runs, "summary": summary_rows(results)})
    print(markdown_table(comparison_table(results)))
    return results


if __name__ == "__main__":
    main()
