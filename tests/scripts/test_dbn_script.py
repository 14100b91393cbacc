import json
from pathlib import Path

import pytest

from zoo_scripts import dbn
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results"


@pytest.mark.slow
def test_quick_run_compares_dbn_and_random_init_and_draws_the_rbm(tmp_path):
    results = dbn.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "dbn.json").read_text()) == results
    digits = results["datasets"]["digits"]
    assert digits["architecture"] == "64-64-64-10" and digits["seeds"] == [0]
    for start in dbn.STARTS:
        (curve,) = digits["curves"][start]
        assert len(curve) == digits["finetune_epochs"]
        assert digits["final_test_error_percent"][start] == [curve[-1]]
        assert curve[-1] < 20  # both learn the digits (chance: 90 %)
    runs = read_results(tmp_path / "dbn_runs.csv")
    assert [(r["start"], r["seed"]) for r in runs] == [("dbn", 0), ("random", 0)]
    names = ["dbn_digits_filters", "dbn_digits_samples", "dbn_digits_samples_pcd"]
    assert digits["pictures"] == [f"{name}.png" for name in names]
    for name in [*names, "dbn_test_error"]:
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5_000


def _results(dbn_errors, random_errors):
    dataset = {
        "train_samples": 5000, "pretrain_epochs_per_rbm": 10, "finetune_epochs": 20,
        "seeds": list(range(len(dbn_errors))),
        "final_test_error_percent": {"dbn": dbn_errors, "random": random_errors},
    }
    return {"datasets": {"mnist": dataset}}


def test_comparison_table_gives_sample_std_and_the_difference():
    (row,) = dbn.comparison_table(_results([5.0, 6.0, 7.0], [9.0, 10.0, 11.0]))
    assert row["DBN init"] == "**6.00 ± 1.00 %**"  # ddof 1: std of 5, 6, 7 is 1
    assert row["random init"] == "10.00 ± 1.00 %"
    assert row["DBN − random"] == "−4.00 points (−40 %)"
    assert row["seeds"] == 3 and row["data"] == "MNIST (5,000 training images)"


def test_the_published_results_render_the_docs_table():
    results = read_results(RESULTS / "rbm" / "dbn.json")
    table = markdown_table(dbn.comparison_table(results))
    assert "**5.08 ± 0.04 %**" in table and "−4.01 points (−44 %)" in table


def test_bad_widths_exit_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit):
        dbn.main(["--hidden", "0", "--out", str(tmp_path)])
    assert "--hidden" in capsys.readouterr().err
