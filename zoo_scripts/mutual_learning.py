"""Mutual learning (Liu et al. 2017): STD-PL against the four mutual modes, Table 3 protocol.

For each seed one network is initialised, and every mode trains a copy of those SAME
initial weights on the same batch order (section 7.3). Reports test-Avg, test-Min,
test-Std and train-Avg classification error (%); the run folder holds
`mutual_learning.json` (config, runs, summary, curves), `mutual_learning_summary.csv`,
`mutual_learning_runs.csv`, `convergence.png` and, for image data,
`reconstructions_<mode>.png` (the negative net's class prototypes by iteration,
figures 13 and 17).

    mlzoo run mutual_learning --quick --out /tmp/ml        # seconds; digits, embedded
    mlzoo run mutual_learning --dataset iris --seeds 0-29 --split-per-seed --hidden 20
    mlzoo run mutual_learning --dataset mnist --data-dir ../shared/data \
        --hidden 300 --epochs 100 --batch-size 200 --l2 1e-5 --modes STD-PL EI-ML EPT-ML
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np

from mlzoo import build_mutual_mlp
from mlzoo.callbacks import LRShrink
from mlzoo.losses import SquaredError
from mlzoo.models.mutual import MODES, training_plan
from zoo_scripts._args import ExperimentParser, fraction
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results
from zoo_scripts._shared import TestErrorCurve, cached_dataset, error_percent, load_classification

LOSSES = {  # F's loss class; G learns with the squared error unless F's is the mse
    "squared_error": (SquaredError, SquaredError),
    "mse": (keras.losses.MeanSquaredError, keras.losses.MeanSquaredError),
    "crossentropy": (keras.losses.CategoricalCrossentropy, SquaredError),
}
REDUCTIONS = {"mean": "sum_over_batch_size", "sum": "sum"}


def losses(name: str, reduction: str) -> dict:
    """`compile` arguments of F's and G's losses, reduced over the batch by mean or sum."""
    positive, negative = LOSSES[name]
    return {"loss": positive(reduction=REDUCTIONS[reduction]),
            "negative_loss": negative(reduction=REDUCTIONS[reduction])}
LOSS_LABELS = {
    "squared_error": ("positive loss E_p (eq. 7)", "negative loss E_n (eq. 10)"),
    "mse": ("positive loss (Keras mse)", "negative loss (Keras mse)"),
    "crossentropy": ("positive loss (cross-entropy)", "negative loss E_n (eq. 10)"),
}


class ReconstructionSnapshots(keras.callbacks.Callback):
    """Keep G(one-hot class vectors) at the end of chosen epochs (1-based)."""

    def __init__(self, num_classes: int, epochs: list[int]):
        super().__init__()
        self.classes = np.eye(num_classes, dtype="float32")
        self.epochs = set(epochs)
        self.images: dict[int, np.ndarray] = {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.epochs:
            images = self.model.negative_net(self.classes, training=False)
            self.images[epoch + 1] = keras.ops.convert_to_numpy(images)


def parse_args(argv=None):
    parser = ExperimentParser(
        "mutual_learning", __doc__, dataset="digits", seeds=[0, 1, 2], epochs=60,
        batch_size=10, steps_per_execution=32,
    )
    parser.add_argument("--hidden", type=int, nargs="+", default=[30], help="hidden widths")
    parser.add_argument("--rate", type=float, default=0.1, help="conversion rate ε")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--lr", type=float, default=0.2)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument(
        "--loss", choices=list(LOSSES), default="squared_error",
        help="squared_error: eq. 7/10 for F and G; mse: Keras mean squared error "
        "(mean over outputs) for F and G; crossentropy: softmax F, G squared error",
    )
    parser.add_argument(
        "--loss-reduction", choices=list(REDUCTIONS), default="mean",
        help="over the batch: mean (eq. 7's 1/s) or sum (as MATLAB-era code often does: "
        "a gradient batch-size times larger)",
    )
    parser.add_argument("--scale-index", type=fraction, default=2 / 3, help="Algorithm 1")
    parser.add_argument("--scale-lr", type=fraction, default=2 / 3, help="Algorithm 1")
    parser.add_argument("--change-times", type=int, default=4, help="Algorithm 1")
    parser.add_argument(
        "--split-per-seed", action="store_true",
        help="a new split of sets without an official one for every seed (else split seed 0)",
    )
    args = parser.parse(argv, quick={"seeds": [0], "epochs": 6, "modes": ["STD-PL", "EPT-ML"]})
    if min(args.hidden) < 1:
        parser.error("--hidden widths must be >= 1")
    return args


def snapshot_epochs(total_epochs: int) -> list[int]:
    """Learning processes 2, 4, 8, ... (iterations 1, 2, 4, ...) and the last one."""
    epochs = [2**k for k in range(1, int(math.log2(max(total_epochs, 2))) + 1)]
    return sorted(set(e for e in epochs if e <= total_epochs) | {total_epochs})


def build(args, data):
    x, y = data[0], data[1]
    hidden = args.hidden if len(args.hidden) > 1 else args.hidden[0]
    output = "softmax" if args.loss == "crossentropy" else "sigmoid"
    return build_mutual_mlp(x.shape[1], hidden, y.shape[1], output_activation=output, l2=args.l2)


def train_mode(args, mode: str, seed: int, initial_weights, data, snapshots: bool):
    """Train one mode from `initial_weights`: its run row, curves and G's prototypes."""
    x_train, y_train, x_test, y_test, _ = data
    model = build(args, data)
    model.set_weights(initial_weights)
    model.compile(
        optimizer=keras.optimizers.SGD(args.lr, momentum=args.momentum),
        **losses(args.loss, args.loss_reduction),
        metrics=["accuracy"],
        steps_per_execution=args.steps_per_execution,
    )
    plan = training_plan(mode, args.epochs, args.rate)
    shrink = LRShrink(args.scale_index, args.scale_lr, args.change_times, plan.epochs)
    curve = TestErrorCurve(x_test, y_test)
    callbacks = [*plan.callbacks, shrink, curve]
    recorder = None
    if snapshots and plan.mutual_iterations:
        recorder = ReconstructionSnapshots(y_train.shape[1], snapshot_epochs(plan.epochs))
        callbacks.append(recorder)
    keras.utils.set_random_seed(1000 + seed)
    batches = cached_dataset(x_train, y_train, args.batch_size, seed=1000 + seed)
    start = time.perf_counter()
    history = model.fit(
        batches, epochs=plan.epochs, callbacks=callbacks, shuffle=False, verbose=0
    ).history
    result = {
        "seed": seed,
        "mode": mode,
        "test_error": curve.errors[-1],
        "train_error": error_percent(model, x_train, y_train),
        "final_loss": float(history["loss"][-1]),
        "seconds": time.perf_counter() - start,
        "epochs": plan.epochs,
        "mutual_iterations": plan.mutual_iterations,
        "positive_iterations": plan.positive_iterations,
    }
    # Epochs that trained G (an idle epoch's logged E_n repeats the last value): plot those.
    negative_epochs = set(range(1, 2 * plan.mutual_iterations, 2))
    curves = {
        "positive_loss": history["positive_loss"],
        "negative_loss": [
            value if epoch in negative_epochs else float("nan")
            for epoch, value in enumerate(history["negative_loss"])
        ],
        "test_error": curve.errors,
    }
    return result, curves, (recorder.images if recorder else None)


def plot_convergence(curves: dict[str, list[dict]], path: Path, title: str, loss: str) -> None:
    plt = pyplot()
    figure, axes = plt.subplots(1, 3, figsize=(15, 4))
    positive_label, negative_label = LOSS_LABELS[loss]
    panels = [
        ("positive_loss", positive_label),
        ("negative_loss", negative_label),
        ("test_error", "test error (%)"),
    ]
    colors = dict(zip(MODES, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False))
    for axis, (key, label) in zip(axes, panels, strict=True):
        for mode, runs in curves.items():
            values = np.array([run[key] for run in runs], dtype=float)
            seen = np.isfinite(values).any(axis=0)
            values = np.where(seen, np.nanmean(np.where(seen, values, 0.0), axis=0), np.nan)
            steps = np.arange(1, len(values) + 1)
            if seen.any():
                marker = "o" if seen.sum() <= 20 else None  # short runs: show the points
                axis.plot(steps[seen], values[seen], label=mode, color=colors[mode], marker=marker)
        axis.set_xlabel("learning process (epoch)")
        axis.set_title(label)
        axis.set_yscale("log" if key != "test_error" else "linear")
        axis.grid(alpha=0.3)
    axes[0].legend()
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def plot_reconstructions(images: dict[int, np.ndarray], shape, path: Path, title: str) -> None:
    epochs = sorted(images)
    num_classes = images[epochs[0]].shape[0]
    figure, axes = pyplot().subplots(
        len(epochs), num_classes, figsize=(num_classes * 0.9, len(epochs) * 1.0 + 0.4),
        squeeze=False,
    )
    for row, epoch in enumerate(epochs):
        for cls in range(num_classes):
            axis = axes[row][cls]
            axis.imshow(images[epoch][cls].reshape(shape), cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
            if cls == 0:
                axis.set_ylabel(f"it. {epoch / 2:g}", fontsize=8)
            if row == 0:
                axis.set_title(str(cls), fontsize=8)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout()
    save_figure(figure, path)


def main(argv=None) -> dict:
    args = parse_args(argv)
    runs, curves, reconstructions = [], {mode: [] for mode in args.modes}, {}
    bar = progress(total=len(args.seeds) * len(args.modes), desc=args.dataset)
    for seed in args.seeds:
        data = load_classification(
            args.dataset, args.data_dir, seed if args.split_per_seed else 0
        )
        image_shape = data[4]
        keras.utils.set_random_seed(seed)
        initial_weights = build(args, data).get_weights()
        for mode in args.modes:
            snapshots = seed == args.seeds[0] and image_shape is not None
            result, curve, images = train_mode(args, mode, seed, initial_weights, data, snapshots)
            runs.append(result)
            curves[mode].append(curve)
            if images:
                reconstructions[mode] = images
            bar.set_postfix(mode=mode, test_error=f"{result['test_error']:.2f}%")
            bar.update()
    bar.close()

    summary = [
        {"mode": mode, **summarise([r for r in runs if r["mode"] == mode],
                                   ["test_error", "train_error"])}
        for mode in args.modes
    ]
    results = {"config": vars(args), "summary": summary, "runs": runs, "curves": curves}
    write_results(args.out, "mutual_learning", results, {"summary": summary, "runs": runs})
    title = (
        f"{args.dataset}: K={args.epochs}, ε={args.rate}, hidden={args.hidden}, "
        f"seeds={len(args.seeds)}"
    )
    plot_convergence(curves, args.out / "convergence.png", title, args.loss)
    for mode, images in reconstructions.items():
        plot_reconstructions(
            images, image_shape, args.out / f"reconstructions_{mode}.png",
            f"{args.dataset}, {mode}: G(class) by iteration",
        )

    print(f"\n{args.dataset}: classification error (%), seeds {args.seeds}")
    print(f"{'mode':8s} {'test-Avg':>9s} {'test-Min':>9s} {'test-Std':>9s} {'train-Avg':>10s}")
    for row in summary:
        print(
            f"{row['mode']:8s} {row['test_error_mean']:9.2f} {row['test_error_min']:9.2f} "
            f"{row['test_error_std']:9.2f} {row['train_error_mean']:10.2f}"
        )
    print(f"results in {args.out}/")
    return results


# Renderers of the docs tables (docs/benchmarks.md, "Mutual learning"; files in
# docs/results/mutual/, the paper's figures in paper.json).

_LOSS_NAMES = {"squared_error": "eq. 7 (`squared_error`)", "mse": "Keras `mse`",
               "crossentropy": "cross-entropy"}
_TABLE3_ROWS = {"test-Avg": "test_error_mean", "test-Min": "test_error_min",
                "test-Std": "test_error_std", "train-Avg": "train_error_mean"}


def _paper_name(mode: str) -> str:
    """The paper's tables call standard training (STD-PL) STD-BP."""
    return "STD-BP" if mode == "STD-PL" else mode


def _lowest_in_bold(cells: dict[str, float | None]) -> dict[str, str]:
    best = min(v for v in cells.values() if v is not None)
    return {
        k: "—" if v is None else f"**{v:.2f}**" if v == best else f"{v:.2f}"
        for k, v in cells.items()
    }


def table3(summary: list[dict], paper: dict | None = None, dataset: str = "") -> list[dict]:
    """Table 3's rows: our test-Avg/Min/Std and train-Avg (%), then the paper's for `dataset`."""
    ours = {row["mode"]: row for row in summary}
    mine = " mlzoo" if paper else ""
    rows = [
        {"": label + mine,
         **{_paper_name(m): f"{ours[m][key]:.2f}" for m in MODES if m in ours}}
        for label, key in _TABLE3_ROWS.items()
    ]
    if paper:
        rows += [{"": f"{label} paper", **{m: f"{v:.2f}" for m, v in stats.items()}}
                 for label, stats in paper["table3"][dataset].items()]
    return rows


def mnist_table(paper: dict, *runs: list[dict], losses: str) -> list[dict]:
    """Per loss and mode: test error per seed, mean, std and train mean (%), Table 5 beside.

    `runs` are runs tables, `losses` (comma-separated) the loss of each; the lowest
    test-Avg of each loss is in bold.
    """
    by_loss: dict[str, list[dict]] = {}
    for loss, rows in zip(losses.split(","), runs, strict=True):
        by_loss.setdefault(loss, []).extend(rows)
    table5 = {mode: paper["table5"].get(_paper_name(mode)) for mode in MODES}
    rank = {name: i for i, name in enumerate(paper["table5"])}  # the paper's row order
    order = sorted(MODES, key=lambda m: rank.get(_paper_name(m), len(rank)))
    table = []
    for loss, rows in by_loss.items():
        modes = [m for m in order if any(r["mode"] == m for r in rows)]
        mine = {m: sorted((r for r in rows if r["mode"] == m), key=lambda r: r["seed"])
                for m in modes}
        stats = {m: summarise(mine[m], ["test_error", "train_error"]) for m in modes}
        averages = _lowest_in_bold({m: stats[m]["test_error_mean"] for m in modes})
        for mode in modes:
            table.append({
                "loss": _LOSS_NAMES[loss] if mode == modes[0] else "",
                "mode": _paper_name(mode),
                "learning processes": mine[mode][0]["epochs"],
                "test error per seed": " / ".join(f"{r['test_error']:.2f}" for r in mine[mode]),
                "test-Avg": averages[mode],
                "test-Std": f"{stats[mode]['test_error_std']:.2f}",
                "train-Avg": f"{stats[mode]['train_error_mean']:.2f}",
                "paper (60k)": (f"{table5[mode]:.2f}" if loss == "squared_error"
                                and table5[mode] is not None else ""),
            })
    return table


def budget_table(*summaries: list[dict], losses: str, K: str) -> list[dict]:
    """Test error (%) per mode of one-seed runs, a row per summary (loss and budget K)."""
    modes = list(dict.fromkeys(row["mode"] for summary in summaries for row in summary))
    table = []
    for summary, loss, k in zip(summaries, losses.split(","), K.split(","), strict=True):
        ours = {row["mode"]: row["test_error_mean"] for row in summary}
        cells = _lowest_in_bold({m: ours.get(m) for m in modes})
        table.append({"loss": _LOSS_NAMES[loss], "K": int(k),
                      **{_paper_name(m): cells[m] for m in modes}})
    return table


if __name__ == "__main__":
    main()
