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

    python -m zoo_scripts.dbn --data-dir ../shared/data       # MNIST 5k + Fashion-MNIST
    python -m zoo_scripts.dbn --quick                         # digits, 64-64-64-10: seconds
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import keras
import numpy as np

from mlzoo.models import dbn
from mlzoo.models.rbm import RBM
from mlzoo.visualization import image_grid, save_png, weight_tiles
from zoo_scripts._shared import TestErrorCurve, load_classification

# dataset: (pre-training epochs per RBM, fine-tuning epochs, seeds, batch size); the full run
# (MNIST 5k and Fashion-MNIST 60k) is sized for about 10 minutes on 2 CPU cores
SETTINGS = {"mnist": (10, 20, 3, 100), "fashion_mnist": (3, 10, 3, 100), "digits": (5, 10, 1, 20)}


def draw_filters(rbm, image_shape, name: str, out: Path) -> str:
    """The first 100 hidden units' weights of an RBM as one PNG grid; returns its path."""
    path = out / f"dbn_{name}_filters.png"
    kernel = keras.ops.convert_to_numpy(rbm.kernel)
    tiles = weight_tiles(kernel, image_shape, max_tiles=100, columns=10)
    save_png(tiles, path, scale=2, title=f"{name}: RBM 1 filters")
    return str(path)


def draw_samples(rbm, image_shape, name: str, out: Path, label: str) -> str:
    """100 fantasies E[v | h] after 1000 Gibbs steps from random h, 10 x 10; returns the path."""
    path = out / f"dbn_{name}_samples{label}.png"
    fantasies = rbm.sample(100, gibbs_steps=1000, seed=0) * 255
    rows = [fantasies[r * 10 : (r + 1) * 10] for r in range(10)]
    grid = image_grid(rows, normalise=None, image_shape=image_shape)
    save_png(grid, path, scale=2, title=f"{name}: RBM 1 samples ({label.strip('_') or 'CD-1'})")
    return str(path)


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
    x, y, x_test, y_test, image_shape = load_classification(name, args.data_dir)
    pretrain_epochs, finetune_epochs, seeds, batch_size = SETTINGS.get(name, SETTINGS["mnist"])
    hidden = [64, 64] if args.quick else args.hidden
    curves = {"dbn": [], "random": []}
    pictures = []
    for seed in range(seeds):
        keras.utils.set_random_seed(seed)
        rbms = dbn.pretrain_rbms(
            hidden,
            x,
            epochs=pretrain_epochs,
            batch_size=batch_size,
            learning_rate=0.1,
            momentum=0.5,
            seed=100 * seed,
            verbose=args.verbose,
        )
        if seed == 0:
            out = Path(args.out)
            pcd = pcd_rbm(x, hidden[0], pretrain_epochs, batch_size)
            pictures = [
                draw_filters(rbms[0], image_shape, name, out),
                draw_samples(rbms[0], image_shape, name, out, ""),
                draw_samples(pcd, image_shape, name, out, "_pcd"),
            ]
            print("wrote " + ", ".join(pictures))
        for start in ("dbn", "random"):
            keras.utils.set_random_seed(seed)  # the same output-layer weights for both starts
            model = (
                dbn.mlp_from_rbms(rbms, y.shape[1])
                if start == "dbn"
                else dbn.build_mlp(x.shape[1], hidden, y.shape[1])
            )
            errors = fine_tune(model, x, y, x_test, y_test, finetune_epochs, batch_size, seed)
            curves[start].append(errors)
            print(f"{name} seed {seed} {start}: test error {errors[-1]:.2f} %")
    final = {start: [c[-1] for c in runs] for start, runs in curves.items()}
    result = {
        "architecture": "-".join(str(n) for n in [x.shape[1], *hidden, y.shape[1]]),
        "train_samples": len(x),
        "pretrain_epochs_per_rbm": pretrain_epochs,
        "finetune_epochs": finetune_epochs,
        "seeds": seeds,
        "batch_size": batch_size,
        "test_error_percent": {
            start: {"mean": float(np.mean(e)), "std": float(np.std(e)), "runs": e}
            for start, e in final.items()
        },
        "curves": curves,
        "pictures": pictures,
    }
    dbn_mean, random_mean = (result["test_error_percent"][s]["mean"] for s in ("dbn", "random"))
    result["difference_points"] = dbn_mean - random_mean
    result["relative_change"] = (dbn_mean - random_mean) / random_mean
    return result


def plot_curves(results: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4), squeeze=False)
    for axis, (name, result) in zip(axes[0], results.items(), strict=True):
        for start, colour in (("dbn", "tab:blue"), ("random", "tab:orange")):
            runs = np.array(result["curves"][start])
            epochs = np.arange(1, runs.shape[1] + 1)
            axis.plot(epochs, runs.mean(0), color=colour, label=f"{start} init")
            axis.fill_between(epochs, runs.min(0), runs.max(0), color=colour, alpha=0.2)
        axis.set_title(f"{name} {result['architecture']}, {result['seeds']} seed(s)")
        axis.set_xlabel("fine-tuning epoch")
        axis.set_ylabel("test error (%)")
        axis.legend()
    figure.tight_layout()
    path = out / "dbn_test_error.png"
    figure.savefig(path, dpi=90)
    plt.close(figure)
    print(f"wrote {path}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["mnist", "fashion_mnist"])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--hidden", type=int, nargs="+", default=[500, 500])
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="digits, 64-64-64-10: seconds")
    parser.add_argument("--out", default="docs/results/rbm")
    args = parser.parse_args(argv)
    if any(h < 1 for h in args.hidden):
        parser.error("--hidden widths must be >= 1")
    if args.quick:
        args.datasets = ["digits"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = {name: run_dataset(name, args) for name in args.datasets}
    plot_curves(results, out)
    print("| data | architecture | seeds | DBN init | random init | difference | relative |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        errors = result["test_error_percent"]
        print(
            f"| {name} | {result['architecture']} | {result['seeds']} "
            f"| {errors['dbn']['mean']:.2f} ± {errors['dbn']['std']:.2f} % "
            f"| {errors['random']['mean']:.2f} ± {errors['random']['std']:.2f} % "
            f"| {result['difference_points']:+.2f} points "
            f"| {100 * result['relative_change']:+.0f} % |"
        )
    (out / "dbn.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
