"""The BP lecture's remedies for overfitting (seed 002): its L2 objective and its early stopping.

The lecture's E = λ (1/m) Σ E_k + (1 − λ) Σ w² as `build_lecture_mlp(..., lam=λ)` (that is
`lecture_l2(λ)` on every kernel and bias) for a few λ, on the first `--train-size` training
images of digits; and its two early-stopping rules as `keras.callbacks.EarlyStopping`: on
`val_loss` (a random 20 % held out) and on the training loss ("E changed by less than b for a
rounds"). Reports E, Σ w², training and test error at the end, mean ± std over the seeds.

    mlzoo run bp_regularization                   # digits, 300 images, 3 seeds, ~1 min
    mlzoo run bp_regularization --quick
"""

from __future__ import annotations

import math

import keras
import numpy as np

from mlzoo.models.lecture_mlp import build_lecture_mlp
from zoo_scripts._args import ExperimentParser
from zoo_scripts._bp_lecture import lecture_error, training_batches
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, summarise, write_results
from zoo_scripts._shared import load_classification


def squared_weights(model: keras.Model) -> float:
    """The lecture's Σ w_i² over all connection weights and thresholds."""
    return float(sum(np.sum(np.square(w, dtype="float64")) for w in model.get_weights()))


def arms(args) -> list[tuple[str, float, str | None]]:
    """(name, λ, early-stopping rule) of every arm."""
    found: list[tuple[str, float, str | None]] = [(f"λ={lam:g}", lam, None) for lam in args.lambdas]
    return found + [("early stop: val_loss", 1.0, "val"), ("early stop: loss", 1.0, "loss")]


def run_arm(data, seed: int, lam: float, stopping: str | None, args) -> dict:
    """Train one arm from seed `seed`; E, Σ w² and the errors at the end."""
    x, y, x_test, y_test = data
    rng = np.random.default_rng(seed)
    validation = rng.permutation(len(x))[: len(x) // 5]
    x_fit, y_fit, kwargs = x, y, {}
    if stopping == "val":
        fit_part = np.setdiff1d(np.arange(len(x)), validation)
        x_fit, y_fit = x[fit_part], y[fit_part]
        kwargs["validation_data"] = (x[validation], y[validation])
        kwargs["callbacks"] = [keras.callbacks.EarlyStopping(
            "val_loss", patience=args.val_patience, restore_best_weights=True)]
    elif stopping == "loss":
        kwargs["callbacks"] = [keras.callbacks.EarlyStopping(
            "loss", min_delta=args.loss_min_delta, patience=args.loss_patience)]
    steps = math.ceil(len(x_fit) / args.batch_size)
    keras.utils.set_random_seed(seed)
    model = build_lecture_mlp(x.shape[1], args.hidden, y.shape[1], lam=lam,
                              learning_rate=args.learning_rate, steps_per_execution=steps)
    history = model.fit(
        training_batches(x_fit, y_fit, args.batch_size, seed),
        steps_per_epoch=steps,
        epochs=args.epochs,
        shuffle=False,
        verbose=0,
        **kwargs,
    )
    energy, train_error = lecture_error(model, x, y)
    _, test_error = lecture_error(model, x_test, y_test)
    weights = squared_weights(model)
    return {
        "lambda": lam,
        "l2": (1 - lam) / lam,
        "seed": seed,
        "epochs": len(history.history["loss"]),
        "train_E": energy,
        "objective_E": lam * energy + (1 - lam) * weights,
        "sum_w2": weights,
        "train_error": train_error,
        "test_error": test_error,
    }


def arms_table(results: dict) -> list[dict]:
    """docs/bp_variants.md: every arm at the end of training; the best test error in bold."""
    config, summary = results["config"], results["summary"]
    names = {
        "λ=1": "λ = 1 (no penalty)",
        "early stop: val_loss": f"early stopping on val_loss (patience {config['val_patience']})",
        "early stop: loss": f"early stopping on loss (a = {config['loss_patience']}, "
        f"b = {config['loss_min_delta']:.0e})".replace("e-0", "e-"),
    }
    best = min(r["test_error"] for r in summary)
    table = []
    for r in summary:
        l2 = "0" if r["l2"] == 0 else f"{r['l2']:.0e}".replace("e-0", "e-")
        test = f"{r['test_error']:.2f}"
        table.append({
            "arm": names.get(r["arm"], r["arm"].replace("=", " = ")),
            "L2 factor (1 − λ)/λ": l2,
            "epochs": f"{r['epochs']:.0f}",
            "training E": f"{r['train_E']:.4f}",
            "Σ w²": f"{r['sum_w2']:,.0f}",
            "train err %": f"{r['train_error']:.2f}",
            "test err % (mean ± std)": (f"**{test}**" if r["test_error"] == best else test)
            + f" ± {r['test_error_std']:.2f}",
        })
    return table


def main(argv=None) -> dict:
    parser = ExperimentParser("bp_regularization", __doc__, dataset="digits", seeds=[0, 1, 2],
                              epochs=300, batch_size=10)
    parser.add_argument("--train-size", type=int, default=300,
                        help="the first N training samples (0: all)")
    parser.add_argument("--hidden", type=int, default=30, help="hidden sigmoid units")
    parser.add_argument("--learning-rate", type=float, default=3.0, help="η of plain SGD")
    parser.add_argument("--lambdas", type=float, nargs="+",
                        default=[1.0, 1 - 1e-6, 1 - 1e-5, 1 - 1e-4, 1 - 1e-3])
    parser.add_argument("--val-patience", type=int, default=10)
    parser.add_argument("--loss-patience", type=int, default=5, help="a of the lecture's rule")
    parser.add_argument("--loss-min-delta", type=float, default=1e-4,
                        help="b of the lecture's rule")
    args = parser.parse(argv, quick={
        "seeds": [0, 1], "epochs": 3, "train_size": 200, "lambdas": [1.0, 0.999],
    })
    if any(not 0 < lam <= 1 for lam in args.lambdas):
        parser.error("--lambdas must lie in (0, 1]")
    if min(args.hidden, args.val_patience, args.loss_patience) < 1 or args.train_size < 0:
        parser.error("--hidden and the patiences must be >= 1, --train-size >= 0")
    x, y, x_test, y_test, _ = load_classification(args.dataset, args.data_dir)
    if args.train_size:
        x, y = x[: args.train_size], y[: args.train_size]
    jobs = [(seed, arm) for seed in args.seeds for arm in arms(args)]
    runs = []
    for seed, (arm, lam, stopping) in progress(jobs, desc="bp_regularization"):
        runs.append({"arm": arm, **run_arm((x, y, x_test, y_test), seed, lam, stopping, args)})
    summary = []
    for arm, lam, _ in arms(args):
        rows = [r for r in runs if r["arm"] == arm]
        metrics = ("epochs", "train_E", "sum_w2", "train_error", "test_error")
        stats = summarise(rows, metrics)
        row = {"arm": arm, "lambda": lam, "l2": round((1 - lam) / lam, 8), "seeds": stats["n"]}
        for key in metrics:
            row[key] = round(stats[f"{key}_mean"], 4)
            row[key + "_std"] = round(stats[f"{key}_std"], 4)
        summary.append(row)
        print(f"{arm}: {row['epochs']:.0f} epochs, E {row['train_E']:.4f}, "
              f"Σw² {row['sum_w2']:.0f}, test error {pm(row['test_error'], row['test_error_std'])}")
    results = {"config": vars(args), "summary": summary, "runs": runs}
    write_results(args.out, "regularization", results, tables={"summary": summary, "runs": runs})
    return results


if __name__ == "__main__":
    main()
