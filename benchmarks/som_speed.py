"""`SelfOrganizingMap` against MiniSom: same data, map, initial weights, schedule, presentations.

Both maps start from the same PCA-plane weights and run MiniSom's default
schedule (sigma and eta / (1 + 2 t / T), Gaussian neighbourhood, rectangular
grid) for the same number of sample presentations in random order. MiniSom
updates after every sample in numpy; ours updates once per batch
(`SelfOrganizingMap`'s batched rule, exact at batch size 1). Reported per seed:
quantization and topographic error on the test split (MiniSom's definitions)
and training throughput in samples/s: of the first `fit` (tracing included) and
of a second, warm one; then means (sample std over seeds) and the ratios ours / MiniSom.
Needs `pip install minisom` (a benchmark-only extra).

    mlzoo bench som_speed --data-dir ../shared/data        # digits + Fashion-MNIST, seeds 0-2
    mlzoo bench som_speed --quick                          # digits, 1 seed, 2 epochs: seconds
"""

from __future__ import annotations

import keras

from benchmarks._timing import machine, timed
from mlzoo import datasets
from mlzoo.models import SelfOrganizingMap
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import progress, summarise, write_results

# dataset: (rows, cols, sigma, epochs)
SETTINGS = {"digits": (10, 10, 3.0, 10), "fashion_mnist": (20, 20, 4.0, 1)}


def flat(name: str, data_dir: str | None):
    (x, _), (x_test, _) = datasets.load(name, data_dir, scale=True)
    return (a.reshape(len(a), -1).astype("float32") for a in (x, x_test))


def run_minisom(x, x_test, codebook, sigma, learning_rate, presentations, seed) -> dict:
    from minisom import MiniSom

    rows, cols, d = codebook.shape
    som = MiniSom(rows, cols, d, sigma=sigma, learning_rate=learning_rate, random_seed=seed)
    som._weights = codebook.astype("float64")
    seconds = timed(lambda: som.train(x, presentations, random_order=True))
    return {
        "seconds": seconds,
        "samples_per_second": presentations / seconds,
        "quantization_error": float(som.quantization_error(x_test)),
        "topographic_error": float(som.topographic_error(x_test)),
    }


def run_ours(x, x_test, codebook, sigma, learning_rate, epochs, batch_size, spe, seed) -> dict:
    rows, cols, d = codebook.shape
    keras.utils.set_random_seed(seed)
    som = SelfOrganizingMap(
        rows, cols, d, sigma=sigma, learning_rate=learning_rate, decay="asymptotic"
    )
    som.codebook.assign(codebook.reshape(rows * cols, d))
    som.compile(steps_per_execution=spe)
    def fit():
        som.fit(x, epochs=epochs, batch_size=batch_size, verbose=0)

    seconds = timed(fit)
    errors = som.evaluate(x_test, batch_size=1024, verbose=0, return_dict=True)
    warm_seconds = timed(fit)  # the same training again, the step already traced
    return {
        "seconds": seconds,
        "samples_per_second": epochs * len(x) / seconds,
        "warm_samples_per_second": epochs * len(x) / warm_seconds,
        "quantization_error": float(errors["quantization_error"]),
        "topographic_error": float(errors["topographic_error"]),
    }


METRICS = ("quantization_error", "topographic_error", "samples_per_second",
           "warm_samples_per_second")
NAMES = {"digits": "digits", "fashion_mnist": "Fashion-MNIST"}
QE = "{quantization_error_mean:.4f} ± {quantization_error_std:.4f}"
TE = "{topographic_error_mean:.4f} ± {topographic_error_std:.4f}"


def summary(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """`summarise` of every run's records, with throughput and QE ratios to MiniSom's means."""
    table = {key: summarise(records, [m for m in METRICS if m in records[0]])
             for key, records in runs.items()}
    reference = table["minisom"]
    for row in table.values():
        for speed in ("samples_per_second", "warm_samples_per_second"):
            if f"{speed}_mean" in row:
                row[f"{speed}_ratio"] = (
                    row[f"{speed}_mean"] / reference["samples_per_second_mean"]
                )
        row["quantization_error_ratio"] = (
            row["quantization_error_mean"] / reference["quantization_error_mean"]
        )
    return table


def speed_table(results: dict, dataset: str | None = None) -> list[dict]:
    """docs/som.md, docs/benchmarks.md: errors (mean ± std) and throughput ÷ MiniSom.

    One row per batch size, its `steps_per_execution` values joined by " / " (the errors
    too, where they differ); all datasets (with a "data, map" column) unless `dataset`.
    """
    rows = []
    for name, record in results["datasets"].items():
        if dataset not in (None, name):
            continue
        table = summary(record["runs"])
        groups: dict[str, list[str]] = {}
        for key in table:
            groups.setdefault(key.rsplit("_spe", 1)[0], []).append(key)
        for index, (group, keys) in enumerate(groups.items()):
            def cell(template, keys=keys, table=table, merge=False):
                texts = [template.format(**table[k]) for k in keys]
                return " / ".join(dict.fromkeys(texts) if merge else texts)

            label = "MiniSom" if group == "minisom" else (
                f"ours b{group.split('_b')[1]}, spe "
                + " / ".join(k.rsplit("_spe", 1)[1] for k in keys)
            )
            row = {"run": label}
            if dataset is None:
                first = f"{NAMES.get(name, name)} {record['input_dim']}-d, " + (
                    f"{record['map'].replace('x', ' × ')}, {record['presentations']:,} "
                    "presentations"
                )
                row = {"data, map": first if index == 0 else "", **row}
            row |= {
                "QE": cell(QE, merge=True),
                "TE": cell(TE, merge=True),
                "samples/s": cell("{samples_per_second_mean:,.0f}"),
                "÷ MiniSom": cell("{samples_per_second_ratio:.2f}"),
                "warm ÷ MiniSom": "" if group == "minisom" else
                cell("{warm_samples_per_second_ratio:.2f}"),
            }
            rows.append(row)
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser("som_speed", __doc__, dataset=list(SETTINGS), seeds=[0, 1, 2],
                              steps_per_execution=[1, 32], command="bench")
    parser.add_argument("--learning-rate", type=float, default=0.5)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128])
    args = parser.parse(argv, quick={"dataset": ["digits"], "seeds": [0]})
    results = {"machine": machine(), "learning_rate": args.learning_rate, "datasets": {}}
    for name in args.dataset:
        rows, cols, sigma, epochs = SETTINGS[name]
        epochs = 2 if args.quick else epochs
        x, x_test = flat(name, args.data_dir)
        start = SelfOrganizingMap(rows, cols, x.shape[1], x_init=x).codebook_grid()
        presentations = epochs * len(x)
        runs = {"minisom": []}
        cases = [(seed, b, spe) for seed in args.seeds for b in [None, *args.batch_sizes]
                 for spe in ([None] if b is None else args.steps_per_execution)]
        for seed, batch_size, spe in progress(cases, desc=f"som_speed {name}", unit="fit"):
            if batch_size is None:
                runs["minisom"].append(
                    run_minisom(x, x_test, start, sigma, args.learning_rate, presentations, seed)
                )
                continue
            runs.setdefault(f"ours_b{batch_size}_spe{spe}", []).append(
                run_ours(x, x_test, start, sigma, args.learning_rate, epochs, batch_size, spe,
                         seed)
            )
        results["datasets"][name] = {
            "map": f"{rows}x{cols}",
            "input_dim": x.shape[1],
            "sigma": sigma,
            "presentations": presentations,
            "seeds": args.seeds,
            "runs": runs,
            "summary": summary(runs),
        }
    tables = {"runs": [{"dataset": name, "run": key, "seed": seed, **record}
                       for name, d in results["datasets"].items()
                       for key, records in d["runs"].items()
                       for seed, record in zip(d["seeds"], records, strict=True)]}
    write_results(args.out, "som_speed", results, tables=tables)
    print(markdown_table(speed_table(results)))
    return results


if __name__ == "__main__":
    main()
