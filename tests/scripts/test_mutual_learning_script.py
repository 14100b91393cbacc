import csv
import json

import numpy as np
import pytest

from zoo_scripts import mutual_learning


def test_quick_run_writes_a_consistent_run_folder(tmp_path):
    results = mutual_learning.main(["--quick", "--out", str(tmp_path)])

    for name in ("results.json", "summary.csv", "runs.csv", "convergence.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    # digits are 8x8 images and EPT-ML has a mutual iteration: a reconstruction grid.
    assert (tmp_path / "reconstructions_EPT-ML.png").stat().st_size > 0
    assert not (tmp_path / "reconstructions_STD-PL.png").exists()
    assert json.loads((tmp_path / "results.json").read_text())["summary"] == results["summary"]

    runs = {run["mode"]: run for run in results["runs"]}
    assert set(runs) == {"STD-PL", "EPT-ML"}
    assert (runs["STD-PL"]["epochs"], runs["EPT-ML"]["epochs"]) == (6, 6)
    assert runs["EPT-ML"]["mutual_iterations"] == 1
    for mode, run in runs.items():
        curve = results["curves"][mode][0]
        assert len(curve["test_error"]) == len(curve["positive_loss"]) == run["epochs"]
        assert run["test_error"] == curve["test_error"][-1]
        assert 0.0 <= run["test_error"] < 90.0  # learned something in 6 epochs on 10 classes
    # Same initial weights and batch order: both modes' first (positive) epoch is identical.
    first = [results["curves"][m][0]["positive_loss"][0] for m in ("STD-PL", "EPT-ML")]
    assert first[0] == pytest.approx(first[1], rel=1e-6)
    # EPT-ML's second epoch is its negative pass: the only point of its negative-loss curve;
    # the positive loss (F measured at every step) is finite throughout.
    ept = results["curves"]["EPT-ML"][0]
    assert np.isfinite(ept["positive_loss"]).all()
    assert np.isfinite(ept["negative_loss"]).tolist() == [False, True, False, False, False, False]

    with open(tmp_path / "summary.csv") as f:
        summary = {row["mode"]: row for row in csv.DictReader(f)}
    for mode, run in runs.items():
        assert float(summary[mode]["test_avg"]) == pytest.approx(run["test_error"])


@pytest.mark.parametrize(
    "argv", [["--repetitions", "0"], ["--epochs", "0"], ["--hidden", "0"], ["--modes", "BP"]]
)
def test_bad_arguments_exit_with_a_message(argv, capsys):
    with pytest.raises(SystemExit):
        mutual_learning.parse_args(argv)
    assert "error" in capsys.readouterr().err
