"""`RBM` against scikit-learn's `BernoulliRBM`: same data, units, rate, batch, epochs, PCD-1.

Both models train on binarised data (x > 0.5 after min-max scaling), in the same
order (one random permutation of the training split per seed; neither shuffles
between epochs, as `BernoulliRBM` does not), cut to a multiple of the batch size
(`--keep-remainder` keeps every sample: `BernoulliRBM` then scales the summed
statistics of all its chains by 1 / (size of the short last batch), a much larger
step than the others; we average each phase over its own rows), by persistent CD with one Gibbs step
and one chain per batch sample, with the learning rate applied to the batch-mean
gradient (ours: `RBM(persistent=True, k=1, persistent_chains=batch)` compiled with
`SGD(learning_rate)`). Reported per seed, on the test split:

- `exact_pll`: the pseudo-log-likelihood sum_i log P(v_i | v_-i) of the first
  `--exact-samples` test digits, every unit flipped in turn — one function
  (`mlzoo.models.rbm.pseudo_log_likelihood`) for both models' weights, no noise;
- `own_pll`: each library's own one-flip estimate (sklearn's `score_samples`,
  our `evaluate`) over the whole test split;
- training wall time: sklearn's `fit`; our first `fit` (tracing included) and a
  second, warm one; and speed ratios = sklearn seconds / our seconds (> 1: ours faster).

sklearn's BLAS is limited to `--sklearn-threads` threads (default 1: on a shared
2-core machine OpenBLAS' spinning threads make the 2-thread `fit` many times slower;
run with `--sklearn-threads 2` to see it). TensorFlow keeps its own thread pools.
Means and sample std over seeds (`summarise`).

    mlzoo bench rbm_speed --data-dir ../shared/data       # digits + MNIST 5k, seeds 0-2
    mlzoo bench rbm_speed --quick                         # digits, 1 seed, 2 epochs: seconds
"""

from __future__ import annotations

import keras
import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks._timing import machine, timed
from mlzoo import datasets
from mlzoo.models.rbm import RBM, pseudo_log_likelihood
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import progress, summarise, write_results

# dataset: hidden units, learning rate, epochs (digits: sklearn's RBM example)
SETTINGS = {"digits": (100, 0.06, 10), "mnist": (500, 0.06, 10)}


def binarised(name: str, data_dir: str | None):
    (x, _), (x_test, _) = datasets.load(name, data_dir, scale=True)
    return ((a.reshape(len(a), -1) > 0.5).astype("float32") for a in (x, x_test))


def exact_pseudo_log_likelihood(x, kernel, visible_bias, hidden_bias) -> float:
    """Mean over rows of sum_i log P(v_i | v_-i): the one-flip estimate / D at every i."""
    hidden_input = x @ kernel + hidden_bias
    total = np.zeros(len(x))
    for unit in range(x.shape[1]):
        flipped = np.full(len(x), unit)
        estimate = pseudo_log_likelihood(
            x, flipped, kernel, visible_bias, hidden_bias, hidden_input
        )
        total += keras.ops.convert_to_numpy(estimate)
    return float(np.mean(total / x.shape[1]))


def run_sklearn(x, x_test, x_exact, hidden, learning_rate, epochs, batch_size, seed, threads):
    from sklearn.neural_network import BernoulliRBM

    rbm = BernoulliRBM(
        hidden, learning_rate=learning_rate, batch_size=batch_size, n_iter=epochs, random_state=seed
    )
    with threadpool_limits(threads, user_api="blas"):
        seconds = timed(lambda: rbm.fit(x))
    weights = (rbm.components_.T, rbm.intercept_visible_, rbm.intercept_hidden_)
    return {
        "seconds": seconds,
        "own_pll": float(rbm.score_samples(x_test).mean()),
        "exact_pll": exact_pseudo_log_likelihood(x_exact, *(w.astype("float32") for w in weights)),
    }


def run_ours(x, x_test, x_exact, hidden, learning_rate, epochs, batch_size, spe, seed):
    keras.utils.set_random_seed(seed)
    rbm = RBM(x.shape[1], hidden, persistent=True, persistent_chains=batch_size, seed=seed)
    rbm.compile(optimizer=keras.optimizers.SGD(learning_rate), steps_per_execution=spe)
    def fit():
        rbm.fit(x, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)

    seconds = timed(fit)
    own = rbm.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    weights = [
        keras.ops.convert_to_numpy(w) for w in (rbm.kernel, rbm.visible_bias, rbm.hidden_bias)
    ]
    exact = exact_pseudo_log_likelihood(x_exact, *weights)
    return {
        "seconds": seconds,
        "warm_seconds": timed(fit),  # the same training again, the step already traced
        "own_pll": float(own["pseudo_log_likelihood"]),
        "exact_pll": exact,
    }


METRICS = ("exact_pll", "own_pll", "seconds", "warm_seconds")
NAMES = {"digits": "digits", "mnist": "MNIST 5k"}


def summary(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """`summarise` of every run's records; speed ratios = sklearn's mean seconds / ours."""
    table = {key: summarise(records, [m for m in METRICS if m in records[0]])
             for key, records in runs.items()}
    for key, row in table.items():
        reference = table[f"sklearn_{key.split('_')[1]}"]
        row["speed_ratio"] = reference["seconds_mean"] / row["seconds_mean"]
        if "warm_seconds_mean" in row:
            row["warm_speed_ratio"] = reference["seconds_mean"] / row["warm_seconds_mean"]
        row["exact_pll_gain"] = row["exact_pll_mean"] - reference["exact_pll_mean"]
    return table


def _groups(record: dict) -> dict[str, list[str]]:
    """Run keys by library and batch: {"sklearn_b10": [...], "ours_b10": ["ours_b10_spe1", ...]}."""
    groups: dict[str, list[str]] = {}
    for key in record["runs"]:
        groups.setdefault(key.rsplit("_spe", 1)[0], []).append(key)
    return groups


def speed_table(results: dict, dataset: str, spread: str = "") -> list[dict]:
    """docs/rbm.md: PL and seconds (mean ± std over seeds) against sklearn, by batch size.

    One row per library and batch, `steps_per_execution` values joined by " / " (PL too,
    where they differ); `spread=1` adds the median and range of the PL over seeds.
    """
    record = results["datasets"][dataset]
    table = summary(record["runs"])
    rows = []
    for group, keys in _groups(record).items():
        library, batch = group.split("_b")
        ours = library == "ours"

        def cell(template, keys=keys, merge=False):
            texts = [template.format(**table[k]) for k in keys]
            return " / ".join(dict.fromkeys(texts) if merge else texts)

        run = "sklearn" if not ours else "ours, spe " + " / ".join(
            k.rsplit("_spe", 1)[1] for k in keys
        )
        row = {"batch": batch, "run": run,
               "PL (test)": cell("{exact_pll_mean:.2f} ± {exact_pll_std:.2f}", merge=True)}
        if spread:
            plls = [[r["exact_pll"] for r in record["runs"][k]] for k in keys]
            row["PL median"] = " / ".join(dict.fromkeys(f"{np.median(p):.2f}" for p in plls))
            row["PL range"] = " / ".join(
                dict.fromkeys(f"{min(p):.1f} … {max(p):.1f}" for p in plls)
            )
        else:
            row["estimate"] = cell("{own_pll_mean:.2f}", merge=True)
        row |= {
            "seconds": cell("{seconds_mean:.2f}"),
            "warm": cell("{warm_seconds_mean:.2f}") if ours else "",
            "speed ratio (warm)": "1" if not ours else (
                cell("{speed_ratio:.2f}") + " (" + cell("{warm_speed_ratio:.2f}") + ")"
            ),
        }
        rows.append({k: str(v).replace("-", "−") for k, v in row.items()})
    return rows


def summary_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: PL of sklearn and ours and the speed ratios, per file, set, batch."""
    rows = []
    for results in files:
        for name, record in results["datasets"].items():
            table = summary(record["runs"])
            for group, keys in _groups(record).items():
                if group.startswith("sklearn"):
                    continue
                batch = group.split("_b")[1]
                reference, ours = table[f"sklearn_b{batch}"], table[keys[0]]
                spes = {k.rsplit("_spe", 1)[1]: table[k] for k in keys}
                plls = [f"{r['exact_pll_mean']:.2f} ± {r['exact_pll_std']:.2f}"
                        for r in (reference, ours)]
                best = 0 if reference["exact_pll_mean"] > ours["exact_pll_mean"] else 1
                plls[best] = f"**{plls[best]}**"
                rows.append({
                    "data, batch": f"{NAMES.get(name, name)}, {record['hidden']} hidden, "
                                   f"b{batch}, {record['seeds']} seeds",
                    "PL sklearn": plls[0].replace("-", "−"),
                    "PL ours": plls[1].replace("-", "−"),
                    "speed ratio, spe 1 / 32": " / ".join(
                        f"{spes[s]['speed_ratio']:.2f}" if s in spes else "–"
                        for s in ("1", "32")
                    ),
                })
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser("rbm_speed", __doc__, dataset=list(SETTINGS), seeds=[0, 1, 2],
                              steps_per_execution=[1, 32], command="bench")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--exact-samples", type=int, default=1000)
    parser.add_argument("--sklearn-threads", type=int, default=1)
    parser.add_argument("--keep-remainder", action="store_true", help="no cut to whole batches")
    args = parser.parse(argv, quick={"dataset": ["digits"], "seeds": [0], "exact_samples": 200})
    results = {
        "machine": machine(),
        "sklearn_threads": args.sklearn_threads,
        "keep_remainder": args.keep_remainder,
        "datasets": {},
    }
    for name in args.dataset:
        hidden, learning_rate, epochs = SETTINGS[name]
        epochs = 2 if args.quick else epochs
        x_all, x_test = binarised(name, args.data_dir)
        x_exact = x_test[: args.exact_samples]
        runs: dict[str, list[dict]] = {}
        cases = [(seed, b) for seed in args.seeds for b in args.batch_sizes]
        for seed, batch_size in progress(cases, desc=f"rbm_speed {name}", unit="fit"):
            x = x_all[np.random.default_rng(seed).permutation(len(x_all))]
            whole = len(x) if args.keep_remainder else len(x) // batch_size * batch_size
            common = (x[:whole], x_test, x_exact, hidden, learning_rate, epochs, batch_size)
            runs.setdefault(f"sklearn_b{batch_size}", []).append(
                run_sklearn(*common, seed, args.sklearn_threads)
            )
            for spe in args.steps_per_execution:
                runs.setdefault(f"ours_b{batch_size}_spe{spe}", []).append(
                    run_ours(*common, spe, seed)
                )
        results["datasets"][name] = {
            "train_samples": len(x_all),
            "visible": x_all.shape[1],
            "hidden": hidden,
            "learning_rate": learning_rate,
            "epochs": epochs,
            "seeds": len(args.seeds),
            "seed_list": args.seeds,
            "exact_samples": len(x_exact),
            "runs": runs,
            "summary": summary(runs),
        }
        print(
            f"\n{name}: {len(x_all)} x {x_all.shape[1]} binarised, {hidden} hidden, "
            f"lr {learning_rate}, {epochs} epochs, PCD-1, seeds {args.seeds}"
        )
        print(markdown_table(speed_table(results, name)))
    tables = {"runs": [{"dataset": name, "run": key, "seed": seed, **record}
                       for name, d in results["datasets"].items()
                       for key, records in d["runs"].items()
                       for seed, record in zip(d["seed_list"], records, strict=True)]}
    write_results(args.out, "rbm_speed", results, tables=tables)
    return results


if __name__ == "__main__":
    main()
