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
once per `--pretrain-seeds`, then fine-tunes from those weights on
`--label-draws` different labelled subsets; the table gives test accuracy
mean +- std over all of them. Also writes first-layer weight tiles, deeper
weights projected to the image (MLP), reconstructions and saliency
reconstructions (PNG), and the saliency speed.

    python -m zoo_scripts.saliency_pretraining --dataset shapes --quick
    python -m zoo_scripts.saliency_pretraining --data-dir ../shared/data --model mlp
    python -m zoo_scripts.saliency_pretraining --data-dir ../shared/data --model cnn
"""

from __future__ import annotations

import argparse
import json
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
from zoo_scripts._shared import write_run_folder

ALL_METHODS = ("none", *METHODS)
CROP = 24


# ----------------------------------------------------------------------------- data
def prepare(args):
    """Unlabelled images + maps, the labelled pool and the test set, all float32 in [0, 1]."""
    unlabelled, ((x_pool, y_pool), (x_test, y_test)) = load_semi_supervised(
        args.dataset, args.data_dir
    )
    pool_unlabelled = np.concatenate([unlabelled, x_pool])  # the pool's labels stay unused
    if args.auxiliary_units is None and args.model == "mlp":
        args.auxiliary_units = [800] * (len(args.hidden) - 1)  # section 2.4.4: 800-unit layers
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
        steps_per_execution=8,
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
        steps_per_execution=8,
    )
    if args.model == "cnn":
        train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x))
        train = train.map(lambda a, b: (random_crop(a), b), tf.data.AUTOTUNE)
        train = train.batch(64).prefetch(tf.data.AUTOTUNE)
        model.fit(train, epochs=args.finetune_epochs, shuffle=False, verbose=0)
        x_test = centre_crop(data["x_test"])
    else:
        model.fit(x, y, batch_size=64, epochs=args.finetune_epochs, verbose=0)
        x_test = data["x_test"]
    predicted = model.predict(x_test, batch_size=500, verbose=0).argmax(1)
    return float(100 * np.mean(predicted == data["y_test"]))


# ----------------------------------------------------------------------------- pictures
def save_pictures(args, method, model, pretrainer, data, out: Path) -> None:
    """First-layer weights, deeper weights projected to the image, reconstructions."""
    first = model.get_layer("encoder_1").kernel.numpy()
    if args.model == "mlp":
        image_shape = data["unlabelled"].shape[1:]
        save_png(
            weight_tiles(first, image_shape, max_tiles=100),
            out / f"{method}_weights_1.png",
            scale=2,
        )
        second = model.get_layer("encoder_2")
        projected = project_to_input(
            [first, second.kernel.numpy()], [model.get_layer("encoder_1").bias.numpy()]
        )
        save_png(
            weight_tiles(projected, image_shape, max_tiles=100),
            out / f"{method}_weights_2.png",
            scale=2,
        )
    else:
        save_png(conv_kernel_tiles(first), out / f"{method}_kernels_1.png", scale=8)
    if pretrainer is None:
        return
    x, maps = data["x_test"][:10], geodesic_saliency((data["x_test"][:10] * 255).astype("uint8"))
    if args.model == "cnn":
        x, maps = centre_crop(x), centre_crop(maps)
    stage = pretrainer.stages[0]
    rows = [x, np.asarray(stage(x)).reshape(x.shape)]
    if stage.saliency_head is not None:
        rows += [maps, np.asarray(stage.reconstruct_saliency(x)).reshape(maps.shape)]
    save_png(image_grid(rows), out / f"{method}_reconstructions.png", scale=3)


# ----------------------------------------------------------------------------- run
def run(args) -> dict:
    data = prepare(args)
    out = Path(args.out or f"runs/saliency_{args.dataset}_{args.model}")
    out.mkdir(parents=True, exist_ok=True)
    draws = [
        label_draw(data["y_pool"], args.labels_per_class, seed) for seed in range(args.label_draws)
    ]
    runs = []
    for method in args.methods:
        for pretrain_seed in range(args.first_seed, args.first_seed + args.pretrain_seeds):
            keras.utils.set_random_seed(1000 + pretrain_seed)
            model = build(args, data)
            pretrainer, seconds = None, 0.0
            if method != "none":
                pretrainer = pretrainer_for(args, method, pretrain_seed)
                start = time.perf_counter()
                pretrainer.pretrain(model, *pretraining_data(args, data))
                seconds = time.perf_counter() - start
            if pretrain_seed == args.first_seed:
                save_pictures(args, method, model, pretrainer, data, out)
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
    summary = summarise(runs)
    results = {
        "args": vars(args),
        "saliency_speed": data["saliency_speed"],
        "summary": summary,
        "runs": runs,
    }
    write_run_folder(out, results)
    (out / "results.md").write_text(markdown_table(summary, args))
    print(markdown_table(summary, args))
    print(json.dumps(data["saliency_speed"]))
    return results


def summarise(runs: list[dict]) -> list[dict]:
    """Mean ± std per method, and the paired differences to "none" and "dae".

    A pair is the same pre-training seed (same initial weights) and label draw.
    """
    by_method: dict[str, dict] = {}
    for run in runs:
        key = (run["pretrain_seed"], run["label_draw"])
        by_method.setdefault(run["method"], {})[key] = run["test_accuracy"]
    rows = []
    for method, accuracies in by_method.items():
        values = np.array(list(accuracies.values()))
        row = {"method": method, **_mean_std(values), "runs": len(values)}
        for base in ("none", "dae"):
            pairs = [k for k in accuracies if k in by_method.get(base, {})]
            if pairs:
                diffs = np.array([accuracies[k] - by_method[base][k] for k in pairs])
                stats = _mean_std(diffs)
                row[f"vs_{base}"], row[f"vs_{base}_std"] = stats["mean"], stats["std"]
        rows.append(row)
    return rows


def _mean_std(values: np.ndarray) -> dict:
    std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return {"mean": round(float(values.mean()), 2), "std": round(std, 2)}


def markdown_table(summary: list[dict], args) -> str:
    lines = [
        f"{args.dataset}, {args.model}: test accuracy % (mean ± std over runs); differences "
        "paired by pre-training seed and label draw (mean ± std)",
        "",
        "| method | accuracy | runs | vs none | vs dae |",
        "|---|---|---|---|---|",
    ]
    for row in summary:
        lines.append(
            f"| {row['method']} | {row['mean']:.2f} ± {row['std']:.2f} | {row['runs']} | "
            f"{_signed(row, 'vs_none')} | {_signed(row, 'vs_dae')} |"
        )
    return "\n".join(lines) + "\n"


def _signed(row: dict, key: str) -> str:
    return f"{row[key]:+.2f} ± {row[key + '_std']:.2f}" if key in row else "–"


def combine(args) -> dict:
    """One summary over the runs of several run folders (e.g. seeds run in parallel)."""
    results = [json.loads((Path(d) / "results.json").read_text()) for d in args.combine]
    runs = [run for result in results for run in result["runs"]]
    combined = {
        "args": [result["args"] for result in results],
        "saliency_speed": [result["saliency_speed"] for result in results],
        "summary": summarise(runs),
        "runs": runs,
    }
    out = Path(args.out or "runs/saliency_combined")
    out.mkdir(parents=True, exist_ok=True)
    write_run_folder(out, combined)
    (out / "results.md").write_text(markdown_table(combined["summary"], args))
    print(markdown_table(combined["summary"], args))
    return combined


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="cifar10_small", help="cifar10_small, stl10, shapes")
    parser.add_argument("--data-dir", default=None, help="folder of <name>.npz files")
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--methods", nargs="+", choices=ALL_METHODS, default=list(ALL_METHODS))
    parser.add_argument(
        "--hidden", type=int, nargs="+", default=[500, 500, 1000], help="the thesis's small net"
    )
    parser.add_argument(
        "--auxiliary-units", type=int, nargs="+", default=None, help="MLP default: 800 800"
    )
    parser.add_argument("--noise", choices=["mask", "gaussian"], default="mask")
    parser.add_argument("--noise-level", type=float, default=0.25)
    parser.add_argument("--saliency-weight", type=float, default=1.0, help="lambda")
    parser.add_argument(
        "--saliency-weight-decay", type=float, default=None, help="default: MLP 0.1, CNN 0"
    )
    parser.add_argument("--eps", type=float, default=0.2, help="foreground epsilon")
    parser.add_argument("--pretrain-epochs", type=int, default=5)
    parser.add_argument("--pretrain-lr", type=float, default=1e-3)
    parser.add_argument("--finetune-epochs", type=int, default=30)
    parser.add_argument("--finetune-lr", type=float, default=1e-4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--labels-per-class", type=int, default=100)
    parser.add_argument("--label-draws", type=int, default=5)
    parser.add_argument("--pretrain-seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0, help="of the pre-training seeds")
    parser.add_argument("--combine", nargs="+", default=None, help="summarise these run folders")
    parser.add_argument("--verbose", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="seconds: tiny sizes")
    parser.add_argument("--out", default=None, help="run folder")
    args = parser.parse_args(argv)
    for name in ("pretrain_epochs", "finetune_epochs", "label_draws", "pretrain_seeds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.auxiliary_units is None and args.model == "mlp":
        args.auxiliary_units = [800] * (len(args.hidden) - 1)  # section 2.4.4: 800-unit layers
    if args.quick:
        args.hidden, args.pretrain_epochs, args.finetune_epochs = [32, 16, 32], 1, 2
        args.labels_per_class, args.verbose = 10, 0
        args.label_draws = min(args.label_draws, 2)
        args.auxiliary_units = [16, 8] if args.model == "mlp" else None
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    return combine(args) if args.combine else run(args)


if __name__ == "__main__":
    main()
