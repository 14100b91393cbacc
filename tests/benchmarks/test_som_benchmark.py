import pytest

pytest.importorskip("minisom")

from benchmarks import som_speed  # noqa: E402
from zoo_scripts._results import read_results  # noqa: E402


def test_quick_run_reports_errors_and_ratios_against_minisom(tmp_path):
    argv = ["--quick", "--batch-sizes", "16", "--steps-per-execution", "1", "4"]
    results = som_speed.main([*argv, "--out", str(tmp_path)])
    assert read_results(tmp_path / "som_speed.json") == results
    assert len(read_results(tmp_path / "som_speed_runs.csv")) == 3
    summary = results["datasets"]["digits"]["summary"]
    assert set(summary) == {"minisom", "ours_b16_spe1", "ours_b16_spe4"}
    reference = summary["minisom"]
    for row in summary.values():
        assert row["samples_per_second_ratio"] == pytest.approx(
            row["samples_per_second_mean"] / reference["samples_per_second_mean"]
        )
        # the same start, schedule and presentations: both maps end up comparably good
        assert row["quantization_error_ratio"] == pytest.approx(1.0, abs=0.05)
        assert 0 <= row["topographic_error_mean"] < 0.2
    # steps_per_execution does not change the map
    assert summary["ours_b16_spe1"]["quantization_error_mean"] == pytest.approx(
        summary["ours_b16_spe4"]["quantization_error_mean"], rel=1e-5
    )
    rows = som_speed.speed_table(results)
    assert [row["run"] for row in rows] == ["MiniSom", "ours b16, spe 1 / 4"]
