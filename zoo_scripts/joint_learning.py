"""Joint learning (seed 001): fixed, infomax, joint, task (and Triesch) activations compared.

For each repetition one network is initialised and every rule trains a copy of those SAME
initial weights (the rules share the variable layout). Reports test error (mean ± std),
the final training loss, and the first hidden layer's output entropy and saturation; writes
`results.json`, `summary.csv`, `runs.csv` and `curves.png` (training loss like figure 4.1,
test error, hidden entropy and saturation per epoch). `--concentrate c` maps inputs to
[1 - c, 1]: the seed's extreme case (section 3) where a fixed sigmoid saturates.

    python -m zoo_scripts.joint_learning                       # digits, bundled
    python -m zoo_scripts.joint_learning --dataset iris --epochs 100 --repetitions 10
    python -m zoo_scripts.joint_learning --concentrate 0.1     # inputs in [0.9, 1]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import keras
import numpy as np

from mlzoo import build_joint_mlp
from mlzoo.callbacks import ActivationStats, IPRateScheduler, linear_decay
from mlzoo.layers._adaptive_activation import RULES
from mlzoo.losses import SquaredError
from zoo_scripts._shared import (
    TestErrorCurve,
    check_run_args,
    error_percent,
    load_classification,
    write_run_folder,
)

COLORS = {"fixed": "black", "infomax": "tab:red", "joint": "tab:purple", "task": "tab:blue"}
COLORS["triesch"] = "tab:green"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare adaptive-activation rules (joint learning, seed 001).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--dataset", default="digits", help="any mlzoo.datasets name")
    parser.add_argument("--data-dir", default=None, help="folder of <name>.npz files")
    parser.add_argument("--hidden", type=int, nargs="+", default=[30], help="hidden widths")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument(
        "--rules", nargs="+", default=["fixed", "infomax", "joint", "task"], choices=RULES
    )
    parser.add_argument("--activation", choices=["sigmoid", "tanh"], default="sigmoid")
    parser.add_argument(
        "--output-activation",
        default="adaptive",
        help="'adaptive' (figure 3.1) or a Keras activation for a plain output layer",
    )
    parser.add_argument("--ip-rate", type=float, default=0.01, help="relative to --lr")
    parser.add_argument(
        "--ip-schedule",
        choices=["constant", "linear"],
        default="constant",
        help="'linear': ip_rate falls linearly to 0 over --ip-decay-epochs (IPRateScheduler)",
    )
    parser.add_argument(
        "--ip-decay-epochs", type=int, default=None, help="default: --epochs (with 'linear')"
    )
    parser.add_argument(
        "--ip-final-fraction",
        type=float,
        default=0.0,
        help="with 'linear': the rate after the decay, as a fraction of --ip-rate",
    )
    parser.add_argument("--target-mean", type=float, default=0.2, help="μ of 'triesch'")
    parser.add_argument("--loss", choices=["mse", "squared_error"], default="mse")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps-per-execution", type=int, default=32)
    parser.add_argument(
        "--concentrate", type=float, default=None, help="map inputs to [1 - c, 1] (section 3)"
    )
    parser.add_argument("--split-seed-per-repetition", action="store_true")
    parser.add_argument("--quick", action="store_true", help="seconds: 1 repetition, 3 epochs")
    parser.add_argument("--out", default=None, help="run folder (default runs/joint_<dataset>)")
    args = parser.parse_args(argv)
    check_run_args(parser, args)
    if args.ip_decay_epochs is not None and args.ip_decay_epochs < 1:
        parser.error("--ip-decay-epochs must be >= 1")
    if not 0 <= args.ip_final_fraction <= 1:
        parser.error("--ip-final-fraction must be in [0, 1]")
    if args.concentrate is not None and not 0 < args.concentrate <= 1:
        parser.error("--concentrate must be in (0, 1]")
    if args.activation == "tanh" and "triesch" in args.rules:
        parser.error("--rules triesch needs --activation sigmoid")
    if args.quick:
        args.repetitions, args.epochs = 1, 3
    if args.out is None:
        suffix = f"_c{args.concentrate:g}" if args.concentrate else ""
        args.out = f"runs/joint_{args.dataset}{suffix}"
    return args


def load_data(args, repetition: int):
    split_seed = repetition if args.split_seed_per_repetition else 0
    x, y, x_test, y_test, _ = load_classification(args.dataset, args.data_dir, split_seed)
    if args.concentrate:
        x, x_test = (1.0 - args.concentrate * (1.0 - v) for v in (x, x_test))
    return x, y, x_test, y_test


def build(args, rule: str, input_dim: int, output_dim: int):
    hidden = args.hidden if len(args.hidden) > 1 else args.hidden[0]
    output = None if args.output_activation == "adaptive" else args.output_activation
    return build_joint_mlp(
        input_dim,
        hidden,
        output_dim,
        rule=rule,
        activation=args.activation,
        ip_rate=args.ip_rate,
        target_mean=args.target_mean,
        output_activation=output,
    )


def train_rule(args, rule, initial_weights, data):
    x, y, x_test, y_test = data
    model = build(args, rule, x.shape[1], y.shape[1])
    model.set_weights(initial_weights)
    model.compile(
        optimizer=keras.optimizers.SGD(args.lr, momentum=args.momentum),
        loss=SquaredError() if args.loss == "squared_error" else "mse",
        steps_per_execution=args.steps_per_execution,
    )
    curve = TestErrorCurve(x_test, y_test)
    stats = ActivationStats(x[:2000])
    callbacks = [stats, curve]
    if args.ip_schedule == "linear" and any(layer.plastic for layer in model.adaptive_layers):
        schedule = linear_decay(args.ip_decay_epochs or args.epochs, args.ip_final_fraction)
        callbacks.append(IPRateScheduler(schedule))
    start = time.perf_counter()
    history = model.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=callbacks,
        verbose=0,
    ).history
    logs = {
        "loss": history["loss"],
        "test_error": curve.errors,
        "hidden_entropy": history["adaptive_1/entropy"],
        "hidden_saturation": history["adaptive_1/saturation"],
    }
    result = {
        "rule": rule,
        "test_error": curve.errors[-1],
        "train_error": error_percent(model, x, y),
        "final_loss": float(history["loss"][-1]),
        "hidden_entropy": float(history["adaptive_1/entropy"][-1]),
        "hidden_saturation": float(history["adaptive_1/saturation"][-1]),
        "hidden_slope": float(history["adaptive_1/slope"][-1]),
        "seconds": time.perf_counter() - start,
    }
    return result, logs


def summarise(runs: list[dict], rules: list[str]) -> list[dict]:
    rows = []
    for rule in rules:
        mine = [r for r in runs if r["rule"] == rule]
        test = np.array([r["test_error"] for r in mine])
        row = {
            "rule": rule,
            "test_avg": float(test.mean()),
            "test_std": float(test.std(ddof=1)) if len(test) > 1 else 0.0,
        }
        for key in ("train_error", "final_loss", "hidden_entropy", "hidden_saturation"):
            row[f"{key}_avg"] = float(np.mean([r[key] for r in mine]))
        row["repetitions"] = len(mine)
        rows.append(row)
    return rows


def plot_curves(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("loss", "training loss (task)", "log"),
        ("test_error", "test error (%)", "linear"),
        ("hidden_entropy", "hidden output entropy (nats)", "linear"),
        ("hidden_saturation", "hidden saturation (y<0.02 or y>0.98)", "linear"),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(19, 4))
    for ax, (key, label, scale) in zip(axes, panels, strict=True):
        for rule, runs in curves.items():
            values = np.mean([run[key] for run in runs], axis=0)
            steps = np.arange(1, len(values) + 1)
            marker = "o" if len(values) <= 20 else None
            ax.plot(steps, values, label=rule, color=COLORS[rule], marker=marker)
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.set_yscale(scale)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> dict:
    from tqdm import tqdm

    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs, curves = [], {rule: [] for rule in args.rules}
    progress = tqdm(total=args.repetitions * len(args.rules), desc=args.dataset, unit="run")
    for repetition in range(args.repetitions):
        data = load_data(args, repetition)
        keras.utils.set_random_seed(repetition)
        initial_weights = build(args, "task", data[0].shape[1], data[1].shape[1]).get_weights()
        for rule in args.rules:
            keras.utils.set_random_seed(1000 + repetition)  # same batch order for every rule
            result, logs = train_rule(args, rule, initial_weights, data)
            result["repetition"] = repetition
            runs.append(result)
            curves[rule].append(logs)
            progress.set_postfix(rule=rule, test_error=f"{result['test_error']:.2f}%")
            progress.update()
    progress.close()

    summary = summarise(runs, args.rules)
    results = {"config": vars(args), "summary": summary, "runs": runs, "curves": curves}
    write_run_folder(out, results)
    concentrate = f", inputs in [{1 - args.concentrate:g}, 1]" if args.concentrate else ""
    title = (
        f"{args.dataset}{concentrate}: hidden={args.hidden}, {args.epochs} epochs, "
        f"ip_rate={args.ip_rate} ({args.ip_schedule}), lr={args.lr}, R={args.repetitions}"
    )
    plot_curves(curves, out / "curves.png", title)

    print(f"\n{args.dataset}{concentrate}: over {args.repetitions} repetitions")
    print(f"{'rule':8s} {'test err %':>14s} {'train loss':>11s} {'entropy':>8s} {'saturated':>9s}")
    for row in summary:
        print(
            f"{row['rule']:8s} {row['test_avg']:7.2f} ± {row['test_std']:4.2f} "
            f"{row['final_loss_avg']:11.4f} {row['hidden_entropy_avg']:8.3f} "
            f"{row['hidden_saturation_avg']:9.3f}"
        )
    print(f"results in {out}/")
    return results


if __name__ == "__main__":
    main()
