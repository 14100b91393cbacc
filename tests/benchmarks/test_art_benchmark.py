import json

import pytest

pytest.importorskip("artlib")

from benchmarks import art_speed  # noqa: E402


@pytest.mark.slow
def test_quick_run_matches_artlib_and_writes_its_table(tmp_path, capsys):
    results = art_speed.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "art_speed.json").read_text()) == results
    runs = results["runs"]
    assert [(run["model"], run["steps_per_execution"]) for run in runs] == [
        ("FuzzyART", 1),
        ("FuzzyART", 32),
        ("FuzzyARTMAP", 1),
        ("FuzzyARTMAP", 32),
    ]
    for run in runs:
        assert run["categories"] == run["artlib_categories"] == run["artlib_cpp_categories"]
        assert run["assignments_equal"] == 1.0 and run["max_weight_difference"] == 0.0
        assert run["ratio_vs_artlib"] == pytest.approx(run["artlib_seconds"] / run["seconds"])
    assert runs[-1]["test_accuracy"] == runs[-1]["artlib_test_accuracy"]
    assert capsys.readouterr().out.count("| digits (256 × 64) |") == 4
