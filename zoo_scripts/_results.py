"""The one results writer, plotting set-up, progress bar and summary statistics of the scripts.

A run folder holds `<name>.json` (everything: config, per-run rows, summaries, curves),
one `<name>_<table>.csv` per table of rows, and the PNGs the run draws. `mlzoo docs`
renders the tables in `docs/` from such files once they are published to
`docs/results/<family>/`.

Example:

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> rows = [{"seed": 0, "error": 2.0}, {"seed": 1, "error": 4.0}]
>>> write_results(out, "demo", {"runs": rows}, tables={"runs": rows})
>>> sorted(p.name for p in out.iterdir())
['demo.json', 'demo_runs.csv']
>>> summarise(rows, ["error"])
{'error_mean': 3.0, 'error_std': 1.414..., 'error_min': 2.0, 'error_max': 4.0, 'n': 2}
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """numpy scalars and arrays, Paths and tuples as JSON values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_results(
    out: Path,
    name: str,
    results: Mapping[str, Any],
    tables: Mapping[str, Sequence[Mapping[str, Any]]] = {},
) -> None:
    """Write `out/<name>.json` and `out/<name>_<table>.csv` for each table of row dicts."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, default=_plain) + "\n")
    for table, rows in tables.items():
        with open(out / f"{name}_{table}.csv", "w", newline="") as f:
            fields = list(dict.fromkeys(key for row in rows for key in row))
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


def read_results(path: Path) -> Any:
    """A results file: JSON as Python values, CSV as a list of row dicts (numbers parsed)."""
    path = Path(path)
    if path.suffix == ".json":
        return json.loads(path.read_text())
    if path.suffix == ".csv":
        with open(path, newline="") as f:
            return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(f)]
    raise ValueError(f"{path}: results files are .json or .csv, not {path.suffix!r}")


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def summarise(rows: Iterable[Mapping[str, Any]], metrics: Sequence[str]) -> dict[str, float]:
    """Mean, sample std (ddof 1; 0 for one run), min and max of each metric over `rows`."""
    rows = list(rows)
    summary: dict[str, float] = {}
    for metric in metrics:
        values = np.asarray([row[metric] for row in rows], dtype="float64")
        summary[f"{metric}_mean"] = float(values.mean())
        summary[f"{metric}_std"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        summary[f"{metric}_min"] = float(values.min())
        summary[f"{metric}_max"] = float(values.max())
    summary["n"] = len(rows)
    return summary


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no screen needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(figure, path: Path, dpi: int = 110) -> None:
    """Save `figure` as PNG at `path` (parents created), close it and say where it went."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi)
    pyplot().close(figure)
    print(f"wrote {path}", file=sys.stderr)


def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str = "",
             unit: str = "run"):
    """The progress bar of every long loop (tqdm on stderr; silent when stderr is no terminal)."""
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=None, file=sys.stderr)
