import json

import pytest

pytest.importorskip("minisom")

from benchmarks import som_speed  # noqa: E402


def test_quick_run_reports_errors_and_ratios_against_minisom(tmp_path):
    argv = ["--quick", "--batch-sizes", "16", "--steps-per-execution", "1", "4"]
    results = som_speed.main([*argv, "--out", str(tmp_path)])
    assert json.loads((tmp_path / "som_speed.json").read_text()) == results
    digits = results["datasets"]["digits"]
    summary = digits["summary"]
    assert set(summary) == {"minisom", "ours_b16_spe1", "ours_b16_spe4"}
    reference = summary["minisom"]
    for row in summary.values():
        speed = row["samples_per_second"]["mean"]
        assert row["throughput_ratio"] == pytest.approx(
            speed / reference["samples_per_second"]["mean"]
        )
        # the same start, schedule and presentations: both maps end up comparably good
        assert row["quantization_error_ratio"] == pytest.approx(1.0, abs=0.05)
        assert 0 <= row["topographic_error"]["mean"] < 0.2
    # steps_per_execution does not change the map
    assert summary["ours_b16_spe1"]["quantization_error"] == pytest.approx(
        summary["ours_b16_spe4"]["quantization_error"], rel=1e-5
    )
