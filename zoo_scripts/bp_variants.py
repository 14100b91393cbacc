"""Standard, mini-batch and accumulated BP at equal training time (BP lecture, seed 002).

Standard BP (batch 1), mini-batches (10, 100) and accumulated BP (the whole training set):
plain SGD, a sigmoid d-30-C network (`build_lecture_mlp`), the lecture's squared error
E_k = ½ Σ_j (ŷ_j − y_j)². Every run gets the same training-time budget; E (the accumulated
error), training and test error are recorded against passes over the data and against
seconds. Learning rates: "tuned" (best of a grid per batch size, on a separate seed) and
"same" (standard BP's tuned rate for every batch size, the lecture's fixed η). The lecture's
other tricks: `mlzoo run bp_regularization`, `mlzoo run bp_local_minima`.

    mlzoo run bp_variants                        # digits and waveform, 3 seeds, ~5 min
    mlzoo run bp_variants --quick                # iris, seconds
"""

from __future__ import annotations

import math
import time

import numpy as np
import tensorflow as tf

from mlzoo.models.lecture_mlp import build_lecture_mlp
from zoo_scripts._args import ExperimentParser
from zoo_scripts._bp_lecture import initial_weights, lecture_error, training_batches
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results
from zoo_scripts._shared import TestErrorCurve, load_classification


class BudgetCurve(TestErrorCurve):
    """`TestErrorCurve` with the training E and error too, at geometrically spaced epochs,
    stopping after `seconds` of training (the time inside `fit`'s epochs; these
    evaluations are not counted)."""

    def __init__(self, data, passes_per_epoch: int, seconds: float, growth: float = 1.15):
        super().__init__(data[2], data[3])
        self.x, self.y = data[0], data[1]
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
        super().on_epoch_end(self.epochs)  # appends the test error to `self.errors`
        self.rows.append(
            {
                "passes": self.epochs * self.passes_per_epoch,
                "seconds": round(self.elapsed, 4),
                "train_E": energy if np.isfinite(energy) else float("nan"),
                "train_error": train_error,
                "test_error": self.errors[-1],
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
        self.model = build_lecture_mlp(
            x.shape[1], hidden, y.shape[1], steps_per_execution=self.steps
        )
        self.model.fit(self._batches(0), steps_per_epoch=self.steps, shuffle=False, verbose=0)

    def _batches(self, seed: int) -> tf.data.Dataset:
        return training_batches(self.data[0], self.data[1], self.batch_size, seed)

    def train(self, lr: float, weights, seed: int, seconds: float) -> list[dict]:
        """Curve rows of one run from `weights` with rate `lr` for `seconds` of training."""
        self.model.set_weights(weights)
        self.model.optimizer.learning_rate = lr
        curve = BudgetCurve(self.data, self.passes, seconds)
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


def batch_sizes(requested: list[int], n: int) -> list[int]:
    """The distinct batch sizes of a set of `n` rows; 0 and sizes above `n` are the full batch."""
    return sorted({min(b, n) if b > 0 else n for b in requested})


def run_dataset(name: str, data, args, bar) -> tuple[list[dict], list[dict], list[dict]]:
    """Tuning rows, run rows and curves of every batch size and η setting on one dataset."""
    x, y = data[0], data[1]
    n, d, outputs = len(x), x.shape[1], y.shape[1]
    starts = {seed: initial_weights(d, args.hidden, outputs, seed) for seed in args.seeds}
    tuning_start = initial_weights(d, args.hidden, outputs, args.tuning_seed)
    tuning, runs, curves = [], [], []
    rates: dict[int, float] = {}
    for batch in batch_sizes(args.batch_sizes, n):
        variant = Variant(data, args.hidden, batch, args.min_updates, args.max_passes)
        energies = {}
        for lr in args.learning_rates:
            rows = variant.train(lr, tuning_start, args.tuning_seed, args.tuning_seconds)
            energies[lr] = rows[-1]["train_E"] if np.isfinite(rows[-1]["train_E"]) else np.inf
            tuning.append({"dataset": name, "batch_size": batch, "lr": lr, "train_E": energies[lr]})
            bar.update()
        rates[batch] = min(energies, key=energies.get)
        settings = {"tuned": rates[batch], "same": rates[min(rates)]}
        for setting, lr in settings.items():
            if setting == "same" and lr == settings["tuned"]:
                # the same rate as the tuned runs: the same runs (time aside)
                runs += [dict(r, setting="same") for r in runs[-len(args.seeds) :]]
                curves += [dict(c, setting="same") for c in curves[-len(args.seeds) :]]
                bar.update(len(args.seeds))
                continue
            for seed in args.seeds:
                rows = variant.train(lr, starts[seed], seed, args.seconds)
                last = rows[-1]
                runs.append(
                    {
                        "dataset": name,
                        "setting": setting,
                        "batch_size": batch,
                        "full_batch": batch == n,
                        "lr": lr,
                        "steps_per_execution": variant.steps,
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
                    {"dataset": name, "setting": setting, "batch_size": batch, "seed": seed,
                     "rows": rows}
                )
                bar.update()
    return tuning, runs, curves


def summarise_variants(runs: list[dict], curves: list[dict]) -> list[dict]:
    """Per dataset, setting and batch size; the full-batch run of the same seed and setting
    gives the level ("full_level": its final E) every other run is timed to."""
    curve_of = {(c["dataset"], c["setting"], c["batch_size"], c["seed"]): c["rows"] for c in curves}
    full = {(r["dataset"], r["setting"], r["seed"]): r for r in runs if r["full_batch"]}
    summary = []
    for dataset, setting, batch in dict.fromkeys(
        (r["dataset"], r["setting"], r["batch_size"]) for r in runs
    ):
        rows = [r for r in runs if (r["dataset"], r["setting"], r["batch_size"]) == (
            dataset, setting, batch)]
        metrics = ("final_train_E", "final_train_error", "final_test_error", "best_test_error")
        stats = summarise(rows, ["passes", "updates", "seconds", *metrics])
        row = {
            "dataset": dataset,
            "setting": setting,
            "batch_size": batch,
            "lr": rows[0]["lr"],
            "steps_per_execution": rows[0]["steps_per_execution"],
            "seeds": stats["n"],
            "passes": round(stats["passes_mean"], 1),
            "updates": round(stats["updates_mean"]),
            "seconds": round(stats["seconds_mean"], 2),
        }
        for key in metrics:
            digits = 4 if key == "final_train_E" else 2
            row[key] = round(stats[f"{key}_mean"], digits)
            row[key + "_std"] = round(stats[f"{key}_std"], digits)
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


def plot_variants(out, curves: list[dict]) -> None:
    """Training E and test error against passes and seconds, one PNG per dataset and setting."""
    palette = ["#c0392b", "#e67e22", "#27ae60", "#2c3e80", "#8e44ad", "#7f8c8d"]
    for dataset, setting in dict.fromkeys((c["dataset"], c["setting"]) for c in curves):
        chosen = [c for c in curves if (c["dataset"], c["setting"]) == (dataset, setting)]
        batches = sorted({c["batch_size"] for c in chosen})
        colours = {b: palette[i % len(palette)] for i, b in enumerate(batches)}
        first_seed = min(c["seed"] for c in chosen)
        figure, axes = pyplot().subplots(2, 2, figsize=(11, 7.5))
        for c in chosen:
            rows = [r for r in c["rows"] if r["passes"] > 0 and np.isfinite(r["train_E"])]
            label = None
            if c["seed"] == first_seed:
                label = f"batch {c['batch_size']}" + (" (standard BP)" if c["batch_size"] == 1
                                                      else "")
                if c["batch_size"] == max(batches):
                    label = "full batch (accumulated BP)"
            for row, key in enumerate(("train_E", "test_error")):
                for column, xkey in enumerate(("passes", "seconds")):
                    axes[row, column].plot(
                        [r[xkey] for r in rows], [r[key] for r in rows],
                        color=colours[c["batch_size"]], alpha=0.75, lw=1.2, label=label,
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
        save_figure(figure, out / f"variants_{dataset}_{setting}.png", dpi=90)


def summary_table(summary: list[dict]) -> list[dict]:
    """docs/bp_variants.md: the variants at equal training time; the best E and test error of
    each dataset in bold."""

    def cell(value, digits: int) -> str:
        return "—" if value in ("", None) else f"{value:.{digits}f}"

    best = {}
    for dataset in dict.fromkeys(r["dataset"] for r in summary):
        rows = [r for r in summary if r["dataset"] == dataset]
        best[dataset] = (min(r["final_train_E"] for r in rows),
                         min(r["final_test_error"] for r in rows))
    order = {"tuned": 0, "same": 1}
    table = []
    for r in sorted(summary, key=lambda r: (r["dataset"], order[r["setting"]], r["batch_size"])):
        lowest_e, lowest_test = best[r["dataset"]]
        energy = f"{r['final_train_E']:.4f}"
        test = f"{r['final_test_error']:.2f}"
        table.append({
            "dataset": r["dataset"],
            "η setting": r["setting"],
            "batch": r["batch_size"],
            "η": f"{r['lr']:g}",
            "steps per execution": r["steps_per_execution"],
            "passes": f"{r['passes']:,.0f}" if r["passes"] >= 20 else f"{r['passes']:g}",
            "updates": f"{r['updates']:,}",
            "E (mean ± std)": (f"**{energy}**" if r["final_train_E"] == lowest_e else energy)
            + f" ± {r['final_train_E_std']:.4f}",
            "train err %": f"{r['final_train_error']:.2f}",
            "test err %": (f"**{test}**" if r["final_test_error"] == lowest_test else test)
            + f" ± {r['final_test_error_std']:.2f}",
            "reached full-batch E": r["reached_full_level"] or "—",
            "in s": cell(r["seconds_to_full_level"], 2),
            "ends below full batch": r["ends_below_full"] or "—",
            "full batch's 90 % point (s)": cell(r["full_plateau_seconds"], 2),
        })
    return table


def main(argv=None) -> dict:
    parser = ExperimentParser("bp_variants", __doc__, dataset=["digits", "waveform"],
                              seeds=[0, 1, 2])
    parser.add_argument("--hidden", type=int, default=30, help="hidden sigmoid units")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 10, 100, 0],
                        help="0: the whole training set (accumulated BP)")
    parser.add_argument("--learning-rates", type=float, nargs="+",
                        default=[0.3, 1.0, 3.0, 10.0, 30.0], help="the tuning grid of η")
    parser.add_argument("--seconds", type=float, default=4.0, help="training seconds per run")
    parser.add_argument("--tuning-seconds", type=float, default=1.5)
    parser.add_argument("--tuning-seed", type=int, default=100)
    parser.add_argument("--max-passes", type=int, default=1_000_000)
    parser.add_argument("--min-updates", type=int, default=64,
                        help="updates per steps_per_execution call")
    args = parser.parse(argv, quick={
        "dataset": ["iris"], "seeds": [0, 1], "batch_sizes": [1, 10, 0], "seconds": 0.3,
        "tuning_seconds": 0.1, "learning_rates": [1.0, 3.0],
    })
    if min(args.hidden, args.max_passes, args.min_updates) < 1:
        parser.error("--hidden, --max-passes and --min-updates must be >= 1")
    if any(b < 0 for b in args.batch_sizes):
        parser.error("--batch-sizes must be >= 0 (0: the whole training set)")
    if not (args.seconds > 0 and args.tuning_seconds > 0):
        parser.error("--seconds and --tuning-seconds must be > 0")
    start = time.perf_counter()
    tuning, runs, curves = [], [], []
    sets = {name: load_classification(name, args.data_dir)[:4] for name in args.dataset}
    per_batch = len(args.learning_rates) + 2 * len(args.seeds)
    total = sum(len(batch_sizes(args.batch_sizes, len(d[0]))) * per_batch for d in sets.values())
    with progress(total=total, desc="bp_variants") as bar:
        for name, data in sets.items():
            found = run_dataset(name, data, args, bar)
            for collected, rows in zip((tuning, runs, curves), found, strict=True):
                collected += rows
    summary = summarise_variants(runs, curves)
    plot_variants(args.out, curves)
    results = {
        "config": vars(args),
        "summary": summary,
        "runs": runs,
        "tuning": tuning,
        "curves": curves,
        "wall_seconds": round(time.perf_counter() - start, 1),
    }
    write_results(args.out, "variants", results,
                  tables={"summary": summary, "runs": runs, "tuning": tuning})
    for row in summary:
        lr, e, test = row["lr"], row["final_train_E"], row["final_test_error"]
        print(f"{row['dataset']} {row['setting']} batch {row['batch_size']} η={lr:g}: "
              f"E {pm(e, row['final_train_E_std'], 4)}, "
              f"test error {pm(test, row['final_test_error_std'])} %")
    return results


if __name__ == "__main__":
    main()
