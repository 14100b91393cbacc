import json

import pytest

from benchmarks import rbm_speed


def test_quick_run_matches_sklearns_pseudo_likelihood_and_reports_speed(tmp_path):
    argv = ["--quick", "--batch-sizes", "10", "--steps-per-execution", "1", "4"]
    results = rbm_speed.main([*argv, "--out", str(tmp_path)])
    assert json.loads((tmp_path / "rbm_speed.json").read_text()) == results
    digits = results["datasets"]["digits"]
    assert digits["hidden"] == 100 and digits["exact_samples"] == 200
    summary = digits["summary"]
    assert set(summary) == {"sklearn_b10", "ours_b10_spe1", "ours_b10_spe4"}
    reference = summary["sklearn_b10"]
    for key in ("ours_b10_spe1", "ours_b10_spe4"):
        row = summary[key]
        assert row["speed_ratio"] == pytest.approx(
            reference["seconds"]["mean"] / row["seconds"]["mean"]
        )
        # the same algorithm, data order and settings: the same pseudo-likelihood within noise
        assert abs(row["exact_pll_gain"]) < 1.5  # 2 epochs: -25.2 (ours) vs -25.1 (sklearn)
        assert row["exact_pll"]["mean"] > -30  # untrained: 64 log(1/2) = -44.4
    # steps_per_execution does not change the training
    assert summary["ours_b10_spe1"]["exact_pll"] == summary["ours_b10_spe4"]["exact_pll"]
