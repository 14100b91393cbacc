"""Geodesic saliency maps of CIFAR-10 test images: a PNG grid and the object-vs-border check.

Reads `x_test` of `<dataset>.npz` (default `cifar10_small`) from --data-dir or
$MLZOO_DATA_DIR (generated images of one coloured blob on a textured background
when the file is absent, and says so), computes `mlzoo.saliency.geodesic_saliency`
(patch 1, thesis parameters) for all of them, draws the first --n images with their
maps below (`saliency_maps.png`), and reports the mean saliency of the central half
(16x16 of 32x32), of the 1-pixel border and of the rest. With patch 1 the border is
0 by construction (every border pixel is a boundary patch, at the minimum distance
`boundary_weight`), so centre against rest is the informative comparison.

    mlzoo run saliency_maps --data-dir ../shared/data
    mlzoo run saliency_maps --quick                   # generated blobs without a data folder
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from mlzoo.datasets.local_files import find_npz
from mlzoo.saliency import geodesic_saliency
from zoo_scripts._args import ExperimentParser
from zoo_scripts._results import pyplot, save_figure, write_results


def blob_images(n: int, size: int = 32, seed: int = 0) -> np.ndarray:
    """uint8 `(n, size, size, 3)`: one random-colour ellipse, clear of the border, per image.

    The background is a random flat colour plus grey noise (std 0.03); the ellipse centre
    lies in the central 30 % and its radii are 12-22 % of the side.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[:size, :size].astype(np.float32) / size
    centre = rng.uniform(0.35, 0.65, (2, n, 1, 1)).astype(np.float32)
    radius = rng.uniform(0.12, 0.22, (2, n, 1, 1)).astype(np.float32)
    inside = ((rows - centre[0]) / radius[0]) ** 2 + ((cols - centre[1]) / radius[1]) ** 2 <= 1
    background = rng.uniform(0.2, 0.8, (n, 1, 1, 3)).astype(np.float32)
    background = background + 0.03 * rng.standard_normal((n, size, size, 1), np.float32)
    images = np.where(inside[..., None], rng.random((n, 1, 1, 3), np.float32), background)
    return (np.clip(images, 0, 1) * 255).round().astype(np.uint8)


def cifar_images(
    data_dir: str | None, keys: tuple[str, ...] = ("x_test",), name: str = "cifar10_small"
) -> np.ndarray | None:
    """The `keys` arrays of `<name>.npz` (--data-dir, else $MLZOO_DATA_DIR), joined."""
    path = find_npz(name, data_dir)
    if path is None:
        return None
    with np.load(path) as data:
        return np.concatenate([data[key] for key in keys])


def region_means(maps: np.ndarray) -> dict[str, np.ndarray]:
    """Per-map mean saliency of the central half, the 1-pixel border and everything else."""
    height, width = maps.shape[1:]
    centre = np.zeros((height, width), bool)
    centre[height // 4 : height - height // 4, width // 4 : width - width // 4] = True
    border = np.ones((height, width), bool)
    border[1:-1, 1:-1] = False
    return {
        "centre": maps[:, centre].mean(axis=1),
        "border": maps[:, border].mean(axis=1),
        "rest": maps[:, ~centre & ~border].mean(axis=1),
    }


def plot_grid(images: np.ndarray, maps: np.ndarray, path: Path, title: str) -> None:
    """Images in the top row, their saliency maps (grey, 0 black, 1 white) below."""
    fig, axes = pyplot().subplots(
        2, len(images), figsize=(0.8 * len(images), 2.0), squeeze=False
    )
    for column, (image, saliency) in enumerate(zip(images, maps, strict=True)):
        axes[0, column].imshow(image, interpolation="nearest")
        axes[1, column].imshow(saliency, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    for ax in axes.ravel():
        ax.set_axis_off()
    fig.suptitle(title, fontsize=8)
    fig.tight_layout(pad=0.2)
    save_figure(fig, path, dpi=100)


def regions_table(summary: list[dict]) -> list[dict]:
    """docs/saliency.md: mean saliency of each region over all images."""
    (everything,) = (row for row in summary if row["images"] == "all")
    regions = {
        "centre": "central 16×16",
        "border": "1-pixel border",
        "rest": "the rest (between the two)",
    }
    return [
        {"region": label, "mean saliency": f"{everything[f'{region}_mean']:.3f}"}
        for region, label in regions.items()
    ]


def parse_args(argv=None):
    parser = ExperimentParser("saliency_maps", __doc__, dataset="cifar10_small")
    parser.add_argument("--n", type=int, default=16, help="images in the grid")
    args = parser.parse(argv, quick={"n": 8})
    if args.n < 1:
        parser.error("--n must be >= 1")
    if args.data_dir is not None and not Path(args.data_dir).is_dir():
        parser.error(f"--data-dir {args.data_dir} is not an existing folder")
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    images = cifar_images(args.data_dir, name=args.dataset)
    if images is None:
        source = (
            f"generated blob images (no {args.dataset}.npz in --data-dir or $MLZOO_DATA_DIR)"
        )
        images = blob_images(max(args.n, 500))
    else:
        source = f"CIFAR-10 test images ({args.dataset}.npz x_test)"
    print(f"{len(images)} {source}")
    start = time.perf_counter()
    maps = geodesic_saliency(images)
    seconds = time.perf_counter() - start
    means = region_means(maps)
    summary = [
        {"images": name, "count": len(part["centre"])}
        | {f"{region}_mean": float(values.mean()) for region, values in part.items()}
        for name, part in (
            ("all", means),
            ("grid", {region: values[: args.n] for region, values in means.items()}),
        )
    ]
    summary[0] |= {"seconds": seconds, "images_per_second": len(images) / seconds}
    runs = [
        {"index": i} | {f"{region}_mean": float(values[i]) for region, values in means.items()}
        for i in range(min(args.n, len(images)))
    ]
    results = {
        "source": source,
        "config": {"dataset": args.dataset, "n": args.n},
        "summary": summary,
        "runs": runs,
    }
    write_results(args.out, "saliency_maps", results, tables={"summary": summary, "runs": runs})
    title = f"{source.split(' (')[0]} (top) and their geodesic saliency maps (bottom)"
    plot_grid(images[: args.n], maps[: args.n], args.out / "saliency_maps.png", title)
    for row in summary:
        print(
            f"{row['images']:>4s} ({row['count']} images): mean saliency centre "
            f"{row['centre_mean']:.3f}, 1-pixel border {row['border_mean']:.3f}, "
            f"rest {row['rest_mean']:.3f}"
        )
    print(f"{len(images) / seconds:.0f} images/s; grid and tables in {args.out}/")
    return results


if __name__ == "__main__":
    main()
