import pytest

from benchmarks import rbm_speed
from zoo_scripts._results import read_results


@pytest.mark.slow
def test_quick_run_matches_sklearns_pseudo_likelihood_and_reports_speed(tmp_path):
    argv = ["--quick", "--batch-sizes", "10", "--steps-per-execution", "1", "4"]
    results = rbm_speed.main([*argv, "--out", str(tmp_path)])
    assert read_results(tmp_path / "rbm_speed.json") == results
    assert {row["run"] for row in read_results(tmp_path / "rbm_speed_runs.csv")} == {
        "sklearn_b10", "ours_b10_spe1", "ours_b10_spe4"
    }
    digits = results["datasets"]["digits"]
    assert digits["hidden"] == 100 and digits["exact_samples"] == 200
    summary = digits["summary"]
    reference = summary["sklearn_b10"]
    for key in ("ours_b10_spe1", "ours_b10_spe4"):
        row = summary[key]
        assert row["speed_ratio"] == pytest.approx(reference["seconds_mean"] / row["seconds_mean"])
        # the same algorithm, data order and settings: the same pseudo-likelihood within noise
        assert abs(row["exact_pll_gain"]) < 1.5  # 2 epochs: -25.2 (ours) vs -25.1 (sklearn)
        assert row["exact_pll_mean"] > -30  # untrained: 64 log(1/2) = -44.4
    # steps_per_execution does not change the training
    assert summary["ours_b10_spe1"]["exact_pll_mean"] == summary["ours_b10_spe4"]["exact_pll_mean"]
    rows = rbm_speed.speed_table(results, "digits")
    assert [row["run"] for row in rows] == ["sklearn", "ours, spe 1 / 4"]
    assert " / " not in rows[1]["PL (test)"]  # equal at both spe: shown once
