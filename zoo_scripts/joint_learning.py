"""Joint learning (seed 001): fixed, infomax, joint, task (and Triesch) activations compared.

For each seed one network is initialised and every rule trains a copy of those SAME
initial weights on the same batch order (the rules share the variable layout). Reports
test error (mean ± std), the final training loss, and the first hidden layer's output
entropy and saturation; the run folder holds `joint_learning.json` (config, runs,
summary, curves), `joint_learning_summary.csv`, `joint_learning_runs.csv` and
`curves.png` (training loss like figure 4.1, test error, hidden entropy and saturation
per epoch). `--concentrate c` maps inputs to [1 - c, 1]: the seed's extreme case
(section 3) where a fixed sigmoid saturates.

    mlzoo run joint_learning --quick --out /tmp/jl          # seconds; digits, embedded
    mlzoo run joint_learning --dataset iris --epochs 100 --seeds 0-9 --split-per-seed
    mlzoo run joint_learning --concentrate 0.1              # inputs in [0.9, 1]
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np

from mlzoo import build_joint_mlp
from mlzoo.callbacks import ActivationStats, IPRateScheduler, linear_decay
from mlzoo.layers import AdaptiveSigmoid
from mlzoo.losses import SquaredError
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results
from zoo_scripts._shared import TestErrorCurve, cached_dataset, error_percent, load_classification

RULES = AdaptiveSigmoid.rules
COLORS = {"fixed": "black", "infomax": "tab:red", "joint": "tab:purple", "task": "tab:blue",
          "triesch": "tab:green"}
METRICS = ["test_error", "train_error", "final_loss", "hidden_entropy", "hidden_saturation"]


def parse_args(argv=None):
    parser = ExperimentParser(
        "joint_learning", __doc__, dataset="digits", seeds=[0, 1, 2], epochs=30,
        batch_size=32, steps_per_execution=32,
    )
    parser.add_argument("--hidden", type=int, nargs="+", default=[30], help="hidden widths")
    parser.add_argument(
        "--rules", nargs="+", default=["fixed", "infomax", "joint", "task"], choices=RULES
    )
    parser.add_argument("--activation", choices=["sigmoid", "tanh"], default="sigmoid")
    parser.add_argument(
        "--output-activation", default="adaptive",
        help="'adaptive' (figure 3.1) or a Keras activation for a plain output layer",
    )
    parser.add_argument("--ip-rate", type=float, default=0.01, help="relative to --lr")
    parser.add_argument(
        "--ip-schedule", choices=["constant", "linear"], default="constant",
        help="'linear': ip_rate falls linearly to 0 over --ip-decay-epochs (IPRateScheduler)",
    )
    parser.add_argument(
        "--ip-decay-epochs", type=int, default=None, help="default: --epochs (with 'linear')"
    )
    parser.add_argument(
        "--ip-final-fraction", type=float, default=0.0,
        help="with 'linear': the rate after the decay, as a fraction of --ip-rate",
    )
    parser.add_argument("--target-mean", type=float, default=0.2, help="μ of 'triesch'")
    parser.add_argument("--loss", choices=["mse", "squared_error"], default="mse")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument(
        "--concentrate", type=float, default=None, help="map inputs to [1 - c, 1] (section 3)"
    )
    parser.add_argument(
        "--split-per-seed", action="store_true",
        help="a new split of sets without an official one for every seed (else split seed 0)",
    )
    args = parser.parse(argv, quick={"seeds": [0], "epochs": 3})
    if min(args.hidden) < 1:
        parser.error("--hidden widths must be >= 1")
    if args.ip_decay_epochs is not None and args.ip_decay_epochs < 1:
        parser.error("--ip-decay-epochs must be >= 1")
    if not 0 <= args.ip_final_fraction <= 1:
        parser.error("--ip-final-fraction must be in [0, 1]")
    if args.concentrate is not None and not 0 < args.concentrate <= 1:
        parser.error("--concentrate must be in (0, 1]")
    if args.activation == "tanh" and "triesch" in args.rules:
        parser.error("--rules triesch needs --activation sigmoid")
    return args


def load_data(args, seed: int):
    """`x, y, x_test, y_test`; inputs mapped to [1 - c, 1] under `--concentrate c`."""
    split_seed = seed if args.split_per_seed else 0
    x, y, x_test, y_test, _ = load_classification(args.dataset, args.data_dir, split_seed)
    if args.concentrate:
        x, x_test = (1.0 - args.concentrate * (1.0 - v) for v in (x, x_test))
    return x, y, x_test, y_test


def build(args, rule: str, input_dim: int, output_dim: int):
    hidden = args.hidden if len(args.hidden) > 1 else args.hidden[0]
    output = None if args.output_activation == "adaptive" else args.output_activation
    return build_joint_mlp(
        input_dim, hidden, output_dim, rule=rule, activation=args.activation,
        ip_rate=args.ip_rate, target_mean=args.target_mean, output_activation=output,
    )


def train_rule(args, rule: str, seed: int, initial_weights, data):
    """Train one rule from `initial_weights`: its run row and per-epoch curves."""
    x, y, x_test, y_test = data
    model = build(args, rule, x.shape[1], y.shape[1])
    model.set_weights(initial_weights)
    model.compile(
        optimizer=keras.optimizers.SGD(args.lr, momentum=args.momentum),
        loss=SquaredError() if args.loss == "squared_error" else "mse",
        steps_per_execution=args.steps_per_execution,
    )
    curve = TestErrorCurve(x_test, y_test)
    callbacks = [ActivationStats(x[:2000]), curve]
    if args.ip_schedule == "linear" and any(layer.plastic for layer in model.adaptive_layers):
        schedule = linear_decay(args.ip_decay_epochs or args.epochs, args.ip_final_fraction)
        callbacks.append(IPRateScheduler(schedule))
    keras.utils.set_random_seed(1000 + seed)
    batches = cached_dataset(x, y, args.batch_size, seed=1000 + seed)
    start = time.perf_counter()
    history = model.fit(
        batches, epochs=args.epochs, callbacks=callbacks, shuffle=False, verbose=0
    ).history
    curves = {
        "loss": history["loss"],
        "test_error": curve.errors,
        "hidden_entropy": history["adaptive_1/entropy"],
        "hidden_saturation": history["adaptive_1/saturation"],
    }
    result = {
        "seed": seed,
        "rule": rule,
        "test_error": curve.errors[-1],
        "train_error": error_percent(model, x, y),
        "final_loss": float(history["loss"][-1]),
        "hidden_entropy": float(history["adaptive_1/entropy"][-1]),
        "hidden_saturation": float(history["adaptive_1/saturation"][-1]),
        "hidden_slope": float(history["adaptive_1/slope"][-1]),
        "seconds": time.perf_counter() - start,
    }
    return result, curves


def plot_curves(curves: dict[str, list[dict]], path: Path, title: str) -> None:
    panels = [
        ("loss", "training loss (task)", "log"),
        ("test_error", "test error (%)", "linear"),
        ("hidden_entropy", "hidden output entropy (nats)", "linear"),
        ("hidden_saturation", "hidden saturation (y<0.02 or y>0.98)", "linear"),
    ]
    figure, axes = pyplot().subplots(1, 4, figsize=(19, 4))
    for axis, (key, label, scale) in zip(axes, panels, strict=True):
        for rule, runs in curves.items():
            values = np.mean([run[key] for run in runs], axis=0)
            steps = np.arange(1, len(values) + 1)
            marker = "o" if len(values) <= 20 else None
            axis.plot(steps, values, label=rule, color=COLORS[rule], marker=marker)
        axis.set_title(label)
        axis.set_xlabel("epoch")
        axis.set_yscale(scale)
        axis.grid(alpha=0.3)
    axes[0].legend()
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path)


def main(argv=None) -> dict:
    args = parse_args(argv)
    runs, curves = [], {rule: [] for rule in args.rules}
    bar = progress(total=len(args.seeds) * len(args.rules), desc=args.dataset)
    for seed in args.seeds:
        data = load_data(args, seed)
        keras.utils.set_random_seed(seed)
        initial_weights = build(args, "task", data[0].shape[1], data[1].shape[1]).get_weights()
        for rule in args.rules:
            result, logs = train_rule(args, rule, seed, initial_weights, data)
            runs.append(result)
            curves[rule].append(logs)
            bar.set_postfix(rule=rule, test_error=f"{result['test_error']:.2f}%")
            bar.update()
    bar.close()

    summary = [
        {"rule": rule, **summarise([r for r in runs if r["rule"] == rule], METRICS)}
        for rule in args.rules
    ]
    results = {"config": vars(args), "summary": summary, "runs": runs, "curves": curves}
    write_results(args.out, "joint_learning", results, {"summary": summary, "runs": runs})
    concentrate = f", inputs in [{1 - args.concentrate:g}, 1]" if args.concentrate else ""
    title = (
        f"{args.dataset}{concentrate}: hidden={args.hidden}, {args.epochs} epochs, "
        f"ip_rate={args.ip_rate} ({args.ip_schedule}), lr={args.lr}, seeds={len(args.seeds)}"
    )
    plot_curves(curves, args.out / "curves.png", title)

    print(f"\n{args.dataset}{concentrate}: seeds {args.seeds}")
    print(f"{'rule':8s} {'test err %':>14s} {'train loss':>11s} {'entropy':>8s} {'saturated':>9s}")
    for row in summary:
        print(
            f"{row['rule']:8s} {row['test_error_mean']:7.2f} ± {row['test_error_std']:4.2f} "
            f"{row['final_loss_mean']:11.4f} {row['hidden_entropy_mean']:8.3f} "
            f"{row['hidden_saturation_mean']:9.3f}"
        )
    print(f"results in {args.out}/")
    return results


# Renderers of the docs tables (docs/benchmarks.md, "Adaptive activations"; files in
# docs/results/joint/). Rules appear in the library's order (`AdaptiveSigmoid.rules`).


def _cell(row: dict) -> str:
    """test error % (mean ± std) / final task loss / hidden entropy (nats)."""
    return (f"{pm(row['test_error_mean'], row['test_error_std'])} / "
            f"{row['final_loss_mean']:.4f} / {row['hidden_entropy_mean']:.2f}")


def _by_rule(summary: list[dict]) -> dict[str, dict]:
    rows = {row["rule"]: row for row in summary}
    return {rule: rows[rule] for rule in RULES if rule in rows}


def rules_table(*summaries: list[dict], datasets: str) -> list[dict]:
    """A row per dataset (one summary each), a `_cell` per rule."""
    return [
        {"dataset": name, **{rule: _cell(row) for rule, row in _by_rule(summary).items()}}
        for name, summary in zip(datasets.split(","), summaries, strict=True)
    ]


def schedule_table(*summaries: list[dict], datasets: str, epochs: str, batch: str) -> list[dict]:
    """A row per dataset from two summaries, constant then decaying ip_rate: `_cell` per rule.

    Both runs share `fixed` (same seeds, no plasticity): checked, shown once.
    """
    constant, decay = summaries[0::2], summaries[1::2]
    table = []
    for name, e, b, flat, falling in zip(datasets.split(","), epochs.split(","),
                                         batch.split(","), constant, decay, strict=True):
        flat, falling = _by_rule(flat), _by_rule(falling)
        if falling.pop("fixed", flat["fixed"]) != flat["fixed"]:
            raise ValueError(f"{name}: the two runs' `fixed` rows differ: not the same seeds")
        table.append({
            "dataset": name, "budget": f"{e} ep, batch {b}",
            **{rule: _cell(row) for rule, row in flat.items()},
            **{f"{rule}, decay": _cell(row) for rule, row in falling.items()},
        })
    return table


def concentrated_table(summary: list[dict]) -> list[dict]:
    """A row per rule: test error %, final task loss, hidden entropy and saturated share."""
    return [
        {
            "rule": rule,
            "test error %": pm(row["test_error_mean"], row["test_error_std"]),
            "final task loss": f"{row['final_loss_mean']:.4f}",
            "hidden entropy (nats)": f"{row['hidden_entropy_mean']:.2f}",
            "saturated": f"{row['hidden_saturation_mean']:.3f}",
        }
        for rule, row in _by_rule(summary).items()
    ]


if __name__ == "__main__":
    main()
