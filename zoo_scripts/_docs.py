"""Result tables in `docs/*.md`, rendered from the results files in `docs/results/<family>/`.

A table in a page sits between two markers that say how to render it:

    <!-- mlzoo:table som:maps_table som/som.json -->
    | dataset | map | QE | ...
    <!-- mlzoo:end -->

`som:maps_table` is the function `maps_table` of the experiment `zoo_scripts.som` (or of
the benchmark `benchmarks.som`); it is called with the loaded files (JSON as Python
values, CSV as row dicts; paths relative to `docs/results/`, globs allowed) and any
`key=value` options of the marker, and returns rows (dicts: column -> cell) or markdown.
The built-in renderer `rows` prints a CSV file's rows, optionally `columns=a,b,c`.

`mlzoo docs` rewrites every table from its files; `mlzoo docs --check` only compares and
fails on a difference, so a committed table can never drift from its results.
"""

from __future__ import annotations

import difflib
import importlib
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zoo_scripts._results import read_results

_MARKER = re.compile(r"^<!-- mlzoo:table (?P<spec>.+?) -->\n(?P<body>.*?)^<!-- mlzoo:end -->$",
                     re.M | re.S)
_RESULT_SUFFIXES = (".json", ".csv", ".png")


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows of dicts as a markdown table; the first row's keys are the columns.

    >>> print(markdown_table([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]))
    | a | b |
    |---|---|
    | 1 | x |
    | 2 | y |
    """
    if not rows:
        raise ValueError("a table needs at least one row")
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def pm(mean: float, std: float, digits: int = 2, unit: str = "") -> str:
    """`mean ± std` with `digits` decimals: `pm(1.234, 0.05)` -> '1.23 ± 0.05'."""
    return f"{mean:.{digits}f} ± {std:.{digits}f}{unit}"


def rows(table: Sequence[Mapping[str, Any]], columns: str | None = None) -> list[dict]:
    """The built-in renderer: a CSV file's rows, optionally only `columns` (comma-separated)."""
    names = columns.split(",") if columns else list(table[0])
    return [{name: row[name] for name in names} for row in table]


def _renderer(name: str) -> Callable[..., Any]:
    if name == "rows":
        return rows
    module_name, _, function = name.partition(":")
    for package in ("zoo_scripts", "benchmarks"):
        try:
            module = importlib.import_module(f"{package}.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.{module_name}":
                raise
            continue
        if hasattr(module, function):
            return getattr(module, function)
    raise LookupError(
        f"no renderer {name!r}: write `<experiment>:<function>` naming a function of "
        "zoo_scripts.<experiment> or benchmarks.<experiment>, or `rows`"
    )


def render_table(spec: str, results_dir: Path) -> str:
    """The markdown of one marker's table (`spec`: renderer, files, key=value options)."""
    name, *tokens = spec.split()
    options = dict(t.split("=", 1) for t in tokens if "=" in t)
    files = []
    for pattern in (t for t in tokens if "=" not in t):
        matches = sorted(results_dir.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"{results_dir / pattern}: no results file for `{spec}`")
        files += matches
    table = _renderer(name)(*(read_results(f) for f in files), **options)
    return table if isinstance(table, str) else markdown_table(table)


def render_page(text: str, results_dir: Path) -> str:
    """`text` with every marked table rewritten from its results files."""

    def replace(match: re.Match) -> str:
        table = render_table(match["spec"], results_dir)
        return f"<!-- mlzoo:table {match['spec']} -->\n{table.rstrip()}\n<!-- mlzoo:end -->"

    return _MARKER.sub(replace, text)


def build(docs_dir: Path, check: bool = False) -> list[str]:
    """Render every page of `docs_dir`; with `check`, write nothing and return the diffs."""
    docs_dir = Path(docs_dir)
    if not (docs_dir / "results").is_dir():
        raise FileNotFoundError(
            f"{docs_dir}/results not found: run `mlzoo docs` in a clone of mlzoo, or pass --docs"
        )
    diffs = []
    pages = sorted(docs_dir.glob("*.md")) + sorted(docs_dir.parent.glob("README.md"))
    for page in pages:
        old = page.read_text()
        try:
            new = render_page(old, docs_dir / "results")
        except Exception as error:
            raise RuntimeError(f"{page}: {error}") from error
        if new == old:
            continue
        if check:
            diffs.append("".join(difflib.unified_diff(
                old.splitlines(True), new.splitlines(True), f"{page} (committed)",
                f"{page} (rendered from results)")))
        else:
            page.write_text(new)
            print(f"rendered {page}")
    return diffs


def publish(run_dir: Path, docs_dir: Path, family: str) -> list[Path]:
    """Copy a run folder's results files (JSON, CSV, PNG) into `docs/results/<family>/`."""
    target = Path(docs_dir) / "results" / family
    target.mkdir(parents=True, exist_ok=True)
    files = [p for p in sorted(Path(run_dir).iterdir()) if p.suffix in _RESULT_SUFFIXES]
    if not files:
        raise FileNotFoundError(f"{run_dir} holds no .json, .csv or .png results")
    for path in files:
        shutil.copy2(path, target / path.name)
    return [target / p.name for p in files]
