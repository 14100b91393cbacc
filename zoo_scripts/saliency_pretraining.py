"""Saliency-assisted pre-training (seed 003): pre-train on unlabelled images, fine-tune on labels.

The thesis's STL-10 protocol (unsupervised pre-training on the unlabelled
images, supervised fine-tuning on 1,000 labelled ones — section 3.4.2's folds;
its fully connected runs used all 5,000 training labels — then the test split)
on any set with an unlabelled part, with `--labels-per-class` labels per class:

- `cifar10_small` (`--data-dir`, or `$MLZOO_DATA_DIR`): its 10,000 unlabelled
  images plus the 10,000 training images without their labels are the
  unlabelled pool; each label draw takes 100 labelled images per class.
- `stl10` (tensorflow-datasets, needs internet): 96x96 images; saliency at 96x96
  with patch size 3, then images and maps are reduced to 32x32 (section 2.4.3).
- `shapes` (generated, no file): quick runs and tests.

Methods: none (random initialisation), dae, foreground, saliency_first,
saliency_all, dual_path — for the fully connected net (`--model mlp`, section
2.4; default the thesis's small 3072-500-500-1000-10 with 800-unit auxiliary
layers) and the convolutional net on 24x24 crops (`--model cnn`, section 3.4.1:
random crops while training, the centre crop at test). Each method pre-trains
once per pre-training seed (`--seeds`), then fine-tunes from those weights on
`--label-draws` different labelled subsets; the summary gives test accuracy
mean +- std over all of them and the differences to "none" and "dae" paired
by seed and draw. Writes `<model>.json`, `<model>_runs.csv`,
`<model>_summary.csv`, first-layer weight tiles, deeper weights projected to
the image (MLP), reconstructions and saliency reconstructions (PNG), and the
saliency speed. `--combine DIR ...` summarises the runs of several run folders
(e.g. seeds run in parallel).

    mlzoo run saliency_pretraining --dataset shapes --quick
    mlzoo run saliency_pretraining --data-dir ../shared/data --model mlp --seeds 0 1
    mlzoo run saliency_pretraining --data-dir ../shared/data --model cnn --seeds 0-2
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mlzoo.datasets import load_semi_supervised
from mlzoo.models.autoencoders import (
    METHODS,
    GreedyPretrainer,
    build_pretrainable_cnn,
    build_pretrainable_mlp,
)
from mlzoo.saliency import geodesic_saliency
from mlzoo.visualization import (
    conv_kernel_tiles,
    image_grid,
    project_to_input,
    save_png,
    weight_tiles,
)
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import progress, read_results, summarise, write_results
from zoo_scripts._shared import cached_dataset

ALL_METHODS = ("none", *METHODS)
CROP = 24


# ----------------------------------------------------------------------------- data
def prepare(args):
    """Unlabelled images + maps, the labelled pool and the test set, all float32 in [0, 1]."""
    unlabelled, ((x_pool, y_pool), (x_test, y_test)) = load_semi_supervised(
        args.dataset, args.data_dir
    )
    pool_unlabelled = np.concatenate([unlabelled, x_pool])  # the pool's labels stay unused
    if args.quick:
        pool_unlabelled = pool_unlabelled[:600]
        x_test, y_test = x_test[:300], y_test[:300]
    patch = 3 if pool_unlabelled.shape[1] == 96 else 1
    start = time.perf_counter()
    maps = geodesic_saliency(pool_unlabelled, patch_size=patch)
    seconds = time.perf_counter() - start
    speed = {
        "images": len(pool_unlabelled),
        "image_size": int(pool_unlabelled.shape[1]),
        "patch_size": patch,
        "seconds": seconds,
        "images_per_second": len(pool_unlabelled) / seconds,
    }
    if patch == 3:  # STL-10: maps at 96x96, then everything at 32x32 (section 2.4.3)
        maps = maps.reshape(len(maps), 32, 3, 32, 3).mean((2, 4))
        pool_unlabelled, x_pool, x_test = (_shrink(x) for x in (pool_unlabelled, x_pool, x_test))
    return {
        "unlabelled": _scale(pool_unlabelled),
        "maps": maps.astype("float32"),
        "x_pool": _scale(x_pool),
        "y_pool": y_pool,
        "x_test": _scale(x_test),
        "y_test": y_test,
        "num_classes": int(y_pool.max()) + 1,
        "saliency_speed": speed,
    }


def _scale(images: np.ndarray) -> np.ndarray:
    return images.astype("float32") / 255.0


def _shrink(images: np.ndarray) -> np.ndarray:
    n, size = len(images), images.shape[1] // 3
    return images.reshape(n, size, 3, size, 3, -1).mean((2, 4)).astype("uint8")


def label_draw(y: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Indices of `per_class` labelled images of every class."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in np.unique(y)]
    return rng.permutation(np.concatenate(picks))


def random_crop(image, saliency_map=None):
    """tf.data map function (one example): a random 24x24 crop, the same for its map."""
    stacked = image if saliency_map is None else tf.concat([image, saliency_map[..., None]], -1)
    crop = tf.image.random_crop(stacked, (CROP, CROP, stacked.shape[-1]))
    return crop if saliency_map is None else (crop[..., :-1], crop[..., -1])


def centre_crop(images: np.ndarray) -> np.ndarray:
    offset = (images.shape[1] - CROP) // 2
    return images[:, offset : offset + CROP, offset : offset + CROP]


# ----------------------------------------------------------------------------- models
def build(args, data) -> keras.Model:
    if args.model == "cnn":
        return build_pretrainable_cnn((CROP, CROP, 3), data["num_classes"])
    return build_pretrainable_mlp(data["unlabelled"].shape[1:], data["num_classes"], args.hidden)


def pretrainer_for(args, method: str, seed: int) -> GreedyPretrainer:
    return GreedyPretrainer(
        method,
        noise=args.noise,
        noise_level=args.noise_level,
        saliency_weight=args.saliency_weight,
        saliency_weight_decay=args.saliency_weight_decay,
        foreground_eps=args.eps,
        auxiliary_units=args.auxiliary_units,
        epochs=args.pretrain_epochs,
        batch_size=args.batch_size,
        learning_rate=args.pretrain_lr,
        steps_per_execution=args.steps_per_execution,
        verbose=args.verbose,
        seed=seed,
    )


def pretraining_data(args, data):
    """Arrays for the MLP; for the CNN a dataset of random 24x24 crops (images and maps)."""
    if args.model == "mlp":
        return data["unlabelled"], data["maps"]
    dataset = tf.data.Dataset.from_tensor_slices((data["unlabelled"], data["maps"]))
    dataset = dataset.shuffle(len(data["maps"])).map(random_crop, tf.data.AUTOTUNE)
    return dataset.batch(args.batch_size).prefetch(tf.data.AUTOTUNE), None


def fine_tune(args, model, x, y, data, seed: int) -> float:
    """Fine-tune every layer on the labelled draw; test accuracy (%)."""
    keras.utils.set_random_seed(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(args.finetune_lr),
        loss="sparse_categorical_crossentropy",
        steps_per_execution=args.steps_per_execution,
    )
    if args.model == "cnn":
        train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x))
        train = train.map(lambda a, b: (random_crop(a), b), tf.data.AUTOTUNE)
        train = train.batch(64).prefetch(tf.data.AUTOTUNE)
        model.fit(train, epochs=args.finetune_epochs, shuffle=False, verbose=0)
        x_test = centre_crop(data["x_test"])
    else:
        train = cached_dataset(x, y, batch_size=64, seed=seed)
        model.fit(train, epochs=args.finetune_epochs, shuffle=False, verbose=0)
        x_test = data["x_test"]
    predicted = model.predict(x_test, batch_size=500, verbose=0).argmax(1)
    return float(100 * np.mean(predicted == data["y_test"]))


# ----------------------------------------------------------------------------- pictures
def save_pictures(args, method, model, pretrainer, data, out: Path) -> None:
    """First-layer weights, deeper weights projected to the image, reconstructions."""
    prefix = out / f"{args.model}_{method}"
    first = model.get_layer("encoder_1").kernel.numpy()
    if args.model == "mlp":
        image_shape = data["unlabelled"].shape[1:]
        save_png(
            weight_tiles(first, image_shape, max_tiles=100),
            f"{prefix}_weights_1.png",
            scale=2,
        )
        second = model.get_layer("encoder_2")
        projected = project_to_input(
            [first, second.kernel.numpy()], [model.get_layer("encoder_1").bias.numpy()]
        )
        save_png(
            weight_tiles(projected, image_shape, max_tiles=100),
            f"{prefix}_weights_2.png",
            scale=2,
        )
    else:
        save_png(conv_kernel_tiles(first), f"{prefix}_kernels_1.png", scale=8)
    if pretrainer is None:
        return
    x, maps = data["x_test"][:10], geodesic_saliency((data["x_test"][:10] * 255).astype("uint8"))
    if args.model == "cnn":
        x, maps = centre_crop(x), centre_crop(maps)
    stage = pretrainer.stages[0]
    rows = [x, np.asarray(stage(x)).reshape(x.shape)]
    if stage.saliency_head is not None:
        rows += [maps, np.asarray(stage.reconstruct_saliency(x)).reshape(maps.shape)]
    save_png(image_grid(rows), f"{prefix}_reconstructions.png", scale=3)


# ----------------------------------------------------------------------------- run
def run(args) -> dict:
    """Every method x pre-training seed x label draw; the runs and their paired summary."""
    data = prepare(args)
    draws = [
        label_draw(data["y_pool"], args.labels_per_class, seed) for seed in range(args.label_draws)
    ]
    runs = []
    jobs = [(method, seed) for method in args.methods for seed in args.seeds]
    for method, pretrain_seed in progress(jobs, desc="pre-training", unit="model"):
        keras.utils.set_random_seed(1000 + pretrain_seed)
        model = build(args, data)
        pretrainer, seconds = None, 0.0
        if method != "none":
            pretrainer = pretrainer_for(args, method, pretrain_seed)
            start = time.perf_counter()
            pretrainer.pretrain(model, *pretraining_data(args, data))
            seconds = time.perf_counter() - start
        if pretrain_seed == args.seeds[0]:
            save_pictures(args, method, model, pretrainer, data, args.out)
        initial = model.get_weights()
        for draw, index in enumerate(draws):
            model.set_weights(initial)
            accuracy = fine_tune(
                args, model, data["x_pool"][index], data["y_pool"][index], data, draw
            )
            runs.append(
                {
                    "method": method,
                    "pretrain_seed": pretrain_seed,
                    "label_draw": draw,
                    "test_accuracy": accuracy,
                    "pretrain_seconds": round(seconds, 1),
                }
            )
            print(f"{method:15s} pretrain seed {pretrain_seed} draw {draw}: {accuracy:.2f} %")
    config = {k: v for k, v in vars(args).items() if k not in ("out", "combine", "quick")}
    return {"config": config, "saliency_speed": data["saliency_speed"], "runs": runs}


def paired_summary(runs: list[dict]) -> list[dict]:
    """Mean ± std (ddof 1) per method, and the paired differences to "none" and "dae".

    A pair is the same pre-training seed (same initial weights) and label draw:
    vs_base = mean over pairs of (accuracy − accuracy of base), vs_base_std its std.
    """
    by_method: dict[str, dict] = {}
    for run in runs:
        key = (run["pretrain_seed"], run["label_draw"])
        by_method.setdefault(run["method"], {})[key] = run["test_accuracy"]
    rows = []
    for method, accuracies in by_method.items():
        stats = summarise(({"a": a} for a in accuracies.values()), ["a"])
        row = {"method": method, "mean": stats["a_mean"], "std": stats["a_std"], "runs": stats["n"]}
        for base in ("none", "dae"):
            pairs = [k for k in accuracies if k in by_method.get(base, {})]
            if pairs:
                diffs = summarise(
                    ({"d": accuracies[k] - by_method[base][k]} for k in pairs), ["d"]
                )
                row[f"vs_{base}"], row[f"vs_{base}_std"] = diffs["d_mean"], diffs["d_std"]
        rows.append(row)
    return rows


def _signed(row: dict, key: str) -> str | None:
    """`+1.23 ± 0.45` from row[key] and row[key_std]; None where the pair is missing."""
    if row.get(key) in (None, ""):
        return None
    return f"{row[key]:+.2f} ± {row[key + '_std']:.2f}"


def methods_table(summary: list[dict]) -> list[dict]:
    """docs: test accuracy % per method, and the paired differences to none and dae."""
    return [
        {
            "method": row["method"],
            "accuracy": f"{row['mean']:.2f} ± {row['std']:.2f}",
            "runs": row["runs"],
            "vs none": _signed(row, "vs_none") or "–",
            "vs dae": _signed(row, "vs_dae") or "–",
        }
        for row in summary
    ]


def overview_table(mlp: list[dict], cnn: list[dict]) -> list[dict]:
    """docs/saliency_autoencoders.md: none and DAE accuracy, the saliency variants vs DAE."""
    columns = {
        "foreground": "foreground",
        "saliency_first": "saliency, layer 1",
        "saliency_all": "saliency, every layer",
        "dual_path": "dual path",
    }
    nets = {"MLP 3072-500-500-1000-10": mlp, "CNN of section 3.4.1": cnn}
    rows = []
    for net, summary in nets.items():
        by_method = {row["method"]: row for row in summary}
        runs = by_method["dae"]["runs"]
        row = {"": f"{net} ({runs} runs)"}
        row |= {
            label: f"{by_method[method]['mean']:.2f} ± {by_method[method]['std']:.2f}"
            for method, label in (("none", "none"), ("dae", "DAE / CAE"))
        }
        gains = {m: by_method[m]["vs_dae"] for m in columns}
        best = max(gains, key=gains.get)
        for method, label in columns.items():
            cell = _signed(by_method[method], "vs_dae").replace("-", "−")
            row[label] = f"**{cell}**" if method == best and gains[best] > 0 else cell
        rows.append(row)
    return rows


def finish(args, results: dict) -> dict:
    """Add the summary, write the run folder, print the table."""
    results["summary"] = paired_summary(results["runs"])
    tables = {"runs": results["runs"], "summary": results["summary"]}
    write_results(args.out, args.model, results, tables=tables)
    print(
        f"{args.dataset}, {args.model}: test accuracy % (mean ± std over runs); differences "
        "paired by pre-training seed and label draw (mean ± std)"
    )
    print(markdown_table(methods_table(results["summary"])))
    return results


def combine(args) -> dict:
    """One summary over the runs of several run folders (e.g. seeds run in parallel)."""
    parts = [read_results(Path(d) / f"{args.model}.json") for d in args.combine]
    return {
        "config": [part["config"] for part in parts],
        "saliency_speed": [part["saliency_speed"] for part in parts],
        "runs": [run for part in parts for run in part["runs"]],
    }


QUICK = {
    "hidden": [32, 16, 32],
    "pretrain_epochs": 1,
    "finetune_epochs": 2,
    "labels_per_class": 10,
    "label_draws": 2,
    "verbose": 0,
}


def parse_args(argv=None):
    parser = ExperimentParser(
        "saliency_pretraining", __doc__, dataset="cifar10_small", seeds=[0], batch_size=128,
        steps_per_execution=8,
    )
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--methods", nargs="+", choices=ALL_METHODS, default=list(ALL_METHODS))
    parser.add_argument(
        "--hidden", type=int, nargs="+", default=[500, 500, 1000], help="the thesis's small net"
    )
    parser.add_argument(
        "--auxiliary-units", type=int, nargs="+", default=None,
        help="MLP default: 800 per layer below the top (quick: 16); CNN: the encoders' widths",
    )
    parser.add_argument("--noise", choices=["mask", "gaussian"], default="mask")
    parser.add_argument("--noise-level", type=float, default=0.25)
    parser.add_argument("--saliency-weight", type=float, default=1.0, help="lambda")
    parser.add_argument(
        "--saliency-weight-decay", type=float, default=None, help="default: MLP 0.1, CNN 0"
    )
    parser.add_argument("--eps", type=float, default=0.2, help="foreground epsilon")
    parser.add_argument("--pretrain-epochs", type=int, default=5, help="per layer")
    parser.add_argument("--pretrain-lr", type=float, default=1e-3)
    parser.add_argument("--finetune-epochs", type=int, default=30)
    parser.add_argument("--finetune-lr", type=float, default=1e-4)
    parser.add_argument("--labels-per-class", type=int, default=100)
    parser.add_argument("--label-draws", type=int, default=5)
    parser.add_argument("--combine", nargs="+", default=None, help="summarise these run folders")
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse(argv, quick=QUICK)
    for name in ("pretrain_epochs", "finetune_epochs", "label_draws", "labels_per_class"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.auxiliary_units is None and args.model == "mlp":  # section 2.4.4: 800-unit layers
        args.auxiliary_units = [16 if args.quick else 800] * (len(args.hidden) - 1)
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    return finish(args, combine(args) if args.combine else run(args))


if __name__ == "__main__":
    main()
