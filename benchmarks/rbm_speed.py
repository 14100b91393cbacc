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

    python -m benchmarks.rbm_speed --data-dir ../shared/data       # digits + MNIST 5k
    python -m benchmarks.rbm_speed --quick                         # digits, 1 seed: seconds
"""

from __future__ import annotations

import argparse
import time

import keras
import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks._timing import machine, write_json
from mlzoo import datasets
from mlzoo.models.rbm import RBM, pseudo_log_likelihood

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
        start = time.perf_counter()
        rbm.fit(x)
        seconds = time.perf_counter() - start
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
    start = time.perf_counter()
    rbm.fit(x, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    own = rbm.evaluate(x_test, batch_size=1000, verbose=0, return_dict=True)
    weights = [
        keras.ops.convert_to_numpy(w) for w in (rbm.kernel, rbm.visible_bias, rbm.hidden_bias)
    ]
    exact = exact_pseudo_log_likelihood(x_exact, *weights)
    start = time.perf_counter()  # the same training again, the step already traced
    rbm.fit(x, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    return {
        "seconds": seconds,
        "warm_seconds": time.perf_counter() - start,
        "own_pll": float(own["pseudo_log_likelihood"]),
        "exact_pll": exact,
    }


def summarise(records: list[dict]) -> dict:
    return {
        key: {
            "mean": float(np.mean([r[key] for r in records])),
            "std": float(np.std([r[key] for r in records])),
        }
        for key in records[0]
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--steps-per-execution", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--exact-samples", type=int, default=1000)
    parser.add_argument("--sklearn-threads", type=int, default=1)
    parser.add_argument("--keep-remainder", action="store_true", help="no cut to whole batches")
    parser.add_argument("--quick", action="store_true", help="digits, 1 seed, 2 epochs")
    parser.add_argument("--out", default="docs/results/rbm")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.seeds, args.exact_samples = ["digits"], 1, 200
    results = {
        "machine": machine(),
        "sklearn_threads": args.sklearn_threads,
        "keep_remainder": args.keep_remainder,
        "datasets": {},
    }
    for name in args.datasets:
        hidden, learning_rate, epochs = SETTINGS[name]
        epochs = 2 if args.quick else epochs
        x_all, x_test = binarised(name, args.data_dir)
        x_exact = x_test[: args.exact_samples]
        runs = {}
        for seed in range(args.seeds):
            x = x_all[np.random.default_rng(seed).permutation(len(x_all))]
            for batch_size in args.batch_sizes:
                whole = len(x) if args.keep_remainder else len(x) // batch_size * batch_size
                common = (x[:whole], x_test, x_exact, hidden, learning_rate, epochs, batch_size)
                runs.setdefault(f"sklearn_b{batch_size}", []).append(
                    run_sklearn(*common, seed, args.sklearn_threads)
                )
                for spe in args.steps_per_execution:
                    runs.setdefault(f"ours_b{batch_size}_spe{spe}", []).append(
                        run_ours(*common, spe, seed)
                    )
        summary = {key: summarise(records) for key, records in runs.items()}
        for key, row in summary.items():
            reference = summary[f"sklearn_{key.split('_')[1]}"]
            row["speed_ratio"] = reference["seconds"]["mean"] / row["seconds"]["mean"]
            if "warm_seconds" in row:
                row["warm_speed_ratio"] = reference["seconds"]["mean"] / row["warm_seconds"]["mean"]
            row["exact_pll_gain"] = row["exact_pll"]["mean"] - reference["exact_pll"]["mean"]
        results["datasets"][name] = {
            "train_samples": len(x_all),
            "visible": x_all.shape[1],
            "hidden": hidden,
            "learning_rate": learning_rate,
            "epochs": epochs,
            "seeds": args.seeds,
            "exact_samples": len(x_exact),
            "runs": runs,
            "summary": summary,
        }
        print(
            f"\n{name}: {len(x_all)} x {x_all.shape[1]} binarised, {hidden} hidden, "
            f"lr {learning_rate}, {epochs} epochs, PCD-1, {args.seeds} seeds"
        )
        print(
            "| run | exact PLL (test) | own PLL estimate (test) | seconds | warm seconds "
            "| speed ratio | warm ratio |"
        )
        print("|---|---|---|---|---|---|---|")
        for key, row in summary.items():
            exact, own, seconds = row["exact_pll"], row["own_pll"], row["seconds"]
            warm = row.get("warm_seconds", seconds)
            print(
                f"| {key} | {exact['mean']:.2f} ± {exact['std']:.2f} "
                f"| {own['mean']:.2f} ± {own['std']:.2f} | {seconds['mean']:.2f} "
                f"| {warm['mean']:.2f} | {row['speed_ratio']:.2f} "
                f"| {row.get('warm_speed_ratio', row['speed_ratio']):.2f} |"
            )
    write_json(args.out, "rbm_speed.json", results)
    return results


if __name__ == "__main__":
    main()
