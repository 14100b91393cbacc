"""Table 3 protocol of Liu et al. 2017: STD-PL against the four mutual learning modes.

For each repetition one network is initialised, and every mode trains a copy of
those SAME initial weights (section 7.3). Reports test-Avg, test-Min, test-Std
and train-Avg classification error (%), writes a run folder with
`results.json`, `summary.csv`, `runs.csv`, `convergence.png` and, for image
data, `reconstructions_<mode>.png` (negative-net class prototypes at several
iterations, figures 13 and 17).

    python -m zoo_scripts.mutual_learning                      # digits, bundled
    python -m zoo_scripts.mutual_learning --dataset mnist --data-dir ../shared/data \
        --hidden 300 --epochs 100 --batch-size 200 --l2 1e-5 --modes STD-PL EI-ML EPT-ML
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import keras
import numpy as np

from mlzoo import build_mutual_mlp
from mlzoo.callbacks import LRShrink
from mlzoo.models.mutual import MODES, training_plan
from zoo_scripts._shared import (
    TestErrorCurve,
    check_run_args,
    error_percent,
    load_classification,
    write_run_folder,
)


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


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare STD-PL with the mutual learning modes (Table 3 protocol).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--dataset", default="digits", help="any mlzoo.datasets name")
    parser.add_argument("--data-dir", default=None, help="folder of <name>.npz files")
    parser.add_argument("--hidden", type=int, nargs="+", default=[30], help="hidden widths")
    parser.add_argument("--epochs", type=int, default=60, help="K: STD-PL iterations")
    parser.add_argument("--rate", type=float, default=0.1, help="conversion rate ε")
    parser.add_argument("--repetitions", type=int, default=3, help="R")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.2)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument(
        "--loss",
        choices=["squared_error", "mse", "crossentropy"],
        default="squared_error",
        help="squared_error: eq. 7/10 for F and G; mse: Keras mean squared error "
        "(mean over outputs) for F and G; crossentropy: softmax F, G squared error",
    )
    parser.add_argument("--scale-index", type=float, default=2 / 3, help="Algorithm 1")
    parser.add_argument("--scale-lr", type=float, default=2 / 3, help="Algorithm 1")
    parser.add_argument("--change-times", type=int, default=4, help="Algorithm 1")
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument(
        "--split-seed-per-repetition",
        action="store_true",
        help="resplit sets without an official split in every repetition",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a run of seconds: 1 repetition, K=6, 2 modes"
    )
    parser.add_argument("--out", default=None, help="run folder (default runs/mutual_<dataset>)")
    args = parser.parse_args(argv)
    check_run_args(parser, args)
    if args.quick:
        args.repetitions, args.epochs = 1, 6
        args.modes = ["STD-PL", "EPT-ML"]
    if args.out is None:
        args.out = f"runs/mutual_{args.dataset}"
    return args


def load_data(args, repetition: int):
    split_seed = repetition if args.split_seed_per_repetition else 0
    return load_classification(args.dataset, args.data_dir, split_seed)


def snapshot_epochs(total_epochs: int) -> list[int]:
    """Learning processes 2, 4, 8, ... (iterations 1, 2, 4, ...) and the last one."""
    epochs = [2**k for k in range(1, int(math.log2(max(total_epochs, 2))) + 1)]
    return sorted(set(e for e in epochs if e <= total_epochs) | {total_epochs})


def train_mode(args, mode, initial_weights, data, snapshots: bool):
    x_train, y_train, x_test, y_test, _ = data
    model = build_mutual_mlp(
        x_train.shape[1],
        args.hidden if len(args.hidden) > 1 else args.hidden[0],
        y_train.shape[1],
        output_activation="softmax" if args.loss == "crossentropy" else "sigmoid",
        l2=args.l2,
    )
    model.set_weights(initial_weights)
    losses = {
        "squared_error": {},
        "mse": {"loss": "mse", "negative_loss": "mse"},
        "crossentropy": {"loss": "categorical_crossentropy"},
    }[args.loss]
    model.compile(
        optimizer=keras.optimizers.SGD(args.lr, momentum=args.momentum),
        **losses,
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
    start = time.perf_counter()
    history = model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=plan.epochs,
        callbacks=callbacks,
        verbose=0,
    )
    seconds = time.perf_counter() - start
    result = {
        "mode": mode,
        "test_error": curve.errors[-1],
        "train_error": error_percent(model, x_train, y_train),
        "final_loss": float(history.history["loss"][-1]),
        "seconds": seconds,
        "epochs": plan.epochs,
        "mutual_iterations": plan.mutual_iterations,
        "positive_iterations": plan.positive_iterations,
    }
    # Epochs that trained G (an idle epoch's logged E_n repeats the last value): plot those.
    negative_epochs = set(range(1, 2 * plan.mutual_iterations, 2))
    curves = {
        "positive_loss": history.history["positive_loss"],
        "negative_loss": [
            value if epoch in negative_epochs else float("nan")
            for epoch, value in enumerate(history.history["negative_loss"])
        ],
        "test_error": curve.errors,
    }
    return result, curves, (recorder.images if recorder else None)


def summarise(runs: list[dict], modes: list[str]) -> list[dict]:
    rows = []
    for mode in modes:
        test = np.array([r["test_error"] for r in runs if r["mode"] == mode])
        train = np.array([r["train_error"] for r in runs if r["mode"] == mode])
        rows.append(
            {
                "mode": mode,
                "test_avg": float(test.mean()),
                "test_min": float(test.min()),
                "test_std": float(test.std(ddof=1)) if len(test) > 1 else 0.0,
                "train_avg": float(train.mean()),
                "repetitions": len(test),
            }
        )
    return rows


LOSS_LABELS = {
    "squared_error": ("positive loss E_p (eq. 7)", "negative loss E_n (eq. 10)"),
    "mse": ("positive loss (Keras mse)", "negative loss (Keras mse)"),
    "crossentropy": ("positive loss (cross-entropy)", "negative loss E_n (eq. 10)"),
}


def plot_convergence(curves: dict[str, list[dict]], path: Path, title: str, loss: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    positive_label, negative_label = LOSS_LABELS[loss]
    panels = [
        ("positive_loss", positive_label),
        ("negative_loss", negative_label),
        ("test_error", "test error (%)"),
    ]
    colors = dict(zip(MODES, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False))
    for ax, (key, label) in zip(axes, panels, strict=True):
        for mode, runs in curves.items():
            values = np.array([run[key] for run in runs], dtype=float)
            seen = np.isfinite(values).any(axis=0)
            values = np.where(seen, np.nanmean(np.where(seen, values, 0.0), axis=0), np.nan)
            steps = np.arange(1, len(values) + 1)
            if seen.any():
                marker = "o" if seen.sum() <= 20 else None  # short runs: show the points
                ax.plot(steps[seen], values[seen], label=mode, color=colors[mode], marker=marker)
        ax.set_xlabel("learning process (epoch)")
        ax.set_title(label)
        ax.set_yscale("log" if key != "test_error" else "linear")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_reconstructions(images: dict[int, np.ndarray], shape, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = sorted(images)
    num_classes = images[epochs[0]].shape[0]
    fig, axes = plt.subplots(
        len(epochs),
        num_classes,
        figsize=(num_classes * 0.9, len(epochs) * 1.0 + 0.4),
        squeeze=False,
    )
    for row, epoch in enumerate(epochs):
        for cls in range(num_classes):
            ax = axes[row][cls]
            ax.imshow(images[epoch][cls].reshape(shape), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if cls == 0:
                ax.set_ylabel(f"it. {epoch / 2:g}", fontsize=8)
            if row == 0:
                ax.set_title(str(cls), fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> dict:
    from tqdm import tqdm

    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs, curves, reconstructions = [], {mode: [] for mode in args.modes}, {}
    image_shape = None
    progress = tqdm(total=args.repetitions * len(args.modes), desc=args.dataset, unit="run")
    for repetition in range(args.repetitions):
        data = load_data(args, repetition)
        image_shape = data[4]
        keras.utils.set_random_seed(repetition)
        hidden = args.hidden if len(args.hidden) > 1 else args.hidden[0]
        initial_weights = build_mutual_mlp(data[0].shape[1], hidden, data[1].shape[1]).get_weights()
        for mode in args.modes:
            keras.utils.set_random_seed(1000 + repetition)  # same batch order for every mode
            result, curve, images = train_mode(
                args, mode, initial_weights, data, snapshots=repetition == 0 and image_shape
            )
            result["repetition"] = repetition
            runs.append(result)
            curves[mode].append(curve)
            if images:
                reconstructions[mode] = images
            progress.set_postfix(mode=mode, test_error=f"{result['test_error']:.2f}%")
            progress.update()
    progress.close()

    summary = summarise(runs, args.modes)
    results = {"config": vars(args), "summary": summary, "runs": runs, "curves": curves}
    write_run_folder(out, results)
    title = (
        f"{args.dataset}: K={args.epochs}, ε={args.rate}, hidden={args.hidden}, "
        f"R={args.repetitions}"
    )
    plot_convergence(curves, out / "convergence.png", title, args.loss)
    for mode, images in reconstructions.items():
        plot_reconstructions(
            images,
            image_shape,
            out / f"reconstructions_{mode}.png",
            f"{args.dataset}, {mode}: G(class) by iteration",
        )

    print(f"\n{args.dataset}: classification error (%) over {args.repetitions} repetitions")
    print(f"{'mode':8s} {'test-Avg':>9s} {'test-Min':>9s} {'test-Std':>9s} {'train-Avg':>10s}")
    for row in summary:
        print(
            f"{row['mode']:8s} {row['test_avg']:9.2f} {row['test_min']:9.2f} "
            f"{row['test_std']:9.2f} {row['train_avg']:10.2f}"
        )
    print(f"results in {out}/")
    return results


if __name__ == "__main__":
    main()
