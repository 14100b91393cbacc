"""Images per second of `mlzoo.saliency.geodesic_saliency`: 32x32 (patch 1) and 96x96 (patch 3).

Images: `x_train`, `x_unlabeled` and `x_test` of `cifar10_small.npz` (--data-dir, else
$MLZOO_DATA_DIR), the first --n of them (cycled when there are fewer); generated blob images
when the file is absent. 96x96 stand-ins are the first --n96 images repeated 3x along height
and width. Each size is timed --repeats times (one full call each); the table shows the best
and the median rate.

    mlzoo bench saliency_speed --data-dir ../shared/data     # --n 20000 --n96 5000 --repeats 3
    mlzoo bench saliency_speed --quick                       # 200 + 20 images, 1 repeat
"""

from __future__ import annotations

import numpy as np

from benchmarks._timing import machine, timed
from mlzoo.saliency import geodesic_saliency
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import progress, write_results
from zoo_scripts.saliency_maps import blob_images, cifar_images


def images_per_second(images: np.ndarray, patch_size: int, repeats: int) -> list[float]:
    """Rate of `repeats` timed calls of `geodesic_saliency` on the whole batch."""
    return [
        len(images) / timed(lambda: geodesic_saliency(images, patch_size=patch_size))
        for _ in range(repeats)
    ]


def speed_table(results: dict) -> list[dict]:
    """docs/saliency.md and docs/benchmarks.md: best and median images/s of each size."""
    rows = []
    for run in results["runs"]:
        size, grid = run["image_size"], run["image_size"] // run["patch_size"]
        rows.append({
            "images": f"{size}x{size}",
            "patch": run["patch_size"],
            "grid": f"{grid}x{grid}",
            "n": f"{run['images']:,}",
            "best images/s": f"{run['best']:,.0f}",
            f"median images/s ({results['repeats']} runs)": f"{run['median']:,.0f}",
        })
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser("saliency_speed", __doc__, command="bench")
    parser.add_argument("--data-dir", default=None, help="folder of cifar10_small.npz")
    parser.add_argument("--n", type=int, default=20000, help="32x32 images")
    parser.add_argument("--n96", type=int, default=5000, help="96x96 images")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse(argv, quick={"n": 200, "n96": 20, "repeats": 1})
    for name in ("n", "n96", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    images = cifar_images(args.data_dir, ("x_train", "x_unlabeled", "x_test"))
    if images is None:
        source = "generated blob images (no cifar10_small.npz in --data-dir or $MLZOO_DATA_DIR)"
        images = blob_images(args.n)
    else:
        source = "cifar10_small.npz (x_train, x_unlabeled, x_test)"
    small = images[np.arange(args.n) % len(images)]
    large = np.repeat(np.repeat(small[: args.n96], 3, axis=1), 3, axis=2)
    results = {"source": source, "machine": f"{machine()}, numpy {np.__version__}",
               "repeats": args.repeats, "runs": []}
    for batch, patch_size in progress([(small, 1), (large, 3)], desc="saliency_speed", unit="size"):
        rates = images_per_second(batch, patch_size, args.repeats)
        results["runs"].append(
            {"image_size": batch.shape[1], "patch_size": patch_size, "images": len(batch)}
            | {"best": max(rates), "median": float(np.median(rates)), "rates": rates}
        )
    write_results(args.out, "saliency_speed", results, tables={"runs": [
        {k: v for k, v in run.items() if k != "rates"} for run in results["runs"]
    ]})
    print(f"images: {source}\nmachine: {results['machine']}\n")
    print(markdown_table(speed_table(results)))
    return results


if __name__ == "__main__":
    main()
