"""Self-organizing maps of digits and Fashion-MNIST: U-matrix, hit map and class map as PNG.

Trains a `SelfOrganizingMap` (PCA-plane start, exponential decay of sigma and eta,
batched updates) on the training split, then draws three panels per dataset:
the U-matrix (mean distance of each unit's weights to its neighbours': light
ridges separate clusters), the hit map (test samples won by each unit) and the
class map (majority training label of each unit; blank units won nothing).
Also reports test quantization / topographic error and the accuracy of labelling
each test sample with its winner's majority class.

    mlzoo run som                                      # digits (embedded data)
    mlzoo run som --dataset digits fashion_mnist --data-dir ../shared/data
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from mlzoo import datasets
from mlzoo.models import SelfOrganizingMap
from zoo_scripts._args import ExperimentParser
from zoo_scripts._results import progress, pyplot, save_figure, write_results

MAP_SIZE = {"digits": (12, 12), "fashion_mnist": (20, 20), "mnist": (20, 20)}


def class_map(som: SelfOrganizingMap, x, labels, classes: int) -> np.ndarray:
    """(rows, cols) majority training label of each unit; -1 where a unit wins nothing."""
    votes = np.zeros((som.rows * som.cols, classes))
    np.add.at(votes, som.winner_index(x), np.eye(classes)[labels])
    majority = np.where(votes.sum(1) > 0, votes.argmax(1), -1)
    return majority.reshape(som.rows, som.cols)


def plot(path: Path, title: str, umatrix, hits, classes) -> None:
    figure, axes = pyplot().subplots(1, 3, figsize=(15, 4.8))
    panels = (
        ("U-matrix (distance to neighbours)", umatrix, "bone_r"),
        ("hit map (test samples per unit)", hits, "viridis"),
    )
    for axis, (name, values, cmap) in zip(axes[:2], panels, strict=True):
        image = axis.imshow(values, cmap=cmap)
        figure.colorbar(image, ax=axis, fraction=0.046)
        axis.set_title(name)
    masked = np.ma.masked_less(classes, 0)
    axes[2].imshow(masked, cmap="tab10", vmin=-0.5, vmax=9.5)
    for (r, c), label in np.ndenumerate(classes):
        if label >= 0:
            axes[2].text(c, r, str(label), ha="center", va="center", fontsize=7)
    axes[2].set_title("class map (majority training label)")
    for axis in axes:
        axis.set_xticks([])
        axis.set_yticks([])
    figure.suptitle(title)
    figure.tight_layout()
    save_figure(figure, path, dpi=90)


def run_dataset(name: str, args) -> dict:
    (x, y), (x_test, y_test) = datasets.load(name, args.data_dir, scale=True)
    x, x_test = (a.reshape(len(a), -1).astype("float32") for a in (x, x_test))
    rows, cols = MAP_SIZE.get(name, (15, 15))
    seed = args.seeds[0]
    keras.utils.set_random_seed(seed)
    som = SelfOrganizingMap(rows, cols, x.shape[1], x_init=x, seed=seed)
    som.compile(steps_per_execution=args.steps_per_execution)
    som.fit(x, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
    errors = som.evaluate(x_test, batch_size=1024, verbose=0, return_dict=True)
    classes = class_map(som, x, y, int(y.max()) + 1)
    test_labels = classes.ravel()[som.winner_index(x_test)]
    result = {
        "map": f"{rows}x{cols}",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "test_quantization_error": float(errors["quantization_error"]),
        "test_topographic_error": float(errors["topographic_error"]),
        "test_accuracy_of_unit_majority_label": float(np.mean(test_labels == y_test)),
    }
    title = (
        f"{name}: {rows}x{cols} SOM, {args.epochs} epochs — test QE "
        f"{result['test_quantization_error']:.3f}, TE {result['test_topographic_error']:.3f}, "
        f"unit-label accuracy {100 * result['test_accuracy_of_unit_majority_label']:.1f} %"
    )
    plot(
        args.out / f"som_{name}.png", title, som.distance_map(), som.hit_map(x_test), classes
    )
    print(title)
    return result


def maps_table(results: dict) -> list[dict]:
    """docs/som.md: test QE / TE and unit-label accuracy per dataset."""
    names = {"digits": "digits", "fashion_mnist": "Fashion-MNIST", "mnist": "MNIST"}
    return [
        {
            "dataset": names.get(name, name),
            "map": r["map"].replace("x", " × "),
            "QE": f"{r['test_quantization_error']:.3f}",
            "TE": f"{r['test_topographic_error']:.3f}",
            "unit-label accuracy": f"{100 * r['test_accuracy_of_unit_majority_label']:.1f} %",
        }
        for name, r in results.items()
    ]


def main(argv=None) -> dict:
    parser = ExperimentParser(
        "som", __doc__, dataset=["digits"], seeds=[0], epochs=10, batch_size=128,
        steps_per_execution=32,
    )
    args = parser.parse(argv, quick={"dataset": ["digits"], "epochs": 2})
    results = {name: run_dataset(name, args) for name in progress(args.dataset, unit="dataset")}
    write_results(args.out, "som", results)
    return results


if __name__ == "__main__":
    main()
