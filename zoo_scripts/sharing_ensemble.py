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
`--min-lr` over the run (the paper's schedule), batch `--batch-size`.

    python -m zoo_scripts.sharing_ensemble tabular                        # digits
    python -m zoo_scripts.sharing_ensemble tabular --dataset letter --data-dir ../shared/data
    python -m zoo_scripts.sharing_ensemble depth --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
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
from zoo_scripts._shared import write_run_folder


# ----------------------------------------------------------------------------- training
def compile_and_fit(model, x, y, args, epochs: int | None = None) -> float:
    """Adam with the paper's exponential decay from `args.lr` to `args.min_lr`; seconds."""
    epochs = epochs or args.epochs
    steps = int(np.ceil(len(x) / args.batch_size))
    schedule = keras.optimizers.schedules.ExponentialDecay(
        args.lr, decay_steps=steps, decay_rate=(args.min_lr / args.lr) ** (1.0 / epochs)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        steps_per_execution=args.steps_per_execution,
    )
    start = time.perf_counter()
    model.fit(x, y, batch_size=args.batch_size, epochs=epochs, verbose=0)
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


def summarise(runs: list[dict], keys: list[str], group: str | None = None) -> list[dict]:
    groups = sorted({run[group] for run in runs}) if group else [None]
    rows = []
    for value in groups:
        chosen = [run for run in runs if group is None or run[group] == value]
        for key in keys:
            values = [run[key] for run in chosen if key in run]
            if values:
                row = {group: value} if group else {}
                row |= {"model": key, "mean": float(np.mean(values)), "std": float(np.std(values))}
                rows.append(row | {"runs": len(values)})
    return rows


# ----------------------------------------------------------------------------- tabular
def load_tabular(args, repetition: int):
    (x, y), (x_test, y_test) = datasets.load(
        args.dataset, args.data_dir, scale=True, split_seed=repetition
    )
    x, x_test = x.reshape(len(x), -1), x_test.reshape(len(x_test), -1)
    (x_train, y_train), (x_val, y_val) = datasets.stratified_split(
        x, y, 1.0 - args.validation_fraction, seed=repetition
    )
    return x_train, y_train, x_val, y_val, x_test, y_test


def run_tabular(args) -> dict:
    runs = []
    for repetition in range(args.repetitions):
        x, y, x_val, y_val, x_test, y_test = load_tabular(args, repetition)
        num_classes = int(y.max()) + 1
        common = {"depth": args.depth, "first_units": args.first_units}
        if args.paper_init:  # section 4: "every layer's weights initialised with variance 0.5"
            common["kernel_initializer"] = keras.initializers.RandomNormal(stddev=0.5**0.5)
        run = {"repetition": repetition}
        builds = {
            "plain": dict(head_every=args.depth, heads_per_tap=1),
            "deeply_supervised": dict(heads_per_tap=1, vote_weights="top"),
            "ensemble": dict(heads_per_tap=args.heads_per_tap),
        }
        for name, options in builds.items():
            keras.utils.set_random_seed(repetition)
            model = build_sharing_ensemble_mlp(x.shape[1], num_classes, **common, **options)
            run[f"{name}_seconds"] = compile_and_fit(model, x, y, args)
            run[name] = accuracy(model, x_test, y_test)
            if name == "ensemble":
                details = vote_accuracies(model, x_val, y_val, x_test, y_test)
                run["per_tap_vote"] = details.pop("per_tap_vote")
                run |= details
        runs.append(run)
        print(
            f"repetition {repetition}: plain {run['plain']:.2f}  DSN "
            f"{run['deeply_supervised']:.2f}  ensemble {run['ensemble']:.2f}  best head "
            f"{run['best_head_by_validation']:.2f}  (% test accuracy)"
        )
    keys = ["plain", "deeply_supervised", "ensemble", "hard_vote", "accuracy_weighted_vote"]
    keys += ["best_head_by_validation", "best_head_oracle", "top_tap_vote"]
    keys += ["plain_seconds", "ensemble_seconds"]
    return {"summary": summarise(runs, keys), "runs": runs}


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
    for repetition in range(args.repetitions):
        for depth in args.depths:
            for name in args.models:
                options = {
                    "plain": dict(head_every=depth, heads_per_tap=1),
                    "deeply_supervised": dict(heads_per_tap=1, vote_weights="top"),
                    "ensemble": dict(heads_per_tap=args.heads_per_tap),
                }[name]
                keras.utils.set_random_seed(repetition)
                model = build_sharing_ensemble_cnn(
                    x.shape[1:],
                    10,
                    filters=[args.filters] * depth,
                    strides=[1] * depth,
                    activation="tanh",
                    batch_norm=False,
                    **options,
                )
                seconds = compile_and_fit(model, x, y, args)
                run = {"repetition": repetition, "depth": depth, "model": name}
                run |= {"test_accuracy": accuracy(model, x_test, y_test), "seconds": seconds}
                if name == "ensemble":
                    taps = vote_accuracies(model, x_test, y_test, x_test, y_test)["per_tap_vote"]
                    run["per_tap_vote"] = taps
                runs.append(run)
                print(
                    f"r{repetition} depth {depth:2d} {name:18s} {run['test_accuracy']:6.2f} % "
                    f"({seconds:.0f} s)"
                )
    summary = []
    for name in args.models:
        for depth in args.depths:
            values = [
                r["test_accuracy"] for r in runs if r["model"] == name and r["depth"] == depth
            ]
            summary.append(
                {"model": name, "depth": depth, "mean": float(np.mean(values))}
                | {"std": float(np.std(values)), "runs": len(values)}
            )
    return {"summary": summary, "runs": runs}


def plot_depth(results: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
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
    fig.savefig(path, dpi=120)
    plt.close(fig)


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
    for repetition in range(args.repetitions):
        run = {"repetition": repetition}
        for name, options in {
            "plain": dict(head_every=len(args.units), heads_per_tap=1),
            "ensemble": dict(heads_per_tap=args.heads_per_tap),
        }.items():
            keras.utils.set_random_seed(repetition)
            model = build_sharing_ensemble_rnn(
                1,
                vocab_size=vocab,
                sequence_length=args.sequence_length,
                kind=args.kind,
                units=args.units,
                **options,
            )
            run[f"{name}_seconds"] = compile_and_fit(model, x, y, args)
            run[name] = accuracy(model, x_test, y_test)
        runs.append(run)
    return {"summary": summarise(runs, ["plain", "ensemble"]), "runs": runs}


# ----------------------------------------------------------------------------- main
def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Deep sharing ensemble experiments (seed 004).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sub = parser.add_subparsers(dest="experiment", required=True)

    def common(p, dataset, epochs, lr, batch):
        p.add_argument("--dataset", default=dataset)
        p.add_argument("--data-dir", default=None, help="folder of <name>.npz files")
        p.add_argument("--repetitions", type=int, default=3)
        p.add_argument("--epochs", type=int, default=epochs)
        p.add_argument("--lr", type=float, default=lr, help="Adam's initial rate")
        p.add_argument("--min-lr", type=float, default=1e-5, help="rate at the end")
        p.add_argument("--batch-size", type=int, default=batch)
        p.add_argument("--heads-per-tap", type=int, default=5)
        p.add_argument("--steps-per-execution", type=int, default=8)
        p.add_argument("--quick", action="store_true", help="seconds: tiny sizes, 1 repetition")
        p.add_argument("--out", default=None, help="run folder")

    tabular = sub.add_parser("tabular", help="DNN vs DNN + sharing ensemble (Table 7)")
    common(tabular, "digits", 30, 1e-3, 128)
    tabular.add_argument("--depth", type=int, default=8)
    tabular.add_argument("--first-units", type=int, default=512)
    tabular.add_argument("--validation-fraction", type=float, default=0.1)
    tabular.add_argument(
        "--paper-init", action="store_true", help="hidden kernels ~ N(0, 0.5), as section 4"
    )

    depth = sub.add_parser("depth", help="tanh CNN depth study (section 4.1, figure 2)")
    common(depth, "mnist", 5, 1e-3, 100)
    depth.add_argument("--depths", type=int, nargs="+", default=[2, 4, 6, 8, 10, 12])
    depth.add_argument(
        "--models",
        nargs="+",
        default=["plain", "ensemble"],
        choices=["plain", "deeply_supervised", "ensemble"],
    )
    depth.add_argument("--filters", type=int, default=64)
    depth.add_argument("--image-size", type=int, default=14, help="28 or 14 (2x2 mean pool)")
    depth.add_argument("--train-size", type=int, default=2000)
    depth.add_argument("--test-size", type=int, default=2000)

    text = sub.add_parser("text", help="IMDB: 1-D CNN or LSTM vs sharing ensemble (Table 6)")
    common(text, "imdb", 3, 1e-3, 64)
    text.add_argument("--kind", choices=["conv1d", "lstm"], default="conv1d")
    text.add_argument("--units", type=int, nargs="+", default=[64, 64, 64, 64])
    text.add_argument("--sequence-length", type=int, default=500)
    text.add_argument("--vocabulary", type=int, default=20000, help="most frequent words kept")

    args = parser.parse_args(argv)
    for name in ("epochs", "repetitions", "batch_size", "heads_per_tap", "steps_per_execution"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if not 0 < args.min_lr <= args.lr:
        parser.error("--min-lr must be in (0, --lr]")
    if args.quick:
        args.repetitions, args.epochs = 1, 2
        if args.experiment == "depth":
            args.depths, args.filters, args.train_size, args.test_size = [2, 4], 8, 200, 200
        if args.experiment == "tabular":
            args.depth, args.first_units = 4, 64
        if args.experiment == "text":
            args.units, args.sequence_length = [8, 8], 20
    if args.out is None:
        args.out = f"runs/sharing_{args.experiment}_{args.dataset}"
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    run = {"tabular": run_tabular, "depth": run_depth, "text": run_text}[args.experiment]
    results = {"config": vars(args)} | run(args)
    write_run_folder(out, results)
    if args.experiment == "depth":
        title = (
            f"{args.dataset} {args.image_size}x{args.image_size}, {args.train_size} training "
            f"images, {args.epochs} epochs, R={args.repetitions}"
        )
        plot_depth(results, out / "depth.png", title)
    print(f"\n{args.experiment} on {args.dataset}: test accuracy % over {args.repetitions} runs")
    for row in results["summary"]:
        label = row["model"] + (f" depth {row['depth']}" if "depth" in row else "")
        print(f"{label:32s} {row['mean']:8.2f} ± {row['std']:.2f}")
    print(f"results in {out}/")
    return results


if __name__ == "__main__":
    main()
