"""Deep sharing ensembles (seed 004): the depth study, tabular sets (LETTER) and text (IMDB).

Three experiments, one sub-command each:

- `depth`: section 4.1 / figure 2. Tanh CNNs of 2, 4, ... 3x3x64 same convolutions,
  no pooling; the plain net has one softmax on top, the sharing ensemble 5 heads
  every two layers, equal soft vote. Test accuracy against depth (PNG + table).
- `tabular`: Table 7 (LETTER): pyramid DNN (BN, leaky ReLU) against the same
  DNN with 20 heads, and, from the very same trained ensemble, its hard vote,
  its accuracy-weighted vote, its best single head (chosen on validation data)
  and its top-tap heads; plus a deeply-supervised net (one head per tap, the
  top one predicts). Default: scikit-learn's digits (no download).
- `text`: Table 6 (IMDB): 1-D CNN or LSTM, plain against sharing ensemble. A local
  `imdb.npz` is read without pickle (`load_token_npz`): padded 2-D integer arrays
  `x_train`/`x_test`, or each split's reviews concatenated (`x_train_tokens`) with
  their lengths (`x_train_lengths`); without one, keras.datasets downloads IMDB.

Every training: Adam, learning rate decaying exponentially from `--lr` to
`--min-lr` over the run (the paper's schedule), batch `--batch-size`, one run
per seed (`--seeds`: the split, the validation hold-out and the initial weights).
Writes `sharing_<experiment>_<dataset>.json`, its `_runs.csv` and `_summary.csv`
(mean ± std over seeds), and the depth study's plot.

    mlzoo run sharing_ensemble tabular                        # digits
    mlzoo run sharing_ensemble tabular --dataset letter --data-dir ../shared/data --seeds 0-4
    mlzoo run sharing_ensemble depth --data-dir ../shared/data --lr 0.01 --min-lr 0.001
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import keras
import numpy as np

from mlzoo import (
    build_sharing_ensemble_cnn,
    build_sharing_ensemble_mlp,
    build_sharing_ensemble_rnn,
    datasets,
)
from mlzoo.callbacks import accuracy_vote_weights
from mlzoo.datasets._common import offline_hint
from mlzoo.datasets.local_files import find_npz
from mlzoo.layers.ensemble_vote import predicted_classes
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import pm
from zoo_scripts._results import progress, pyplot, save_figure, summarise, write_results
from zoo_scripts._shared import cached_dataset


# ----------------------------------------------------------------------------- training
def compile_and_fit(model, x, y, args, seed: int) -> float:
    """Adam with the paper's exponential decay from `args.lr` to `args.min_lr`; seconds.

    lr(step) = lr · (min_lr / lr)^(step / (steps per epoch · epochs)).
    """
    epochs = args.epochs
    steps = int(np.ceil(len(x) / args.batch_size))
    schedule = keras.optimizers.schedules.ExponentialDecay(
        args.lr, decay_steps=steps, decay_rate=(args.min_lr / args.lr) ** (1.0 / epochs)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        steps_per_execution=args.steps_per_execution,
    )
    start = time.perf_counter()
    data = cached_dataset(x, y, args.batch_size, seed)
    model.fit(data, epochs=epochs, shuffle=False, verbose=0)
    return time.perf_counter() - start


def vote_accuracies(model, x_val, y_val, x_test, y_test) -> dict[str, float]:
    """Test accuracy (%) of the ensemble's votes and of its best head, from one trained model."""
    heads_val, heads_test = model.predict_heads(x_val), model.predict_heads(x_test)
    val_acc = (predicted_classes(heads_val) == y_val).mean(-1)
    test_classes = predicted_classes(heads_test)
    test_acc = (test_classes == y_test).mean(-1)
    num_classes = heads_test.shape[-1]

    def acc(probabilities):
        return float(100 * np.mean(predicted_classes(probabilities) == y_test))

    weights = accuracy_vote_weights(val_acc, num_classes)
    # hard votes: one-hot decisions (one-unit sigmoid heads: the 0/1 decision itself)
    hard = np.eye(num_classes)[test_classes] if num_classes > 1 else test_classes[..., None]
    taps = np.asarray(model.head_taps)
    return {
        "soft_vote": acc(heads_test.mean(0)),
        "hard_vote": acc(hard.mean(0)),
        "accuracy_weighted_vote": acc(np.einsum("hnc,h->nc", heads_test, weights / weights.sum())),
        "best_head_by_validation": float(100 * test_acc[val_acc.argmax()]),
        "best_head_oracle": float(100 * test_acc.max()),
        "top_tap_vote": acc(heads_test[taps == taps.max()].mean(0)),
        "per_tap_vote": [acc(heads_test[taps == t].mean(0)) for t in range(taps.max() + 1)],
    }


def accuracy(model, x, y) -> float:
    return float(100 * np.mean(predicted_classes(model.predict(x, verbose=0)) == y))


def model_rows(runs: list[dict], keys: list[str]) -> list[dict]:
    """One summary row per key (a model or a vote): mean, std (ddof 1) and count over runs."""
    rows = []
    for key in keys:
        stats = summarise((run for run in runs if key in run), [key])
        rows.append(
            {"model": key, "mean": stats[f"{key}_mean"], "std": stats[f"{key}_std"]}
            | {"runs": stats["n"]}
        )
    return rows


# ----------------------------------------------------------------------------- tabular
def load_tabular(args, seed: int):
    (x, y), (x_test, y_test) = datasets.load(
        args.dataset, args.data_dir, scale=True, split_seed=seed
    )
    x, x_test = x.reshape(len(x), -1), x_test.reshape(len(x_test), -1)
    (x_train, y_train), (x_val, y_val) = datasets.stratified_split(
        x, y, 1.0 - args.validation_fraction, seed=seed
    )
    return x_train, y_train, x_val, y_val, x_test, y_test


def run_tabular(args) -> dict:
    runs = []
    for seed in progress(args.seeds, desc=args.dataset, unit="seed"):
        x, y, x_val, y_val, x_test, y_test = load_tabular(args, seed)
        num_classes = int(y.max()) + 1
        common = {"depth": args.depth, "first_units": args.first_units}
        if args.paper_init:  # section 4: "every layer's weights initialised with variance 0.5"
            common["kernel_initializer"] = keras.initializers.RandomNormal(stddev=0.5**0.5)
        run = {"seed": seed}
        builds = {
            "plain": dict(head_every=args.depth, heads_per_tap=1),
            "deeply_supervised": dict(heads_per_tap=1, vote_weights="top"),
            "ensemble": dict(heads_per_tap=args.heads_per_tap),
        }
        for name, options in builds.items():
            keras.utils.set_random_seed(seed)
            model = build_sharing_ensemble_mlp(x.shape[1], num_classes, **common, **options)
            run[f"{name}_seconds"] = compile_and_fit(model, x, y, args, seed)
            run[name] = accuracy(model, x_test, y_test)
            if name == "ensemble":
                details = vote_accuracies(model, x_val, y_val, x_test, y_test)
                run["per_tap_vote"] = details.pop("per_tap_vote")
                run |= details
        runs.append(run)
        print(
            f"seed {seed}: plain {run['plain']:.2f}  DSN "
            f"{run['deeply_supervised']:.2f}  ensemble {run['ensemble']:.2f}  best head "
            f"{run['best_head_by_validation']:.2f}  (% test accuracy)"
        )
    keys = ["plain", "deeply_supervised", "ensemble", "hard_vote", "accuracy_weighted_vote"]
    keys += ["best_head_by_validation", "best_head_oracle", "top_tap_vote"]
    keys += ["plain_seconds", "ensemble_seconds"]
    return {"summary": model_rows(runs, keys), "runs": runs}


# ----------------------------------------------------------------------------- depth
def load_images(args):
    (x, y), (x_test, y_test) = datasets.load(args.dataset, args.data_dir)
    train = np.random.default_rng(0).permutation(len(x))[: args.train_size]  # may be class-ordered
    x, y, x_test, y_test = x[train], y[train], x_test[: args.test_size], y_test[: args.test_size]

    def prepare(images):
        images = images.astype("float32") / 255.0
        factor = images.shape[1] // args.image_size
        if factor > 1:  # mean-pool to the requested size (e.g. 28 -> 14)
            n, h, w = images.shape[:3]
            images = images.reshape(n, h // factor, factor, w // factor, factor).mean((2, 4))
        return images

    return prepare(x), y.astype("int64"), prepare(x_test), y_test.astype("int64")


def run_depth(args) -> dict:
    x, y, x_test, y_test = load_images(args)
    runs = []
    jobs = [(s, d, m) for s in args.seeds for d in args.depths for m in args.models]
    for seed, depth, name in progress(jobs, desc="depth study", unit="model"):
        options = {
            "plain": dict(head_every=depth, heads_per_tap=1),
            "deeply_supervised": dict(heads_per_tap=1, vote_weights="top"),
            "ensemble": dict(heads_per_tap=args.heads_per_tap),
        }[name]
        keras.utils.set_random_seed(seed)
        model = build_sharing_ensemble_cnn(
            x.shape[1:],
            10,
            filters=[args.filters] * depth,
            strides=[1] * depth,
            activation="tanh",
            batch_norm=False,
            **options,
        )
        seconds = compile_and_fit(model, x, y, args, seed)
        run = {"seed": seed, "depth": depth, "model": name}
        run |= {"test_accuracy": accuracy(model, x_test, y_test), "seconds": seconds}
        if name == "ensemble":
            taps = vote_accuracies(model, x_test, y_test, x_test, y_test)["per_tap_vote"]
            run["per_tap_vote"] = taps
        runs.append(run)
        print(
            f"seed {seed} depth {depth:2d} {name:18s} {run['test_accuracy']:6.2f} % "
            f"({seconds:.0f} s)"
        )
    return {"summary": depth_summary(runs), "runs": runs}


def depth_summary(runs: list[dict]) -> list[dict]:
    """Test accuracy per model and depth: mean, std (ddof 1) and count over seeds."""
    summary = []
    for name in dict.fromkeys(run["model"] for run in runs):
        for depth in dict.fromkeys(run["depth"] for run in runs):
            chosen = [r for r in runs if r["model"] == name and r["depth"] == depth]
            stats = summarise(chosen, ["test_accuracy"])
            summary.append(
                {"model": name, "depth": depth, "mean": stats["test_accuracy_mean"]}
                | {"std": stats["test_accuracy_std"], "runs": stats["n"]}
            )
    return summary


def plot_depth(results: dict, path: Path, title: str) -> None:
    """Test accuracy against depth, mean ± std over seeds, one line per model."""
    fig, ax = pyplot().subplots(figsize=(6, 4))
    for name in dict.fromkeys(row["model"] for row in results["summary"]):
        rows = [row for row in results["summary"] if row["model"] == name]
        ax.errorbar(
            [r["depth"] for r in rows],
            [r["mean"] for r in rows],
            yerr=[r["std"] for r in rows],
            marker="o",
            capsize=3,
            label=name.replace("_", " "),
        )
    ax.set_xlabel("conv layers (tanh, 3x3x64, no pooling)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path, dpi=120)


# ----------------------------------------------------------------------------- text
def load_token_npz(path) -> tuple:
    """`((x_train, y_train), (x_test, y_test))` of token-id sequences from a pickle-free `.npz`.

    Each split's reviews as a padded 2-D integer array `x_<split>`, or as one
    flat integer array `x_<split>_tokens` with the reviews' lengths in
    `x_<split>_lengths` (ragged sequences without object arrays). Object
    arrays (keras.datasets' own layout) need pickle, which can run code from
    the file: they are refused with the conversion to do once.
    """
    splits = []
    with np.load(path, allow_pickle=False) as data:
        for split in ("train", "test"):
            try:
                if f"x_{split}_tokens" in data.files:
                    tokens = data[f"x_{split}_tokens"]
                    lengths = data[f"x_{split}_lengths"]
                    if tokens.ndim != 1 or lengths.ndim != 1 or lengths.sum() != len(tokens):
                        raise SystemExit(
                            f"{path}: x_{split}_lengths must sum to the length of the flat "
                            f"x_{split}_tokens array."
                        )
                    x = np.split(tokens, np.cumsum(lengths)[:-1])
                else:
                    x = data[f"x_{split}"]
                y = data[f"y_{split}"]
            except ValueError as error:  # object arrays need allow_pickle
                if "allow_pickle" not in str(error):
                    raise
                raise SystemExit(
                    f"{path} holds object arrays (ragged sequences pickled, as keras.datasets "
                    "stores IMDB); mlzoo loads .npz files without pickle, which could run code "
                    "from the file. Convert it once, where you trust it: for each split, "
                    "np.savez(out, x_train_tokens=np.concatenate(x_train), "
                    "x_train_lengths=[len(s) for s in x_train], y_train=y_train, ...)."
                ) from None
            except KeyError as error:
                raise SystemExit(f"{path} lacks the array {error}.") from None
            splits.append((x, y))
    return tuple(splits)


def load_imdb(args):
    """A local `imdb.npz` (`load_token_npz`) from --data-dir or $MLZOO_DATA_DIR, else download."""
    path = find_npz(args.dataset, args.data_dir)
    if path is not None:
        return load_token_npz(path)
    try:
        return keras.datasets.imdb.load_data(num_words=args.vocabulary)
    except Exception as error:  # offline: urllib / HTTP errors of every kind
        raise SystemExit(
            f"No {args.dataset}.npz in --data-dir or $MLZOO_DATA_DIR, and the keras.datasets "
            f"IMDB download failed ({type(error).__name__}). {offline_hint(args.dataset)} "
            "x_train_tokens/x_test_tokens hold the token ids of the reviews one after another, "
            "x_train_lengths/x_test_lengths their lengths, y_train/y_test 0/1."
        ) from None


def run_text(args) -> dict:
    (x, y), (x_test, y_test) = load_imdb(args)
    pad = keras.utils.pad_sequences
    x = pad(x, maxlen=args.sequence_length, value=0)
    x_test = pad(x_test, maxlen=args.sequence_length, value=0)
    vocab = int(max(x.max(), x_test.max())) + 1
    runs = []
    for seed in progress(args.seeds, desc=args.dataset, unit="seed"):
        run = {"seed": seed}
        for name, options in {
            "plain": dict(head_every=len(args.units), heads_per_tap=1),
            "ensemble": dict(heads_per_tap=args.heads_per_tap),
        }.items():
            keras.utils.set_random_seed(seed)
            model = build_sharing_ensemble_rnn(
                1,
                vocab_size=vocab,
                sequence_length=args.sequence_length,
                kind=args.kind,
                units=args.units,
                **options,
            )
            run[f"{name}_seconds"] = compile_and_fit(model, x, y, args, seed)
            run[name] = accuracy(model, x_test, y_test)
        runs.append(run)
    return {"summary": model_rows(runs, ["plain", "ensemble"]), "runs": runs}


# ----------------------------------------------------------------------------- docs tables
def depth_table(runs: list[dict]) -> list[dict]:
    """docs: plain against ensemble per depth, mean ± std (ddof 1) with each run in brackets,
    and the mean over runs of each tap's 5-head vote (lowest tap first)."""
    rows = []
    for depth in dict.fromkeys(run["depth"] for run in runs):
        row: dict = {"depth": depth}
        chosen = []
        for name in ("plain", "ensemble"):
            chosen = [r for r in runs if r["depth"] == depth and r["model"] == name]
            stats = summarise(chosen, ["test_accuracy"])
            each = ", ".join(f"{r['test_accuracy']:.1f}" for r in chosen)
            cell = pm(stats["test_accuracy_mean"], stats["test_accuracy_std"])
            row[f"{name} (%)"] = f"{cell} ({each})"
        taps = [_taps(r["per_tap_vote"]) for r in chosen]  # the ensemble's runs
        row["ensemble: vote of each tap's 5 heads (%), lowest tap first"] = ", ".join(
            f"{v:.1f}" for v in np.mean(taps, axis=0)
        )
        rows.append(row)
    return rows


def _taps(value) -> list[float]:
    """A run's per-tap votes: a list, or its text in a CSV cell ("[85.1, 86.0]")."""
    if isinstance(value, str):
        return [float(v) for v in value.strip("[]").split(",")]
    return value


LETTER_ROWS = {
    "plain": "plain DNN (one head on top)",
    "deeply_supervised": "deeply-supervised net (top head predicts)",
    "ensemble": "**sharing ensemble, soft vote (20 heads)**",
    "hard_vote": "sharing ensemble, hard vote",
    "accuracy_weighted_vote": "sharing ensemble, accuracy-weighted vote",
    "best_head_by_validation": "its best single head (chosen on validation)",
    "best_head_oracle": "its best single head (chosen on test: upper bound)",
    "top_tap_vote": "vote of its 5 top-layer heads",
}


def letter_table(adam: list[dict], paper_lr: list[dict], paper: list[dict]) -> list[dict]:
    """docs: LETTER test accuracy, mean ± std, of every model and vote under three trainings."""
    columns = {
        "Adam 1e-3 → 1e-5": adam,
        "paper's rates (Adam 0.5 → 0.001)": paper_lr,
        "paper's rates and initialisation (variance 0.5)": paper,
    }
    summaries = {label: {r["model"]: r for r in rows} for label, rows in columns.items()}
    return [
        {"model": text}
        | {label: pm(s[key]["mean"], s[key]["std"]) for label, s in summaries.items()}
        for key, text in LETTER_ROWS.items()
    ]


def bn_momentum_table(results: dict) -> list[dict]:
    """docs/sharing_ensemble.md: test accuracy against BatchNormalization momentum."""
    rows = []
    for row in results["rows"]:
        cells = {"data (training steps)": f"{row['data']} ({row['training_steps']})"}
        for column, value in row["test_accuracy"].items():
            text = (
                f"{value['mean']:.1f} ({value['min']:.1f}–{value['max']:.1f})"
                if isinstance(value, dict)
                else f"{value:.1f}"
            )
            label = {"0.99": "momentum 0.99", "0.9": "0.9 (default)"}.get(column, column)
            cells[label] = f"**{text}**" if column == "0.9" else text
        rows.append(cells)
    return rows


# ----------------------------------------------------------------------------- main
# experiment: (default dataset, epochs, batch size)
EXPERIMENTS = {"tabular": ("digits", 30, 128), "depth": ("mnist", 5, 100), "text": ("imdb", 3, 64)}
QUICK = {
    "tabular": {"seeds": [0], "epochs": 2, "depth": 4, "first_units": 64},
    "depth": {
        "seeds": [0], "epochs": 2, "depths": [2, 4], "filters": 8, "train_size": 200,
        "test_size": 200,
    },
    "text": {"seeds": [0], "epochs": 2, "units": [8, 8], "sequence_length": 20},
}


def parse_args(argv=None):
    """The experiment (first positional word), then its flags with its own defaults."""
    argv = list(sys.argv[1:] if argv is None else argv)
    experiment = next((word for word in argv if word in EXPERIMENTS), None)
    if experiment is None:
        chooser = ExperimentParser("sharing_ensemble", __doc__)
        chooser.add_argument("experiment", choices=list(EXPERIMENTS))
        chooser.parse_args(argv)  # exits: --help, or the experiment is missing
    argv.remove(experiment)
    dataset, epochs, batch_size = EXPERIMENTS[experiment]
    parser = ExperimentParser(
        "sharing_ensemble", __doc__, dataset=dataset, seeds=[0, 1, 2], epochs=epochs,
        batch_size=batch_size, steps_per_execution=8,
    )
    parser.prog += f" {experiment}"
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam's initial rate")
    parser.add_argument("--min-lr", type=float, default=1e-5, help="rate at the end")
    parser.add_argument("--heads-per-tap", type=int, default=5)
    if experiment == "tabular":
        parser.add_argument("--depth", type=int, default=8)
        parser.add_argument("--first-units", type=int, default=512)
        parser.add_argument("--validation-fraction", type=float, default=0.1)
        parser.add_argument(
            "--paper-init", action="store_true", help="hidden kernels ~ N(0, 0.5), as section 4"
        )
    if experiment == "depth":
        parser.add_argument("--depths", type=int, nargs="+", default=[2, 4, 6, 8, 10, 12])
        parser.add_argument(
            "--models",
            nargs="+",
            default=["plain", "ensemble"],
            choices=["plain", "deeply_supervised", "ensemble"],
        )
        parser.add_argument("--filters", type=int, default=64)
        parser.add_argument("--image-size", type=int, default=14, help="28 or 14 (2x2 mean pool)")
        parser.add_argument("--train-size", type=int, default=2000)
        parser.add_argument("--test-size", type=int, default=2000)
    if experiment == "text":
        parser.add_argument("--kind", choices=["conv1d", "lstm"], default="conv1d")
        parser.add_argument("--units", type=int, nargs="+", default=[64, 64, 64, 64])
        parser.add_argument("--sequence-length", type=int, default=500)
        parser.add_argument(
            "--vocabulary", type=int, default=20000, help="most frequent words kept"
        )
    args = parser.parse(argv, quick=QUICK[experiment])
    args.experiment = experiment
    if args.heads_per_tap < 1:
        parser.error("--heads-per-tap must be >= 1")
    if not 0 < args.min_lr <= args.lr:
        parser.error("--min-lr must be in (0, --lr]")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    run = {"tabular": run_tabular, "depth": run_depth, "text": run_text}[args.experiment]
    config = {k: v for k, v in vars(args).items() if k not in ("out", "quick")}
    results = {"config": config} | run(args)
    name = f"sharing_{args.experiment}_{args.dataset}"
    tables = {"runs": results["runs"], "summary": results["summary"]}
    write_results(args.out, name, results, tables=tables)
    if args.experiment == "depth":
        title = (
            f"{args.dataset} {args.image_size}x{args.image_size}, {args.train_size} training "
            f"images, {args.epochs} epochs, {len(args.seeds)} seed(s)"
        )
        plot_depth(results, args.out / f"{name}.png", title)
    print(f"\n{args.experiment} on {args.dataset}: test accuracy % over {len(args.seeds)} runs")
    for row in results["summary"]:
        label = row["model"] + (f" depth {row['depth']}" if "depth" in row else "")
        print(f"{label:32s} {row['mean']:8.2f} ± {row['std']:.2f}")
    print(f"results in {args.out}/")
    return results


if __name__ == "__main__":
    main()
