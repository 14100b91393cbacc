import json

import numpy as np
import pytest

from zoo_scripts import mutual_learning
from zoo_scripts._results import read_results


@pytest.mark.slow
def test_quick_run_writes_a_consistent_run_folder(tmp_path):
    results = mutual_learning.main(["--quick", "--out", str(tmp_path)])

    for name in ("mutual_learning_summary.csv", "mutual_learning_runs.csv", "convergence.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    # digits are 8x8 images and EPT-ML has a mutual iteration: a reconstruction grid.
    assert (tmp_path / "reconstructions_EPT-ML.png").read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "reconstructions_STD-PL.png").exists()
    saved = json.loads((tmp_path / "mutual_learning.json").read_text())
    assert saved["summary"] == results["summary"] and saved["config"]["seeds"] == [0]

    runs = {run["mode"]: run for run in results["runs"]}
    assert set(runs) == {"STD-PL", "EPT-ML"}
    assert (runs["STD-PL"]["epochs"], runs["EPT-ML"]["epochs"]) == (6, 6)
    assert runs["EPT-ML"]["mutual_iterations"] == 1
    for mode, run in runs.items():
        curve = results["curves"][mode][0]
        assert len(curve["test_error"]) == len(curve["positive_loss"]) == run["epochs"]
        assert run["test_error"] == curve["test_error"][-1]
        assert 0.0 <= run["test_error"] < 50.0  # chance is 90 % on 10 classes
    # Same initial weights and batch order: both modes' first (positive) epoch is identical.
    first = [results["curves"][m][0]["positive_loss"][0] for m in ("STD-PL", "EPT-ML")]
    assert first[0] == pytest.approx(first[1], rel=1e-6)
    # EPT-ML's second epoch is its negative pass: the only point of its negative-loss curve;
    # the positive loss (F measured at every step) is finite throughout.
    ept = results["curves"]["EPT-ML"][0]
    assert np.isfinite(ept["positive_loss"]).all()
    assert np.isfinite(ept["negative_loss"]).tolist() == [False, True, False, False, False, False]

    summary = {row["mode"]: row for row in read_results(tmp_path / "mutual_learning_summary.csv")}
    for mode, run in runs.items():
        assert summary[mode]["test_error_mean"] == pytest.approx(run["test_error"])
        assert summary[mode]["n"] == 1
    # The docs' renderer reads the run's own summary file.
    table = mutual_learning.table3(list(summary.values()))
    assert table[0] == {"": "test-Avg", "STD-BP": f"{runs['STD-PL']['test_error']:.2f}",
                        "EPT-ML": f"{runs['EPT-ML']['test_error']:.2f}"}


@pytest.mark.parametrize(
    "argv", [["--seeds", "3-1"], ["--epochs", "0"], ["--hidden", "0"], ["--modes", "BP"]]
)
def test_bad_arguments_exit_with_a_message(argv, tmp_path, capsys):
    with pytest.raises(SystemExit):
        mutual_learning.parse_args([*argv, "--out", str(tmp_path)])
    assert "error" in capsys.readouterr().err


def test_quick_settings_and_seed_ranges(tmp_path):
    args = mutual_learning.parse_args(["--quick", "--out", str(tmp_path)])
    assert (args.seeds, args.epochs, args.modes) == ([0], 6, ["STD-PL", "EPT-ML"])
    args = mutual_learning.parse_args(["--quick", "--seeds", "0-2", "--out", str(tmp_path)])
    assert args.seeds == [0, 1, 2] and args.dataset == "digits"


def test_mnist_table_groups_seeds_by_loss_and_bolds_the_best():
    paper = {"table5": {"STD-BP": 1.59, "EI-ML": 1.97, "EPT-ML": 1.43}}
    squared = [
        {"seed": s, "mode": m, "test_error": e, "train_error": e / 2, "epochs": 10}
        for s, m, e in [(1, "STD-PL", 70.0), (0, "STD-PL", 60.0), (0, "EPT-ML", 5.0),
                        (1, "EPT-ML", 7.0)]
    ]
    mse = [{"seed": 0, "mode": "STD-PL", "test_error": 8.0, "train_error": 4.0, "epochs": 10}]
    rows = mutual_learning.mnist_table(paper, squared, mse, losses="squared_error,mse")
    assert [(r["loss"], r["mode"]) for r in rows] == [
        ("eq. 7 (`squared_error`)", "STD-BP"), ("", "EPT-ML"), ("Keras `mse`", "STD-BP")]
    assert rows[0]["test error per seed"] == "60.00 / 70.00"  # seed order
    assert (rows[0]["test-Avg"], rows[0]["test-Std"]) == ("65.00", "7.07")  # ddof 1
    assert rows[1]["test-Avg"] == "**6.00**" and rows[1]["paper (60k)"] == "1.43"
    assert rows[2]["test-Avg"] == "**8.00**" and rows[2]["paper (60k)"] == ""
