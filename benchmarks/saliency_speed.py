"""Images per second of `mlzoo.saliency.geodesic_saliency`: 32x32 (patch 1) and 96x96 (patch 3).

Images: `x_train`, `x_unlabeled` and `x_test` of `cifar10_small.npz` (--data-dir, else
$MLZOO_DATA_DIR), the first --n of them (cycled when there are fewer); generated blob images
when the file is absent. 96x96 stand-ins are the first --n96 images repeated 3x along height
and width. Each size is timed --repeats times (one full call each); the table shows the best
and the median rate.

    python -m benchmarks.saliency_speed --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date
from pathlib import Path

import numpy as np

from mlzoo.saliency import geodesic_saliency
from zoo_scripts.saliency_maps import blob_images, cifar_images


def processor() -> str:
    """CPU model: `platform.processor()`, else /proc/cpuinfo's model name, else the machine."""
    name = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if not name and cpuinfo.is_file():
        models = [
            line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")
        ]
        name = models[0].split(":", 1)[1].strip() if models else ""
    return name or platform.machine()


def images_per_second(images: np.ndarray, patch_size: int, repeats: int) -> list[float]:
    """Rate of `repeats` timed calls of `geodesic_saliency` on the whole batch."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        geodesic_saliency(images, patch_size=patch_size)
        rates.append(len(images) / (time.perf_counter() - start))
    return rates


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--data-dir", default=None, help="folder of cifar10_small.npz")
    parser.add_argument("--n", type=int, default=20000, help="32x32 images")
    parser.add_argument("--n96", type=int, default=5000, help="96x96 images")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    for name in ("n", "n96", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    images = cifar_images(args.data_dir, ("x_train", "x_unlabeled", "x_test"))
    if images is None:
        source = "generated blob images (no cifar10_small.npz in --data-dir or $MLZOO_DATA_DIR)"
        images = blob_images(args.n)
    else:
        source = "cifar10_small.npz (x_train, x_unlabeled, x_test)"
    small = images[np.arange(args.n) % len(images)]
    large = np.repeat(np.repeat(small[: args.n96], 3, axis=1), 3, axis=2)
    machine = f"{processor()}, {os.cpu_count()} cores, numpy {np.__version__}"
    results = {"source": source, "machine": machine, "date": date.today().isoformat(), "runs": []}
    for batch, patch_size in ((small, 1), (large, 3)):
        rates = images_per_second(batch, patch_size, args.repeats)
        results["runs"].append(
            {"image_size": batch.shape[1], "patch_size": patch_size, "images": len(batch)}
            | {"best": max(rates), "median": float(np.median(rates)), "rates": rates}
        )
    print(f"images: {source}\nmachine: {machine}, {results['date']}\n")
    print(f"| images | patch | grid | n | best images/s | median images/s ({args.repeats} runs) |")
    print("|---|---|---|---|---|---|")
    for run in results["runs"]:
        size, grid = run["image_size"], run["image_size"] // run["patch_size"]
        print(
            f"| {size}x{size} | {run['patch_size']} | {grid}x{grid} | {run['images']} | "
            f"{run['best']:,.0f} | {run['median']:,.0f} |"
        )
    return results


if __name__ == "__main__":
    main()
