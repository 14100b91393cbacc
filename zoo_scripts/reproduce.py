"""Reproduce a paper preset: run its protocol, judge its claims, write `<preset>.json`.

A preset (`mlzoo.presets`) is one table of a source paper as a protocol. This
runs its experiment with the preset's arguments (`--quick`: a run of minutes,
whose verdicts only show that the pipeline works) into `<out>/<preset>/`, then
measures every claim on the run's tables and writes `<out>/<preset>.json`:
the claims, the paper's and the measured figures, the gains and verdicts
(`mlzoo.presets.Claim`). `--published` runs nothing: it judges the results
already published under `docs/results/` (the preset's `published` files).
docs/reproductions.md renders those reports.

    mlzoo run reproduce mutual_table3_iris --quick               # minutes
    mlzoo run reproduce mutual_table5_mnist --data-dir ../shared/data
    mlzoo run reproduce --published --out runs/reproduce/published   # every preset
    mlzoo docs --publish runs/reproduce/published --family reproductions
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlzoo import presets
from mlzoo.presets import Preset
from zoo_scripts._args import ExperimentParser
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import read_results, write_results

_STATES = {"not_runnable": "not runnable here", "unmeasured": "not run yet"}


def parse_args(argv=None):
    parser = ExperimentParser("reproduce", __doc__)
    parser.add_argument("presets", nargs="*", default=[],
                        help="preset names or patterns (mutual_*); default: all with --published")
    parser.add_argument("--data-dir", default=None,
                        help="folder of <name>.npz files ($MLZOO_DATA_DIR)")
    parser.add_argument("--published", action="store_true",
                        help="judge the published results instead of running")
    parser.add_argument("--results-dir", type=Path, default=Path("docs/results"),
                        help="where --published finds the published files")
    args = parser.parse(argv)
    if not args.presets and not args.published:
        parser.error(f"name a preset to run; the presets: {', '.join(presets.names())}")
    return args


def chosen(patterns: Sequence[str]) -> list[Preset]:
    """The presets named by `patterns` (names or shell patterns); all for none."""
    if not patterns:
        return [presets.get(name) for name in presets.names()]
    found = []
    for pattern in patterns:
        names = presets.names(pattern) if any(c in pattern for c in "*?[") else [pattern]
        if not names:
            raise ValueError(f"No preset matches {pattern!r}; mlzoo.presets.names() lists them.")
        found += [presets.get(name) for name in names if presets.get(name) not in found]
    return found


def judge(preset: Preset, tables: Mapping[str, list[dict]] | None) -> dict[str, Any]:
    """The report of `preset`: every claim measured on `tables` (file name -> rows).

    `tables` None: nothing measured (the preset cannot run here, or has not run).
    """
    state = ("not_runnable" if preset.not_runnable else "unmeasured") if tables is None else None
    claims = []
    for claim in preset.claims:
        row = {"statement": claim.statement, "metric": claim.metric, "better": claim.better,
               "treatment": claim.treatment, "control": claim.control,
               "where": dict(claim.where), "paper": claim.paper,
               "paper_gain": claim.paper_gain, "note": claim.note}
        if state is None:
            rows = [r for name in claim.results for r in tables[name]]
            row["measured"] = claim.measure(rows)
            row["verdict"] = row["measured"]["verdict"]
        else:
            row["measured"], row["verdict"] = None, _STATES[state]
        claims.append(row)
    return {"preset": preset.name, "title": preset.title, "source": preset.source,
            "study": preset.study,
            "data": preset.data, "not_runnable": preset.not_runnable, "state": state,
            "command": None if preset.experiment is None else " ".join(preset.command()),
            "claims": claims}


def published_tables(preset: Preset, results_dir: Path) -> dict[str, list[dict]] | None:
    """The preset's published tables (file name -> rows), None where none are published."""
    if not preset.published:
        return None
    return {name: [row for path in paths for row in read_results(results_dir / path)]
            for name, paths in preset.published.items()}


def run(preset: Preset, out: Path, quick: bool, data_dir: str | None) -> dict[str, list[dict]]:
    """Run the preset's experiment into `out`; its tables (file name -> rows)."""
    if preset.experiment is None:
        raise ValueError(f"Preset {preset.name!r} cannot run here: {preset.not_runnable}.")
    experiment, *arguments = preset.command(quick=quick)
    extra = ["--out", str(out)] + (["--data-dir", data_dir] if data_dir else [])
    importlib.import_module(f"zoo_scripts.{experiment}").main([*arguments, *extra])
    names = {name for claim in preset.claims for name in claim.results}
    return {name: read_results(out / name) for name in names}


def main(argv=None) -> dict:
    args = parse_args(argv)
    reports = {}
    for preset in chosen(args.presets):
        if args.published:
            tables = published_tables(preset, args.results_dir)
        elif preset.experiment is None:
            tables = None
        else:
            tables = run(preset, args.out / preset.name, args.quick, args.data_dir)
        report = {**judge(preset, tables), "quick": bool(args.quick),
                  "published": args.published}
        write_results(args.out, preset.name, report)
        reports[preset.name] = report
        for claim in report["claims"]:
            print(f"{preset.name}: {claim['statement']}: {claim['verdict']}")
    return reports


# ------------------------------------------------------------------ docs renderers
def _figures(*values: float) -> list[str]:
    """`values` with one precision: two decimals, or three significant digits of the
    largest where it is under 0.1 (a loss of 0.0048)."""
    largest = max(abs(v) for v in values)
    decimals = 2 if largest >= 0.1 or largest == 0 else 2 - math.floor(math.log10(largest))
    return [f"{v:.{decimals}f}" for v in values]


def _side(stats: Mapping[str, float]) -> str:
    if stats.get("n", 1) < 2:
        return _figures(stats["mean"])[0]
    return " ± ".join(_figures(stats["mean"], stats["std"]))


def _kept(reports, studies: str) -> list:
    """The papers' reports ("no"), the studies' ("only") or both ("yes")."""
    if studies not in ("no", "only", "yes"):
        raise ValueError(f"studies={studies!r}: write no, only or yes")
    return [r for r in reports if studies == "yes" or r["study"] == (studies == "only")]


def verdicts_table(*reports: Mapping[str, Any], studies: str = "no") -> list[dict]:
    """One row per claim: paper and mlzoo figures (treatment vs control), gains, verdict.

    `studies`: "no" for the papers' tables only, "only" for mlzoo's studies, "yes" for both.
    """
    rows = []
    for report in _kept(reports, studies):
        claims = report["claims"] or [None]
        for claim in claims:
            if claim is None:
                state = "not runnable here" if report["not_runnable"] else "no comparative claim"
                rows.append({"preset": f"`{report['preset']}`", "claim": report["title"],
                             "paper": "", "mlzoo": "", "gain: paper": "",
                             "gain: mlzoo ± se (wins / pairs)": "", "verdict": state})
                continue
            paper = claim["paper"]
            measured = claim["measured"]
            where = ", ".join(f"{k} {v}" for k, v in claim["where"].items()
                              if str(v) not in claim["statement"])  # unless the claim says it
            label = claim["statement"] + (f" ({where})" if where else "")
            row = {"preset": f"`{report['preset']}`", "claim": label,
                   "paper": "" if paper is None else " vs ".join(_figures(*paper)),
                   "mlzoo": "",
                   "gain: paper": "" if paper is None else _figures(claim["paper_gain"])[0],
                   "gain: mlzoo ± se (wins / pairs)": "", "verdict": claim["verdict"]}
            if measured is not None:
                row["mlzoo"] = f"{_side(measured['treatment'])} vs {_side(measured['control'])}"
                wins = (f" ({measured['wins']} / {measured['n']})" if measured["paired"]
                        else f" (unpaired, n = {measured['n']})")
                gain, se = _figures(measured["gain"], measured["se"])
                sign = "+" if measured["gain"] >= 0 else ""
                row["gain: mlzoo ± se (wins / pairs)"] = f"{sign}{gain} ± {se}{wins}"
            if claim["note"]:
                row["verdict"] += f": {claim['note']}"
            rows.append(row)
    return rows


def cards(*reports: Mapping[str, Any]) -> str:
    """The cards of the reported presets (from `mlzoo.presets`, so a changed card shows)."""
    return "\n\n".join(presets.get(report["preset"]).card() for report in reports)


def verdict_counts(*reports: Mapping[str, Any]) -> str:
    """How many claims of the papers (not of mlzoo's studies) got each verdict."""
    counts: dict[str, int] = {}
    for report in _kept(reports, "no"):
        for claim in report["claims"]:
            counts[claim["verdict"]] = counts.get(claim["verdict"], 0) + 1
    return markdown_table([{"verdict": v, "claims": n} for v, n in sorted(counts.items())])


if __name__ == "__main__":
    main()
