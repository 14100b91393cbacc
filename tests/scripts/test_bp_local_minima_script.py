from pathlib import Path

import pytest

from zoo_scripts import bp_local_minima
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "bp_variants"


def _runs(arm, solved):
    return [{"arm": arm, "seed": s, "solved": ok, "updates": 100, "final_E": 0.1,
             "perturbations_or_restarts": 1} for s, ok in enumerate(solved)]


def test_summary_counts_paired_seeds_and_uses_exact_tests():
    plain = [True] * 38 + [False] * 12  # 38 / 50
    other = [True] * 36 + [False] * 2 + [True] * 11 + [False]  # 2 lost, 11 gained: 47 / 50
    summary = bp_local_minima.summarise_arms(_runs("plain BP", plain) + _runs("x", other), 1000)
    first, second = summary
    assert (first["paired_p_value"], first["solved_here_not_by_plain"]) == (1.0, 0)
    assert (second["solved_here_not_by_plain"], second["solved_by_plain_not_here"]) == (11, 2)
    # exact McNemar: two-sided binomial tail of 2 in 13 discordant seeds
    assert second["paired_p_value"] == pytest.approx(2 * (1 + 13 + 78) / 2**13)
    assert second["solved"] == 47 and second["budget_updates"] == 1000
    # the 95 % Wilson score interval of 38 / 50
    assert (round(first["ci95_low"], 1), round(first["ci95_high"], 1)) == (62.6, 85.7)


def test_tables_render_the_published_numbers():
    summary = read_results(RESULTS / "xor_summary.csv")
    table = bp_local_minima.arms_table(summary)
    assert table[0]["solved (all 4 right)"] == "35 / 50 (70 %)"
    assert table[0]["paired p (exact McNemar)"] == "—"
    assert table[3]["solved (all 4 right)"] == "**47 / 50 (94 %)**"
    assert [r["95 % CI (Wilson)"] for r in table] == ["56–81 %", "76–94 %", "71–92 %", "84–98 %"]
    assert [r["paired p vs plain"] for r in bp_local_minima.brief_table(summary)] == [
        "—", "0.022", "0.065", "0.002"
    ]


@pytest.mark.slow
def test_quick_run(tmp_path):
    results = bp_local_minima.main(["--quick", "--out", str(tmp_path)])
    summary = results["summary"]
    assert [r["arm"] for r in summary] == [
        "plain BP", "random perturbation", "annealed perturbation, revert if worse",
        "random restarts",
    ]
    assert all(r["seeds"] == 3 and r["budget_updates"] == 200 for r in summary)
    assert all(0 < r["updates"] <= 200 and r["final_E"] > 0 for r in results["runs"])
    # 200 updates are too few to leave the plateau: the restarts rule fired at least once
    assert summary[3]["mean_perturbations_or_restarts"] > 0
    assert len(read_results(tmp_path / "xor_runs.csv")) == 12
    assert (tmp_path / "xor_solved.png").stat().st_size > 1000
