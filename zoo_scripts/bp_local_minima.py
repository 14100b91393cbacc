"""Escaping BP's local minima (BP lecture, seed 002): XOR with two hidden units, 50 seeds.

A 2-2-1 sigmoid network (`build_lecture_mlp`) on the 4 XOR patterns as one full batch, plain
SGD, stopping as soon as all 4 are right; four arms with the same budget of updates (all
restarts together): plain BP, BP with `PlateauPerturbation` (random perturbation; annealed
with revert-if-worse) and random restarts on the lecture's "loss changed < b for a rounds"
rule. One epoch ("round") is `--updates-per-round` updates; `--epochs` rounds in all. Reports
the seeds solved with a 95 % Wilson interval and, as the arms share each seed's initial
weights, the exact McNemar test against plain BP (`scipy.stats.binomtest`).

    mlzoo run bp_local_minima                     # seeds 1000-1049, ~2 min
    mlzoo run bp_local_minima --quick
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from scipy.stats import binomtest

from mlzoo.callbacks.plateau_perturbation import PlateauPerturbation
from mlzoo.callbacks.stopping import TargetReached
from mlzoo.models.lecture_mlp import build_lecture_mlp
from zoo_scripts._args import ExperimentParser
from zoo_scripts._bp_lecture import initial_weights, lecture_error
from zoo_scripts._results import progress, pyplot, save_figure, write_results

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
XOR_TARGETS = np.array([[0], [1], [1], [0]], "float32")


def xor_arms(args) -> dict:
    """Each arm's `PlateauPerturbation` arguments (None: plain BP; "restart": restarts)."""
    plateau = dict(monitor="loss", patience=args.patience, min_delta=args.min_delta)
    return {
        "plain BP": None,
        "random perturbation": dict(plateau, scale=args.scale),
        "annealed perturbation, revert if worse": dict(
            plateau, scale=args.scale, decay=args.decay, revert_after=args.revert_after
        ),
        "random restarts": "restart",
    }


class XorRuns:
    """One compiled 2-2-1 network reused for every arm and seed."""

    def __init__(self, args):
        self.args = args
        self.data = tf.data.Dataset.from_tensors((XOR_INPUTS, XOR_TARGETS)).repeat()
        self.model = build_lecture_mlp(2, 2, 1, learning_rate=args.learning_rate,
                                       steps_per_execution=args.updates_per_round)

    def _train(self, rounds: int, callbacks) -> int:
        history = self.model.fit(self.data, steps_per_epoch=self.args.updates_per_round,
                                 epochs=rounds, shuffle=False, verbose=0, callbacks=callbacks)
        return len(history.history["loss"])

    def run(self, arm: str, config, seed: int) -> dict:
        """One seed of one arm, from that seed's initial weights."""
        rounds = self.args.epochs
        self.model.set_weights(initial_weights(2, 2, 1, seed))
        used, extra = 0, 0
        if config == "restart":
            while used < rounds:
                rule = keras.callbacks.EarlyStopping(
                    "loss", min_delta=self.args.min_delta, patience=self.args.patience
                )
                used += self._train(rounds - used, [TargetReached("binary_accuracy", 1.0), rule])
                if self.solved() or used >= rounds:
                    break
                extra += 1
                self.model.set_weights(initial_weights(2, 2, 1, 100_000 * (extra + 1) + seed))
        else:
            callbacks = [TargetReached("binary_accuracy", 1.0)]
            if config is not None:
                callbacks.append(PlateauPerturbation(seed=seed, **config))
            used = self._train(rounds, callbacks)
            extra = callbacks[-1].perturbations if config is not None else 0
        energy, error = lecture_error(self.model, XOR_INPUTS, XOR_TARGETS)
        return {
            "arm": arm,
            "seed": seed,
            "solved": error == 0.0,
            "updates": used * self.args.updates_per_round,
            "final_E": energy,
            "perturbations_or_restarts": extra,
        }

    def solved(self) -> bool:
        return lecture_error(self.model, XOR_INPUTS, XOR_TARGETS)[1] == 0.0


def summarise_arms(runs: list[dict], budget: int) -> list[dict]:
    """Per arm: seeds solved with a 95 % Wilson interval and the paired test against plain BP."""
    plain = {r["seed"]: r["solved"] for r in runs if r["arm"] == "plain BP"}
    summary = []
    for arm in dict.fromkeys(r["arm"] for r in runs):
        rows = [r for r in runs if r["arm"] == arm]
        solved = sum(r["solved"] for r in rows)
        interval = binomtest(solved, len(rows)).proportion_ci(method="wilson")
        # the arms share each seed's initial weights: count the seeds that changed side
        gained = sum(r["solved"] and not plain[r["seed"]] for r in rows)
        lost = sum(plain[r["seed"]] and not r["solved"] for r in rows)
        summary.append({
            "arm": arm,
            "seeds": len(rows),
            "solved": solved,
            "solved_percent": 100 * solved / len(rows),
            "ci95_low": 100 * float(interval.low),
            "ci95_high": 100 * float(interval.high),
            "solved_here_not_by_plain": gained,
            "solved_by_plain_not_here": lost,
            "paired_p_value": binomtest(gained, gained + lost).pvalue if gained + lost else 1.0,
            "mean_updates": float(np.mean([r["updates"] for r in rows])),
            "budget_updates": budget,
            "mean_perturbations_or_restarts": float(
                np.mean([r["perturbations_or_restarts"] for r in rows])),
            "median_final_E": float(np.median([r["final_E"] for r in rows])),
        })
    return summary


def plot_solved(path, runs: list[dict], budget: int) -> None:
    figure, axis = pyplot().subplots(figsize=(6.5, 4.2))
    grid = np.linspace(0, budget, 201)
    arms = dict.fromkeys(r["arm"] for r in runs)
    for arm in arms:
        done = np.array([r["updates"] if r["solved"] else np.inf for r in runs if r["arm"] == arm])
        axis.step(grid, [100 * np.mean(done <= g) for g in grid], where="post", label=arm)
    axis.set_xlabel("full-batch updates (all restarts together)")
    axis.set_ylabel("% of seeds with all 4 patterns right")
    axis.set_title(f"XOR, 2-2-1 sigmoid network, {len(runs) // len(arms)} seeds", fontsize=10)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    save_figure(figure, path, dpi=90)


def _solved(row: dict, sep: str = " / ") -> str:
    return f"{row['solved']}{sep}{row['seeds']} ({row['solved_percent']:.0f} %)"


def arms_table(summary: list[dict]) -> list[dict]:
    """docs/bp_variants.md: seeds solved per arm, Wilson interval, paired test against plain BP."""
    best = max(r["solved"] for r in summary)
    table = []
    for r in summary:
        plain = r["arm"] == "plain BP"
        table.append({
            "arm": r["arm"],
            "solved (all 4 right)": f"**{_solved(r)}**" if r["solved"] == best else _solved(r),
            "95 % CI (Wilson)": f"{r['ci95_low']:.0f}–{r['ci95_high']:.0f} %",
            "solved here, not by plain BP": "—" if plain else r["solved_here_not_by_plain"],
            "solved by plain BP, not here": "—" if plain else r["solved_by_plain_not_here"],
            "paired p (exact McNemar)": "—" if plain else f"{r['paired_p_value']:.3f}",
            "mean updates used": f"{r['mean_updates']:,.0f}",
            "mean perturbations / restarts": f"{r['mean_perturbations_or_restarts']:g}",
        })
    return table


def brief_table(summary: list[dict]) -> list[dict]:
    """docs/benchmarks.md: seeds solved per arm and the paired p against plain BP."""
    names = {"random perturbation": "`PlateauPerturbation` (random perturbation)"}
    return [
        {
            "arm": names.get(r["arm"], r["arm"]),
            "solved": _solved(r, sep="/"),
            "paired p vs plain": "—" if r["arm"] == "plain BP" else f"{r['paired_p_value']:.3f}",
        }
        for r in summary
    ]


def main(argv=None) -> dict:
    parser = ExperimentParser("bp_local_minima", __doc__, seeds=range(1000, 1050), epochs=50)
    parser.add_argument("--updates-per-round", type=int, default=200,
                        help="full-batch updates per epoch (= steps_per_execution)")
    parser.add_argument("--learning-rate", type=float, default=1.0, help="η of plain SGD")
    parser.add_argument("--patience", type=int, default=2, help="a: rounds of the plateau rule")
    parser.add_argument("--min-delta", type=float, default=1e-3, help="b of the plateau rule")
    parser.add_argument("--scale", type=float, default=1.0, help="PlateauPerturbation scale")
    parser.add_argument("--decay", type=float, default=0.9, help="annealing of the scale")
    parser.add_argument("--revert-after", type=int, default=5)
    args = parser.parse(argv, quick={"seeds": [1000, 1001, 1002], "epochs": 4,
                                     "updates_per_round": 50})
    if min(args.updates_per_round, args.patience, args.revert_after) < 1:
        parser.error("--updates-per-round, --patience and --revert-after must be >= 1")
    budget = args.epochs * args.updates_per_round
    xor = XorRuns(args)
    jobs = [(arm, config, seed) for arm, config in xor_arms(args).items() for seed in args.seeds]
    runs = [xor.run(*job) for job in progress(jobs, desc="bp_local_minima")]
    summary = summarise_arms(runs, budget)
    plot_solved(args.out / "xor_solved.png", runs, budget)
    for row in summary:
        print(f"{row['arm']}: solved {row['solved']}/{row['seeds']}, "
              f"paired p {row['paired_p_value']:.3f}")
    results = {"config": vars(args), "summary": summary, "runs": runs}
    write_results(args.out, "xor", results, tables={"summary": summary, "runs": runs})
    return results


if __name__ == "__main__":
    main()
