"""Fuzzy ART and Fuzzy ARTMAP against artlib: same data, parameters and order, side by side.

For each dataset the models learn the training samples once, in the stored order: mlzoo's
`FuzzyART` / `FuzzyARTMAP` at every batch size and steps_per_execution asked for, artlib's
Python `FuzzyART` / `SimpleARTMAP(FuzzyART)` (the reference) and its C++ `FuzzyART` /
`FuzzyARTMAP`. Reported: categories, the largest weight difference and the fraction of equal
category assignments (`predict` of the first training samples after learning) against the
reference, fit wall time and the speed ratio (mlzoo samples/s over artlib's). Compilation (XLA,
numba) and tracing are warmed up before the timed fits. artlib is a benchmark-only extra,
not a dependency of mlzoo.

    mlzoo bench art_speed --data-dir ../shared/data        # digits, letter, Fashion-MNIST 5k
    mlzoo bench art_speed --quick                          # 256 digits, batch 64: seconds
"""

from __future__ import annotations

import numpy as np

from benchmarks._timing import machine, timed
from mlzoo import datasets
from mlzoo.models.art import FuzzyART, FuzzyARTMAP, complement_code
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import progress, write_results

DATASETS = {"digits": None, "letter": None, "fashion_mnist": 5000}  # name -> training samples
CHECKED = 2000  # samples whose categories (and test classes) are compared: artlib's predict is slow


def load(name: str, data_dir: str | None, samples: int | None):
    """Training samples and up to CHECKED test samples, in [0, 1], float32, flattened."""
    (x, y), (x_test, y_test) = datasets.load(name, data_dir, scale=True)
    x, x_test = x.reshape(len(x), -1)[:samples], x_test.reshape(len(x_test), -1)[:CHECKED]
    return x, y[:samples], np.clip(x_test, 0, 1), y_test[:CHECKED]


def coded(x) -> np.ndarray:
    """What artlib gets: our float32 features, complement-coded, as float64."""
    return np.asarray(complement_code(x), "float64")


def artlib_run(make, x, y, x_test, *, supervised: bool, reference: bool) -> dict:
    """One artlib model: fit seconds and categories; for the reference, what is compared."""
    labels = [y] if supervised else []
    make().fit(coded(x[:64]), *[labels[0][:64]] if supervised else [])  # numba warm-up
    model = make()
    run = {"seconds": timed(lambda: model.fit(coded(x), *labels)), "categories": model.n_clusters}
    if reference and supervised:
        run["weights"] = np.array(model.module_a.W)
        run["assignments"] = model.predict_ab(coded(x[:CHECKED]))[0]
        run["test_classes"] = model.predict(coded(x_test))
    elif reference:
        run["weights"] = np.array(model.W)
        run["assignments"] = model.predict(coded(x[:CHECKED]))
    return run


def artlib_runs(x, y, x_test, *, supervised: bool, params: dict) -> dict:
    import artlib
    from artlib.optimized.backends.cpp.FuzzyART import FuzzyART as CppFuzzyART

    if supervised:
        python = lambda: artlib.SimpleARTMAP(artlib.FuzzyART(**params))  # noqa: E731
        cpp = lambda: artlib.FuzzyARTMAP(**params, backend="c++")  # noqa: E731
    else:
        python = lambda: artlib.FuzzyART(**params)  # noqa: E731
        cpp = lambda: CppFuzzyART(**params)  # noqa: E731
    kwargs = {"supervised": supervised}
    return {
        "python": artlib_run(python, x, y, x_test, reference=True, **kwargs),
        "c++": artlib_run(cpp, x, y, x_test, reference=False, **kwargs),
    }


def mlzoo_run(make, x, y, x_test, *, batch_size: int, steps_per_execution: int) -> dict:
    """Warm up on a full and the last partial batch, zero the state, then time a fit of `x`."""
    model = make()
    model.compile(steps_per_execution=steps_per_execution)
    labels = y if model.supervised else None
    head = batch_size + len(x) % batch_size
    model.fit(x[:head], None if labels is None else labels[:head], batch_size=batch_size, verbose=0)
    for variable in model.weights:
        variable.assign(np.zeros(variable.shape, variable.dtype))
    seconds = timed(lambda: model.fit(x, labels, batch_size=batch_size, verbose=0))
    run = {"seconds": seconds, "categories": model.n_categories}
    run["weights"] = model.committed_weights()
    if model.supervised:
        run["assignments"] = model.predict_categories(x[:CHECKED])
        run["test_classes"] = model.predict(x_test, batch_size=256, verbose=0)
    else:
        run["assignments"] = model.predict(x[:CHECKED], batch_size=256, verbose=0)
    return run


def compare(name: str, model_name: str, data: tuple, args) -> list[dict]:
    """Every (batch size, steps_per_execution) of one model against artlib's runs."""
    x, y, x_test, y_test = data
    supervised = model_name == "FuzzyARTMAP"
    vigilance = args.artmap_vigilance if supervised else args.vigilance
    params = {"rho": vigilance, "alpha": args.choice, "beta": 1.0}
    reference = artlib_runs(x, y, x_test, supervised=supervised, params=params)
    python, cpp = reference["python"], reference["c++"]

    def make():
        kwargs = {"max_categories": args.max_categories, "vigilance": vigilance}
        if supervised:
            return FuzzyARTMAP(x.shape[1], int(y.max()) + 1, choice=args.choice, **kwargs)
        return FuzzyART(x.shape[1], choice=args.choice, **kwargs)

    rows = []
    for batch_size in args.batch_sizes:
        for spe in args.steps_per_execution:
            ours = mlzoo_run(make, x, y, x_test, batch_size=batch_size, steps_per_execution=spe)
            same_shape = ours["weights"].shape == python["weights"].shape
            difference = np.abs(ours["weights"] - python["weights"]).max() if same_shape else None
            row = {
                "dataset": name,
                "model": model_name,
                "samples": len(x),
                "features": x.shape[1],
                "vigilance": vigilance,
                "batch_size": batch_size,
                "steps_per_execution": spe,
                "categories": ours["categories"],
                "artlib_categories": python["categories"],
                "artlib_cpp_categories": cpp["categories"],
                "max_weight_difference": None if difference is None else float(difference),
                "assignments_compared": len(ours["assignments"]),
                "assignments_equal": float((ours["assignments"] == python["assignments"]).mean()),
                "seconds": ours["seconds"],
                "artlib_seconds": python["seconds"],
                "artlib_cpp_seconds": cpp["seconds"],
                "samples_per_second": len(x) / ours["seconds"],
                "ratio_vs_artlib": python["seconds"] / ours["seconds"],
                "ratio_vs_artlib_cpp": cpp["seconds"] / ours["seconds"],
            }
            if supervised:
                row["test_accuracy"] = float((ours["test_classes"] == y_test).mean())
                row["artlib_test_accuracy"] = float((python["test_classes"] == y_test).mean())
            rows.append(row)
    return rows


def runs_table(results: dict) -> list[dict]:
    """docs/art.md: every run against artlib, one row per dataset, model, batch and spe."""
    rows = []
    for row in results["runs"]:
        difference = row["max_weight_difference"]
        python_rate = row["samples"] / row["artlib_seconds"]
        cpp_rate = row["samples"] / row["artlib_cpp_seconds"]
        rows.append({
            "dataset (N × d)": f"{row['dataset']} ({row['samples']} × {row['features']})",
            "model, ρ": f"{row['model']}, {row['vigilance']}",
            "batch": row["batch_size"],
            "spe": row["steps_per_execution"],
            "categories: mlzoo / artlib / artlib C++": f"{row['categories']} / "
            f"{row['artlib_categories']} / {row['artlib_cpp_categories']}",
            "equal assignments": f"{row['assignments_equal']:.4f}",
            "max Δw": "n/a" if difference is None else f"{difference:.1e}",
            "mlzoo samples/s": f"{row['samples_per_second']:,.0f}",
            "artlib samples/s (Python / C++)": f"{python_rate:,.0f} / {cpp_rate:,.0f}",
            "speed ratio vs Python / C++":
                f"{row['ratio_vs_artlib']:.2f} / {row['ratio_vs_artlib_cpp']:.2f}",
        })
    return rows


def summary_table(results: dict) -> list[dict]:
    """docs/benchmarks.md: categories and the range of speed ratios over batch and spe."""
    names = {"digits": "digits", "letter": "letter", "fashion_mnist": "Fashion-MNIST"}
    cells: dict[str, dict] = {}
    for row in results["runs"]:
        data = f"{names.get(row['dataset'], row['dataset'])} ({row['samples']:,} × "
        data += f"{row['features']})"
        line = cells.setdefault(data, {"data (N × d)": data})
        model = f"{row['model'].replace('Fuzzy', 'Fuzzy ')}, ρ = {row['vigilance']}"
        line[f"{model}: categories"] = f"{row['categories']:,}"
        for key, label in (("ratio_vs_artlib", "÷ artlib Python"),
                           ("ratio_vs_artlib_cpp", "÷ artlib C++")):
            values = line.setdefault(f"{model}: {label}", [])
            values.append(row[key])
    for line in cells.values():
        for column, value in line.items():
            if isinstance(value, list):  # 1 decimal for ratios of Python's above 1, else 2
                places = 1 if column.endswith("Python") and min(value) >= 1 else 2
                line[column] = f"{min(value):.{places}f} – {max(value):.{places}f}"
    return list(cells.values())


def main(argv=None) -> dict:
    parser = ExperimentParser("art_speed", __doc__, dataset=list(DATASETS),
                              steps_per_execution=[1, 32], command="bench")
    parser.add_argument("--vigilance", type=float, default=0.75, help="rho of Fuzzy ART")
    parser.add_argument("--artmap-vigilance", type=float, default=0.5, help="rho of Fuzzy ARTMAP")
    parser.add_argument("--choice", type=float, default=0.001, help="alpha (beta is 1)")
    parser.add_argument("--max-categories", type=int, default=2048)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 256])
    parser.add_argument("--samples", type=int, default=None, help="cap on training samples")
    quick = {"dataset": ["digits"], "samples": 256, "batch_sizes": [64], "max_categories": 256}
    args = parser.parse(argv, quick=quick)
    unknown = set(args.dataset) - set(DATASETS)
    if unknown:
        parser.error(f"--dataset: {sorted(unknown)} not among {list(DATASETS)}")
    arguments = {k: v for k, v in vars(args).items() if k != "out"}
    results = {"machine": machine(), "arguments": arguments, "runs": []}
    cases = [(name, model) for name in args.dataset for model in ("FuzzyART", "FuzzyARTMAP")]
    data = {}
    for name, model_name in progress(cases, desc="art_speed", unit="model"):
        if name not in data:
            samples = min(filter(None, (DATASETS[name], args.samples)), default=None)
            data[name] = load(name, args.data_dir, samples)
        results["runs"] += compare(name, model_name, data[name], args)
    write_results(args.out, "art_speed", results, tables={"runs": results["runs"]})
    print(markdown_table(runs_table(results)))
    return results


if __name__ == "__main__":
    main()
