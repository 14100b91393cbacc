"""One claim of a paper, measured on a results table and given a verdict.

A claim compares two arms of an experiment (a treatment, e.g. EPT-ML, against
a control, e.g. STD-BP) on one metric. Its gain is the improvement of the
treatment over the control, positive when the treatment is better:

    gain = control - treatment      (a metric where lower is better, e.g. error)
    gain = treatment - control      (higher is better, e.g. accuracy)

measured as the mean of the paired differences where runs pair (same seed:
same initial weights and batch order), else as the difference of the means,
with its standard error `se` (std / sqrt(n) of the pairs; sqrt(s1²/n1 + s2²/n2)
unpaired). The verdict:

- **reproduced**: gain > 2 se and at least half the paper's gain (for a
  qualitative claim, with no paper figure: gain > 2 se);
- **partly**: gain > 2 se but under half the paper's gain, or positive and at
  least half the paper's but within 2 se;
- **not reproduced**: otherwise (a tie, or the other way round).

Example:
    >>> claim = Claim("EPT-ML beats STD-BP", metric="test_error", arm="mode",
    ...               treatment="EPT-ML", control="STD-PL", paper=(1.43, 1.59),
    ...               pair_by=("seed",))
    >>> rows = [{"mode": m, "seed": s, "test_error": e} for m, s, e in [
    ...     ("STD-PL", 0, 7.9), ("EPT-ML", 0, 7.7), ("STD-PL", 1, 7.9),
    ...     ("EPT-ML", 1, 7.8), ("STD-PL", 2, 7.9), ("EPT-ML", 2, 7.7)]]
    >>> m = claim.measure(rows)
    >>> round(m["gain"], 3), m["wins"], m["n"], m["verdict"]
    (0.167, 3, 3, 'reproduced')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

VERDICTS = ("reproduced", "partly", "not reproduced", "not runnable here")


@dataclass(frozen=True)
class Claim:
    """A paper's claim that `treatment` beats `control` on `metric`.

    Args:
        statement: the claim as the paper makes it, in one line.
        metric: the results column measured (e.g. "test_error"; a True / False column
            counts as 1 / 0, its mean as a rate).
        arm: the results column naming the arms (e.g. "mode", "method"); None for a wide
            table, one row per run with a column of `metric` per arm (paired by row).
        treatment, control: the two arms compared.
        paper: the paper's (treatment, control) figures; None for a qualitative claim.
        better: "lower" or "higher": which values of `metric` are better.
        pair_by: columns that pair a treatment run with a control run (e.g. ("seed",));
            empty for unpaired runs or a summary table.
        where: only rows whose columns hold these values (e.g. {"depth": 8}).
        results: the table(s) of the run holding the rows, relative to its folder.
        note: a caveat shown with the row (a stand-in, a changed setting).
    """

    statement: str
    metric: str
    arm: str | None
    treatment: str
    control: str
    paper: tuple[float, float] | None = None
    better: str = "lower"
    pair_by: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict)
    results: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self):
        if self.better not in ("lower", "higher"):
            raise ValueError(f"`better` must be 'lower' or 'higher', got {self.better!r}.")
        if self.treatment == self.control:
            raise ValueError("A claim compares two different arms; treatment == control.")

    def _gain(self, treatment: float, control: float) -> float:
        return control - treatment if self.better == "lower" else treatment - control

    @property
    def paper_gain(self) -> float | None:
        """The paper's gain of the treatment over the control (None: qualitative)."""
        return None if self.paper is None else self._gain(*self.paper)

    def measure(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Means, gain, its standard error, wins and the verdict from results `rows`.

        `rows` are per-run rows (`arm`, `metric`, the `pair_by` columns) or, for a
        summary table, one row per arm with `<metric>_mean`, `<metric>_std` and `n`
        (or `mean`, `std` and `runs` where the table summarises `metric` alone).
        """
        rows = [r for r in rows if all(_same(r.get(k), v) for k, v in self.where.items())]
        if self.arm is None:  # a wide table: each row holds both arms of one run
            return replace(self, arm="arm", pair_by=("run",), where={}).measure(
                [{"arm": name, "run": i, self.metric: row[name]}
                 for i, row in enumerate(rows) for name in (self.treatment, self.control)])
        arms = {name: [r for r in rows if str(r.get(self.arm)) == name]
                for name in (self.treatment, self.control)}
        for name, found in arms.items():
            if not found:
                raise ValueError(
                    f"No rows of arm {name!r} (column {self.arm!r}, filters {dict(self.where)}) "
                    f"in the results; arms present: {sorted({str(r.get(self.arm)) for r in rows})}."
                )
        first = arms[self.treatment][0]
        if f"{self.metric}_mean" in first:
            return self._from_summary(arms, *(f"{self.metric}_{k}" for k in ("mean", "std")), "n")
        if self.metric not in first and "mean" in first:  # a summary of one metric
            return self._from_summary(arms, "mean", "std", "runs")
        return self._from_runs(arms)

    def _from_runs(self, arms) -> dict[str, Any]:
        values = {name: [_number(r[self.metric]) for r in found] for name, found in arms.items()}
        t, c = values[self.treatment], values[self.control]
        result = {"treatment": _stats(t), "control": _stats(c)}
        if self.pair_by:
            key = lambda r: tuple(str(r[k]) for k in self.pair_by)  # noqa: E731
            control = {key(r): _number(r[self.metric]) for r in arms[self.control]}
            gains = [self._gain(_number(r[self.metric]), control[key(r)])
                     for r in arms[self.treatment] if key(r) in control]
            if not gains:
                raise ValueError(f"No treatment run pairs with a control run on {self.pair_by}.")
            gain, spread = _stats(gains)["mean"], _stats(gains)["std"]
            se = spread / math.sqrt(len(gains))
            result.update(n=len(gains), wins=sum(g > 0 for g in gains), paired=True)
        else:
            gain = self._gain(result["treatment"]["mean"], result["control"]["mean"])
            se = math.sqrt(sum(s["std"] ** 2 / s["n"] for s in (result["treatment"],
                                                                 result["control"])))
            result.update(n=min(len(t), len(c)), wins=None, paired=False)
        return {**result, "gain": gain, "se": se, "verdict": self.verdict(gain, se)}

    def _from_summary(self, arms, mean: str, std: str, count: str) -> dict[str, Any]:
        stats = {name: {"mean": float(found[0][mean]), "std": float(found[0].get(std) or 0.0),
                        "n": int(float(found[0].get(count) or 1))}
                 for name, found in arms.items()}
        t, c = stats[self.treatment], stats[self.control]
        gain = self._gain(t["mean"], c["mean"])
        se = math.sqrt(t["std"] ** 2 / t["n"] + c["std"] ** 2 / c["n"])
        return {"treatment": t, "control": c, "n": min(t["n"], c["n"]), "wins": None,
                "paired": False, "gain": gain, "se": se, "verdict": self.verdict(gain, se)}

    def verdict(self, gain: float, se: float) -> str:
        """reproduced / partly / not reproduced for a measured `gain` ± `se` (rule above)."""
        gain = 0.0 if abs(gain) < 1e-9 else gain  # equal arms, up to float rounding
        significant = gain > 2 * se
        paper = self.paper_gain
        if paper is None or paper <= 0:
            return "reproduced" if significant else ("partly" if gain > 0 else "not reproduced")
        large = gain >= 0.5 * paper
        if significant and large:
            return "reproduced"
        if significant or (gain > 0 and large):
            return "partly"
        return "not reproduced"


def _number(value: Any) -> float:
    """A metric cell as a float; a flag ("True" / "False" in a CSV, or a bool) as 1 / 0."""
    if isinstance(value, str) and value in ("True", "False"):
        return float(value == "True")
    return float(value)


def _same(value: Any, wanted: Any) -> bool:
    """A CSV cell (text) equals a filter value (any type)."""
    if value is None:
        return False
    try:
        return float(value) == float(wanted)
    except (TypeError, ValueError):
        return str(value) == str(wanted)


def _stats(values: Sequence[float]) -> dict[str, float]:
    """Mean, sample std (0 for one value) and count."""
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return {"mean": mean, "std": std, "n": n}
