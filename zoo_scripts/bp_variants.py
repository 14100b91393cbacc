"""BP variants and the BP lecture's tricks (seed 002): batch size, early stopping, L2, local minima.

Three parts, each writing CSV/JSON tables and PNGs under --out:

variants        standard BP (batch 1), mini-batches (10, 100) and accumulated BP (the whole
                training set) on digits and waveform: plain SGD, a sigmoid d-30-C network, the
                lecture's squared error E_k = ½ Σ_j (ŷ_j − y_j)². Every run gets the same
                training-time budget; E (the accumulated error), training and test error are
                recorded against passes over the data and against seconds. Learning rates:
                "tuned" (best of a grid per batch size, on a separate seed) and "same" (standard
                BP's tuned rate for every batch size, the lecture's fixed η).
regularization  the lecture's E = λ (1/m) Σ E_k + (1 − λ) Σ w² as `lecture_l2(λ)` on every
                kernel and bias, for a few λ on digits; and its two early-stopping rules as
                `keras.callbacks.EarlyStopping`.
xor             XOR with two sigmoid hidden units (full batch), 50 seeds: plain BP, BP with
                `PlateauPerturbation` (random perturbation; annealed with revert-if-worse) and
                random restarts on the lecture's "loss changed < b for a rounds" rule, all with
                the same budget of updates.

    python -m zoo_scripts.bp_variants                       # all three, ~10 min on 2 cores
    python -m zoo_scripts.bp_variants --parts xor
    python -m zoo_scripts.bp_variants --quick               # seconds
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlzoo import datasets
from mlzoo.callbacks.plateau_perturbation import PlateauPerturbation
from mlzoo.callbacks.stopping import TargetReached
from mlzoo.regularization import lecture_l2

PARTS = ("variants", "regularization", "xor")
XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
XOR_TARGETS = np.array([[0], [1], [1], [0]], "float32")


# ---------------------------------------------------------------- the lecture's network and BP


def lecture_mlp(d: int, hidden: int, outputs: int, regularizer=None) -> keras.Model:
    """The lecture's d-q-l network: sigmoid hidden and output units (biases = thresholds)."""
    dense = dict(activation="sigmoid", kernel_regularizer=regularizer, bias_regularizer=regularizer)
    return keras.Sequential(
        [
            keras.Input((d,)),
            keras.layers.Dense(hidden, **dense),
            keras.layers.Dense(outputs, **dense),
        ]
    )


def compile_lecture_bp(model: keras.Model, learning_rate: float, steps_per_execution: int = 1):
    """Plain SGD on the lecture's E_k = ½ Σ_j (ŷ_j − y_j)²: Keras "mse" (a mean over the l
    outputs) weighted by l/2, so `loss` in the logs is the mean E_k, the accumulated error."""
    outputs = model.output_shape[-1]
    model.compile(
        keras.optimizers.SGD(learning_rate),
        loss="mse",
        loss_weights=outputs / 2,
        metrics=["binary_accuracy"] if outputs == 1 else None,
        steps_per_execution=steps_per_execution,
    )


def lecture_error(model: keras.Model, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean E_k, classification error %) of the current weights on a whole set."""
    scores = keras.ops.convert_to_numpy(model(x, training=False))
    energy = float(np.mean(0.5 * np.sum(np.square(scores - y), axis=1)))
    if y.shape[1] == 1:
        wrong = (scores[:, 0] > 0.5) != (y[:, 0] > 0.5)
    else:
        wrong = scores.argmax(1) != y.argmax(1)
    return energy, float(100.0 * np.mean(wrong))


def squared_weights(model: keras.Model) -> float:
    """The lecture's Σ w_i² over all connection weights and thresholds."""
    return float(sum(np.sum(np.square(w, dtype="float64")) for w in model.get_weights()))


def training_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """Endless passes over (x, y) in batches, reshuffled every pass (one batch: no shuffle).

    The shuffle runs over indices and each batch is gathered at once, so the input pipeline
    costs about the same per pass for every batch size.
    """
    if batch_size >= len(x):
        return tf.data.Dataset.from_tensors((x, y)).repeat()
    inputs, targets = tf.constant(x), tf.constant(y)
    return (
        tf.data.Dataset.range(len(x))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .map(lambda index: (tf.gather(inputs, index), tf.gather(targets, index)))
        .repeat()
        .prefetch(8)
    )


def initial_weights(d: int, hidden: int, outputs: int, seed: int) -> list[np.ndarray]:
    """Keras's default initial weights (Glorot uniform, zero thresholds) for one seed."""
    keras.utils.set_random_seed(seed)
    return lecture_mlp(d, hidden, outputs).get_weights()


def load(name: str, data_dir: str | None):
    (x, labels), (x_test, labels_test) = datasets.load(name, data_dir, scale=True)
    classes = int(max(labels.max(), labels_test.max())) + 1
    return (
        x.astype("float32"),
        datasets.one_hot(labels, classes).astype("float32"),
        x_test.astype("float32"),
        datasets.one_hot(labels_test, classes).astype("float32"),
    )


def write_rows(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)


def mean_std(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=float)
    std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return float(values.mean()), std


def plt_module():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


# ------------------------------------------------------------------------------- part 1: variants


class ErrorCurve(keras.callbacks.Callback):
    """E and training/test error at geometrically spaced epochs; stops after `seconds` of
    training (the time inside `fit`'s epochs; these evaluations are not counted)."""

    def __init__(self, data, passes_per_epoch: int, seconds: float, growth: float = 1.15):
        super().__init__()
        self.x, self.y, self.x_test, self.y_test = data
        self.passes_per_epoch, self.seconds, self.growth = passes_per_epoch, seconds, growth

    def on_train_begin(self, logs=None):
        self.rows, self.elapsed, self.next_epoch, self.epochs = [], 0.0, 1, 0
        self._record()

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.elapsed += time.perf_counter() - self._start
        self.epochs = epoch + 1
        diverged = not np.isfinite((logs or {}).get("loss", 0.0))
        if self.elapsed >= self.seconds or diverged:
            self.model.stop_training = True
        if self.model.stop_training or self.epochs >= self.next_epoch:
            self._record()
            self.next_epoch = max(self.epochs + 1, math.ceil(self.epochs * self.growth))

    def on_train_end(self, logs=None):
        if self.rows[-1]["passes"] != self.epochs * self.passes_per_epoch:
            self._record()

    def _record(self):
        energy, train_error = lecture_error(self.model, self.x, self.y)
        _, test_error = lecture_error(self.model, self.x_test, self.y_test)
        self.rows.append(
            {
                "passes": self.epochs * self.passes_per_epoch,
                "seconds": round(self.elapsed, 4),
                "train_E": energy if np.isfinite(energy) else float("nan"),
                "train_error": train_error,
                "test_error": test_error,
            }
        )


def epoch_layout(n: int, batch_size: int, min_updates: int) -> tuple[int, int]:
    """(passes per Keras epoch, steps per Keras epoch = steps_per_execution).

    One Keras epoch is whole passes over the data and at least `min_updates` updates, all in
    one `steps_per_execution` call; so a small batch runs one pass per call and the full batch
    `min_updates` passes per call.
    """
    steps_per_pass = math.ceil(n / batch_size)
    passes = max(1, math.ceil(min_updates / steps_per_pass))
    return passes, passes * steps_per_pass


class Variant:
    """One batch size on one dataset: a compiled network reused for every rate and seed (the
    train step is traced once, in a warm-up call, so no timed run pays for tracing)."""

    def __init__(self, data, hidden: int, batch_size: int, min_updates: int, max_passes: int):
        self.data, self.batch_size = data, batch_size
        x, y = data[0], data[1]
        self.passes, self.steps = epoch_layout(len(x), batch_size, min_updates)
        self.max_epochs = max(1, math.ceil(max_passes / self.passes))
        self.model = lecture_mlp(x.shape[1], hidden, y.shape[1])
        compile_lecture_bp(self.model, 0.1, steps_per_execution=self.steps)
        self.model.fit(self._batches(0), steps_per_epoch=self.steps, shuffle=False, verbose=0)

    def _batches(self, seed: int) -> tf.data.Dataset:
        return training_batches(self.data[0], self.data[1], self.batch_size, seed)

    def train(self, lr: float, weights, seed: int, seconds: float) -> list[dict]:
        """Curve rows of one run from `weights` with rate `lr` for `seconds` of training."""
        self.model.set_weights(weights)
        self.model.optimizer.learning_rate = lr
        curve = ErrorCurve(self.data, self.passes, seconds)
        self.model.fit(
            self._batches(seed),
            steps_per_epoch=self.steps,
            epochs=self.max_epochs,
            shuffle=False,  # the dataset reshuffles every pass itself
            verbose=0,
            callbacks=[curve],
        )
        return curve.rows


def time_to_level(rows: list[dict], level: float) -> float | None:
    """Training seconds at the first evaluation with E <= level (None: never)."""
    return next((r["seconds"] for r in rows if r["train_E"] <= level), None)


def plateau_time(rows: list[dict], fraction: float = 0.9) -> float:
    """Seconds until a curve has made `fraction` of its total decrease of E."""
    start, end = rows[0]["train_E"], rows[-1]["train_E"]
    level = end + (1 - fraction) * (start - end)
    return next(r["seconds"] for r in rows if r["train_E"] <= level)


def variants(args, out: Path) -> dict:
    runs, curves, tuning = [], [], []
    for name in args.datasets:
        x, y, x_test, y_test = load(name, args.data_dir)
        n, d, outputs = len(x), x.shape[1], y.shape[1]
        data = (x, y, x_test, y_test)
        seeds = list(range(args.seeds))
        starts = {seed: initial_weights(d, args.hidden, outputs, seed) for seed in seeds}
        tuning_start = initial_weights(d, args.hidden, outputs, args.tuning_seed)
        rates: dict[int, float] = {}
        for batch in sorted(min(b, n) if b > 0 else n for b in args.batch_sizes):
            variant = Variant(data, args.hidden, batch, args.min_updates, args.max_passes)
            steps = variant.steps

            energies = {}
            for lr in args.learning_rates:
                rows = variant.train(lr, tuning_start, args.tuning_seed, args.tuning_seconds)
                energies[lr] = rows[-1]["train_E"] if np.isfinite(rows[-1]["train_E"]) else np.inf
                tuning.append(
                    {"dataset": name, "batch_size": batch, "lr": lr, "train_E": energies[lr]}
                )
            rates[batch] = min(energies, key=energies.get)
            settings = {"tuned": rates[batch], "same": rates[min(rates)]}
            print(
                f"{name} batch {batch}: steps_per_execution {steps}, tuning E "
                + ", ".join(f"η={lr:g}: {e:.4f}" for lr, e in energies.items())
                + f" -> η={rates[batch]:g}",
                flush=True,
            )
            for setting, lr in settings.items():
                if setting == "same" and lr == settings["tuned"]:
                    # the same rate as the tuned runs: the same runs (time aside)
                    copies = [dict(r, setting="same") for r in runs[-len(seeds) :]]
                    runs += copies
                    curves += [dict(c, setting="same") for c in curves[-len(seeds) :]]
                    continue
                for seed in seeds:
                    rows = variant.train(lr, starts[seed], seed, args.seconds)
                    last = rows[-1]
                    runs.append(
                        {
                            "dataset": name,
                            "setting": setting,
                            "batch_size": batch,
                            "full_batch": batch == n,
                            "lr": lr,
                            "steps_per_execution": steps,
                            "seed": seed,
                            "passes": last["passes"],
                            "updates": last["passes"] * math.ceil(n / batch),
                            "seconds": last["seconds"],
                            "final_train_E": last["train_E"],
                            "final_train_error": last["train_error"],
                            "final_test_error": last["test_error"],
                            "best_test_error": min(r["test_error"] for r in rows),
                        }
                    )
                    curves.append(
                        {
                            **{k: runs[-1][k] for k in ("dataset", "setting")},
                            **{"batch_size": batch, "seed": seed, "rows": rows},
                        }
                    )
                print(
                    f"  {setting} η={lr:g}: E "
                    + " ".join(f"{r['final_train_E']:.4f}" for r in runs[-len(seeds) :])
                    + ", test error "
                    + " ".join(f"{r['final_test_error']:.2f}" for r in runs[-len(seeds) :])
                    + f", {runs[-1]['passes']} passes",
                    flush=True,
                )
    summary = summarise_variants(runs, curves)
    plot_variants(out, curves)
    return {"summary": summary, "runs": runs, "tuning": tuning, "curves": curves}


def summarise_variants(runs: list[dict], curves: list[dict]) -> list[dict]:
    """Per dataset, setting and batch size; the full-batch run of the same seed and setting
    gives the level ("full_level": its final E) every other run is timed to."""
    curve_of = {(c["dataset"], c["setting"], c["batch_size"], c["seed"]): c["rows"] for c in curves}
    full = {(r["dataset"], r["setting"], r["seed"]): r for r in runs if r["full_batch"]}
    summary = []
    groups = dict.fromkeys((r["dataset"], r["setting"], r["batch_size"]) for r in runs)
    for dataset, setting, batch in groups:
        rows = [
            r
            for r in runs
            if (r["dataset"], r["setting"], r["batch_size"]) == (dataset, setting, batch)
        ]
        row = {
            "dataset": dataset,
            "setting": setting,
            "batch_size": batch,
            "lr": rows[0]["lr"],
            "steps_per_execution": rows[0]["steps_per_execution"],
            "seeds": len(rows),
            "passes": round(float(np.mean([r["passes"] for r in rows])), 1),
            "updates": round(float(np.mean([r["updates"] for r in rows]))),
            "seconds": round(float(np.mean([r["seconds"] for r in rows])), 2),
        }
        for key in ("final_train_E", "final_train_error", "final_test_error", "best_test_error"):
            mean, std = mean_std([r[key] for r in rows])
            digits = 4 if key == "final_train_E" else 2
            row[key], row[key + "_std"] = round(mean, digits), round(std, digits)
        times, below, plateaus = [], [], []
        for r in rows:
            reference = full.get((dataset, setting, r["seed"]))
            if reference is None:
                continue
            level = reference["final_train_E"]
            times.append(time_to_level(curve_of[(dataset, setting, batch, r["seed"])], level))
            below.append(r["final_train_E"] < level)
            full_rows = curve_of[(dataset, setting, reference["batch_size"], r["seed"])]
            plateaus.append(plateau_time(full_rows))
        if rows[0]["full_batch"]:
            times, below = [], []  # the reference itself
        reached = [t for t in times if t is not None]
        row["reached_full_level"] = f"{len(reached)}/{len(times)}" if times else None
        row["seconds_to_full_level"] = round(float(np.mean(reached)), 2) if reached else None
        row["ends_below_full"] = f"{sum(below)}/{len(below)}" if below else None
        row["full_plateau_seconds"] = round(float(np.mean(plateaus)), 2) if plateaus else None
        summary.append(row)
    return summary


def plot_variants(out: Path, curves: list[dict]) -> None:
    plt = plt_module()
    colours = {}
    palette = ["#c0392b", "#e67e22", "#27ae60", "#2c3e80", "#8e44ad", "#7f8c8d"]
    for dataset, setting in dict.fromkeys((c["dataset"], c["setting"]) for c in curves):
        chosen = [c for c in curves if (c["dataset"], c["setting"]) == (dataset, setting)]
        batches = sorted({c["batch_size"] for c in chosen})
        full = max(batches)
        colours = {b: palette[i % len(palette)] for i, b in enumerate(batches)}
        figure, axes = plt.subplots(2, 2, figsize=(11, 7.5))
        for c in chosen:
            rows = [r for r in c["rows"] if r["passes"] > 0 and np.isfinite(r["train_E"])]
            label = None
            if c["seed"] == min(o["seed"] for o in chosen):
                label = (
                    "full batch (accumulated BP)"
                    if c["batch_size"] == full
                    else (
                        f"batch {c['batch_size']}"
                        + (" (standard BP)" if c["batch_size"] == 1 else "")
                    )
                )
            for row, key in enumerate(("train_E", "test_error")):
                for column, xkey in enumerate(("passes", "seconds")):
                    axes[row, column].plot(
                        [r[xkey] for r in rows],
                        [r[key] for r in rows],
                        color=colours[c["batch_size"]],
                        alpha=0.75,
                        lw=1.2,
                        label=label,
                    )
        for row, ylabel in enumerate(("training E (mean E_k)", "test error %")):
            for column, xlabel in enumerate(
                ("passes over the training set (epochs)", "training seconds")
            ):
                axis = axes[row, column]
                axis.set_xscale("log")
                axis.set_yscale("log" if row == 0 else "linear")
                axis.set_xlabel(xlabel)
                axis.set_ylabel(ylabel)
                axis.grid(alpha=0.3, which="both")
        axes[1, 1].set_ylim(0, None)
        axes[1, 0].set_ylim(0, None)
        axes[0, 0].legend(fontsize=8)
        rates = "η tuned per batch size" if setting == "tuned" else "standard BP's η for all"
        figure.suptitle(f"{dataset}: plain SGD, {rates}; one line per seed")
        figure.tight_layout()
        path = out / f"variants_{dataset}_{setting}.png"
        figure.savefig(path, dpi=90)
        plt.close(figure)
        print(f"wrote {path}")


# ------------------------------------------------------------------------- part 2: regularization


def regularization(args, out: Path) -> dict:
    x, y, x_test, y_test = load(args.reg_dataset, args.data_dir)
    if args.reg_train_size:
        x, y = x[: args.reg_train_size], y[: args.reg_train_size]
    n, d, outputs = len(x), x.shape[1], y.shape[1]
    runs = []
    arms = [(f"λ={lam:g}", lam, None) for lam in args.lambdas]
    arms += [("early stop: val_loss", 1.0, "val"), ("early stop: loss", 1.0, "loss")]
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        validation = rng.permutation(n)[: n // 5]
        fit_part = np.setdiff1d(np.arange(n), validation)
        for arm, lam, stopping in arms:
            x_fit, y_fit, kwargs = x, y, {}
            if stopping == "val":
                x_fit, y_fit = x[fit_part], y[fit_part]
                kwargs["validation_data"] = (x[validation], y[validation])
                kwargs["callbacks"] = [
                    keras.callbacks.EarlyStopping(
                        "val_loss", patience=args.val_patience, restore_best_weights=True
                    )
                ]
            elif stopping == "loss":
                kwargs["callbacks"] = [
                    keras.callbacks.EarlyStopping(
                        "loss", min_delta=args.loss_min_delta, patience=args.loss_patience
                    )
                ]
            fit_steps = math.ceil(len(x_fit) / args.reg_batch_size)
            keras.utils.set_random_seed(seed)
            model = lecture_mlp(d, args.hidden, outputs, lecture_l2(lam) if lam < 1 else None)
            compile_lecture_bp(model, args.reg_lr, steps_per_execution=fit_steps)
            history = model.fit(
                training_batches(x_fit, y_fit, args.reg_batch_size, seed),
                steps_per_epoch=fit_steps,
                epochs=args.reg_epochs,
                shuffle=False,
                verbose=0,
                **kwargs,
            )
            energy, train_error = lecture_error(model, x, y)
            _, test_error = lecture_error(model, x_test, y_test)
            weights = squared_weights(model)
            runs.append(
                {
                    "arm": arm,
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
            )
            print(f"regularization seed {seed} {arm}: {runs[-1]}", flush=True)
    summary = []
    for arm, lam, _ in arms:
        rows = [r for r in runs if r["arm"] == arm]
        row = {"arm": arm, "lambda": lam, "l2": round((1 - lam) / lam, 8), "seeds": len(rows)}
        for key in ("epochs", "train_E", "sum_w2", "train_error", "test_error"):
            mean, std = mean_std([r[key] for r in rows])
            row[key], row[key + "_std"] = round(mean, 4), round(std, 4)
        summary.append(row)
    return {"summary": summary, "runs": runs}


# ---------------------------------------------------------------------------------- part 3: XOR


def xor_arms(args) -> dict:
    plateau = dict(monitor="loss", patience=args.xor_patience, min_delta=args.xor_min_delta)
    return {
        "plain BP": None,
        "random perturbation": dict(plateau, scale=args.xor_scale),
        "annealed perturbation, revert if worse": dict(
            plateau, scale=args.xor_scale, decay=args.xor_decay, revert_after=args.xor_revert_after
        ),
        "random restarts": "restart",
    }


def xor(args, out: Path) -> dict:
    rounds, updates = args.xor_rounds, args.xor_updates_per_round
    data = tf.data.Dataset.from_tensors((XOR_INPUTS, XOR_TARGETS)).repeat()
    model = lecture_mlp(2, 2, 1)
    compile_lecture_bp(model, args.xor_lr, steps_per_execution=updates)

    def solved() -> bool:
        return lecture_error(model, XOR_INPUTS, XOR_TARGETS)[1] == 0.0

    def train(epochs, callbacks):
        history = model.fit(
            data,
            steps_per_epoch=updates,
            epochs=epochs,
            shuffle=False,
            verbose=0,
            callbacks=callbacks,
        )
        return len(history.history["loss"])

    runs = []
    for arm, config in xor_arms(args).items():
        start_time = time.perf_counter()
        for seed in range(args.xor_first_seed, args.xor_first_seed + args.xor_seeds):
            model.set_weights(initial_weights(2, 2, 1, seed))
            used, extra = 0, 0
            if config == "restart":
                while used < rounds:
                    rule = keras.callbacks.EarlyStopping(
                        "loss", min_delta=args.xor_min_delta, patience=args.xor_patience
                    )
                    used += train(rounds - used, [TargetReached("binary_accuracy", 1.0), rule])
                    if solved() or used >= rounds:
                        break
                    extra += 1
                    model.set_weights(initial_weights(2, 2, 1, 100_000 * (extra + 1) + seed))
            else:
                callbacks = [TargetReached("binary_accuracy", 1.0)]
                if config is not None:
                    callbacks.append(PlateauPerturbation(seed=seed, **config))
                used = train(rounds, callbacks)
                extra = callbacks[-1].perturbations if config is not None else 0
            energy, error = lecture_error(model, XOR_INPUTS, XOR_TARGETS)
            runs.append(
                {
                    "arm": arm,
                    "seed": seed,
                    "solved": error == 0.0,
                    "updates": used * updates,
                    "final_E": energy,
                    "perturbations_or_restarts": extra,
                }
            )
        rows = [r for r in runs if r["arm"] == arm]
        print(
            f"xor {arm}: solved {sum(r['solved'] for r in rows)}/{len(rows)} "
            f"({time.perf_counter() - start_time:.0f} s)",
            flush=True,
        )
    summary = []
    plain = {r["seed"]: r["solved"] for r in runs if r["arm"] == "plain BP"}
    for arm in xor_arms(args):
        rows = [r for r in runs if r["arm"] == arm]
        solved_count = sum(r["solved"] for r in rows)
        # the arms share each seed's initial weights: count the seeds that changed side
        gained = sum(r["solved"] and not plain[r["seed"]] for r in rows)
        lost = sum(plain[r["seed"]] and not r["solved"] for r in rows)
        low, high = wilson_interval(solved_count, len(rows))
        summary.append(
            {
                "arm": arm,
                "seeds": len(rows),
                "solved": solved_count,
                "solved_percent": round(100 * solved_count / len(rows), 1),
                "ci95_low": round(100 * low, 1),
                "ci95_high": round(100 * high, 1),
                "solved_here_not_by_plain": gained,
                "solved_by_plain_not_here": lost,
                "paired_p_value": round(sign_test(gained, lost), 4),
                "mean_updates": round(float(np.mean([r["updates"] for r in rows]))),
                "budget_updates": rounds * updates,
                "mean_perturbations_or_restarts": round(
                    float(np.mean([r["perturbations_or_restarts"] for r in rows])), 2
                ),
                "median_final_E": float(np.median([r["final_E"] for r in rows])),
            }
        )
    plot_xor(out, runs, rounds * updates)
    return {"summary": summary, "runs": runs}


def sign_test(gained: int, lost: int) -> float:
    """Exact two-sided p-value of McNemar's test: `gained` vs `lost` discordant seeds."""
    n = gained + lost
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(gained, lost) + 1)) / 2**n
    return min(1.0, 2 * tail)


def wilson_interval(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial proportion."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = (
        z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    )
    return max(0.0, centre - half), min(1.0, centre + half)


def plot_xor(out: Path, runs: list[dict], budget: int) -> None:
    plt = plt_module()
    figure, axis = plt.subplots(figsize=(6.5, 4.2))
    grid = np.linspace(0, budget, 201)
    for arm in dict.fromkeys(r["arm"] for r in runs):
        rows = [r for r in runs if r["arm"] == arm]
        done = np.array([r["updates"] if r["solved"] else np.inf for r in rows])
        axis.step(grid, [100 * np.mean(done <= g) for g in grid], where="post", label=arm)
    axis.set_xlabel("full-batch updates (all restarts together)")
    axis.set_ylabel("% of seeds with all 4 patterns right")
    axis.set_title(f"XOR, 2-2-1 sigmoid network, {len(rows)} seeds", fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    path = out / "xor_solved.png"
    figure.savefig(path, dpi=90)
    plt.close(figure)
    print(f"wrote {path}")


# ----------------------------------------------------------------------------------------- main


def run(args) -> dict:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"args": vars(args)}
    start = time.perf_counter()
    for part, function in (
        ("variants", variants),
        ("regularization", regularization),
        ("xor", xor),
    ):
        if part not in args.parts:
            continue
        part_start = time.perf_counter()
        results[part] = function(args, out)
        results[part]["wall_seconds"] = round(time.perf_counter() - part_start, 1)
        write_rows(out / f"{part}_summary.csv", results[part]["summary"])
        write_rows(out / f"{part}_runs.csv", results[part]["runs"])
        for row in results[part]["summary"]:
            print(row)
        if part == "variants":
            write_rows(out / "variants_tuning.csv", results[part]["tuning"])
            curves = results[part].pop("curves")
            (out / "variants_curves.json").write_text(json.dumps(curves, separators=(",", ":")))
        # one JSON per part, so a part can be rerun on its own
        record = {"args": vars(args), **results[part]}
        (out / f"{part}.json").write_text(json.dumps(record, indent=1, default=float))
    results["wall_seconds"] = round(time.perf_counter() - start, 1)
    print(f"total {results['wall_seconds']} s; wrote {out}/")
    return results


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    add("--data-dir", default=None)
    add("--seeds", type=int, default=3, help="seeds of the variants and regularization parts")
    add("--hidden", type=int, default=30)
    # variants
    add("--datasets", nargs="+", default=["digits", "waveform"])
    add("--batch-sizes", type=int, nargs="+", default=[1, 10, 100, 0], help="0: full batch")
    add("--learning-rates", type=float, nargs="+", default=[0.3, 1.0, 3.0, 10.0, 30.0])
    add("--seconds", type=float, default=4.0, help="training seconds per run")
    add("--tuning-seconds", type=float, default=1.5)
    add("--tuning-seed", type=int, default=100)
    add("--max-passes", type=int, default=1_000_000)
    add("--min-updates", type=int, default=64, help="updates per steps_per_execution call")
    # regularization
    add("--reg-dataset", default="digits")
    add("--reg-train-size", type=int, default=300, help="first N training samples (0: all)")
    add("--reg-batch-size", type=int, default=10)
    add("--reg-lr", type=float, default=3.0)
    add("--reg-epochs", type=int, default=300)
    add("--lambdas", type=float, nargs="+", default=[1.0, 1 - 1e-6, 1 - 1e-5, 1 - 1e-4, 1 - 1e-3])
    add("--val-patience", type=int, default=10)
    add("--loss-patience", type=int, default=5, help="a of the lecture's rule")
    add("--loss-min-delta", type=float, default=1e-4, help="b of the lecture's rule")
    # xor
    add("--xor-seeds", type=int, default=50)
    add("--xor-first-seed", type=int, default=1000)
    add("--xor-lr", type=float, default=1.0)
    add("--xor-rounds", type=int, default=50, help="budget, in rounds of full-batch updates")
    add("--xor-updates-per-round", type=int, default=200)
    add("--xor-patience", type=int, default=2)
    add("--xor-min-delta", type=float, default=1e-3)
    add("--xor-scale", type=float, default=1.0)
    add("--xor-decay", type=float, default=0.9)
    add("--xor-revert-after", type=int, default=5)
    add("--quick", action="store_true", help="seconds: tiny budgets, 2 seeds")
    add("--out", default="docs/results/bp_variants")
    args = parser.parse_args(argv)
    for name in (
        "seeds",
        "hidden",
        "reg_batch_size",
        "reg_epochs",
        "xor_seeds",
        "xor_rounds",
        "xor_updates_per_round",
        "xor_patience",
        "min_updates",
        "max_passes",
    ):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if any(b < 0 for b in args.batch_sizes):
        parser.error("--batch-sizes must be >= 0 (0: the whole training set)")
    if any(not 0 < lam <= 1 for lam in args.lambdas):
        parser.error("--lambdas must lie in (0, 1]")
    if not (args.seconds > 0 and args.tuning_seconds > 0):
        parser.error("--seconds and --tuning-seconds must be > 0")
    if args.quick:
        args.seeds, args.seconds, args.tuning_seconds = 2, 0.3, 0.1
        args.learning_rates = args.learning_rates[1:3]
        args.reg_epochs, args.reg_train_size = 3, 200
        args.lambdas = [1.0, 0.999]
        args.xor_seeds, args.xor_rounds, args.xor_updates_per_round = 3, 4, 50
    return args


def main(argv=None) -> dict:
    return run(parse_args(argv))


if __name__ == "__main__":
    main()
