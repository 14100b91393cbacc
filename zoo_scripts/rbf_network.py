"""RBF network (BP lecture) against a sigmoid MLP with the same number of parameters.

For each dataset and seed: an RBF network with k-means centres, one with
random-sample centres (both: nearest-centre widths, then BP of everything), and
a sigmoid MLP whose hidden width gives the same parameter count; Adam, sparse
cross-entropy, the same epochs. Test error % mean ± std over the seeds.

    mlzoo run rbf_network                      # digits and waveform, 10 seeds
    mlzoo run rbf_network --quick
"""

from __future__ import annotations

import keras

from mlzoo import build_rbf_network, datasets
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, summarise, write_results
from zoo_scripts._shared import cached_dataset, error_percent

MODELS = {
    "rbf_kmeans": "RBF, k-means centres",
    "rbf_sample": "RBF, random-sample centres",
    "mlp_sigmoid": "sigmoid MLP, same parameters",
}


def rbf_parameters(d: int, units: int, classes: int) -> int:
    """Centres, widths, output weights and biases."""
    return units * (d + 1) + (units + 1) * classes


def equal_mlp_width(d: int, units: int, classes: int) -> int:
    """Hidden width of a d-h-classes MLP with (about) the RBF network's parameter count."""
    return max(1, round((rbf_parameters(d, units, classes) - classes) / (d + 1 + classes)))


def mlp(d: int, hidden: int, classes: int) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((d,)),
            keras.layers.Dense(hidden, activation="sigmoid"),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )


def run_seed(name: str, data, seed: int, args) -> list[dict]:
    """The three models of one seed on one dataset: their parameter counts and test errors."""
    x, y, x_test, y_test = data
    d, classes = x.shape[1], int(y.max()) + 1
    keras.utils.set_random_seed(seed)
    models = {
        "rbf_kmeans": build_rbf_network(d, args.units, classes, x_init=x, seed=seed),
        "rbf_sample": build_rbf_network(
            d, args.units, classes, x_init=x, centre_method="sample", seed=seed
        ),
        "mlp_sigmoid": mlp(d, equal_mlp_width(d, args.units, classes), classes),
    }
    rows = []
    for model_name, model in models.items():
        model.compile(
            keras.optimizers.Adam(args.learning_rate),
            "sparse_categorical_crossentropy",
            steps_per_execution=args.steps_per_execution,
        )
        batches = cached_dataset(x, y, args.batch_size, seed=seed)
        model.fit(batches, epochs=args.epochs, shuffle=False, verbose=0)
        rows.append({
            "dataset": name,
            "model": model_name,
            "seed": seed,
            "parameters": model.count_params(),
            "test_error": error_percent(model, x_test, datasets.one_hot(y_test, classes)),
        })
    return rows


def errors_table(runs: list[dict]) -> list[dict]:
    """docs/rbf_network.md, docs/benchmarks.md: test error % per dataset and model, the
    lowest in bold."""
    table = []
    for name in dict.fromkeys(r["dataset"] for r in runs):
        stats = {
            model: summarise([r for r in runs if (r["dataset"], r["model"]) == (name, model)],
                             ["test_error"])
            for model in MODELS
        }
        best = min(s["test_error_mean"] for s in stats.values())
        row = {"dataset": name}
        for model, s in stats.items():
            cell = pm(s["test_error_mean"], s["test_error_std"])
            row[MODELS[model]] = f"**{cell}**" if s["test_error_mean"] == best else cell
        table.append(row)
    return table


def main(argv=None) -> dict:
    parser = ExperimentParser("rbf_network", __doc__, dataset=["digits", "waveform"],
                              seeds=range(10), epochs=50, batch_size=32, steps_per_execution=8)
    parser.add_argument("--units", type=int, default=60, help="Gaussian units")
    parser.add_argument("--learning-rate", type=float, default=0.01, help="Adam's rate")
    args = parser.parse(argv, quick={"seeds": [0, 1], "epochs": 2, "units": 10})
    if args.units < 1:
        parser.error("--units must be >= 1")
    sets = {}
    for name in args.dataset:
        (x, y), (x_test, y_test) = datasets.load(name, args.data_dir, scale=True)
        sets[name] = (x.astype("float32"), y, x_test.astype("float32"), y_test)
    jobs = [(name, seed) for name in args.dataset for seed in args.seeds]
    runs = []
    for name, seed in progress(jobs, desc="rbf_network"):
        runs += run_seed(name, sets[name], seed, args)
    summary = [
        {"dataset": name, "model": model, "parameters": rows[0]["parameters"],
         **summarise(rows, ["test_error"])}
        for name in args.dataset
        for model in MODELS
        for rows in [[r for r in runs if (r["dataset"], r["model"]) == (name, model)]]
    ]
    for row in errors_table(runs):
        print(" | ".join(str(v) for v in row.values()))
    results = {"config": vars(args), "summary": summary, "runs": runs}
    write_results(args.out, "rbf_network", results, tables={"summary": summary, "runs": runs})
    return results


if __name__ == "__main__":
    main()
