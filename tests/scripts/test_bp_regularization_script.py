from pathlib import Path

import numpy as np
import pytest

from mlzoo.models.lecture_mlp import build_lecture_mlp
from zoo_scripts import bp_regularization
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "bp_variants"


def test_squared_weights_count_kernels_and_thresholds():
    model = build_lecture_mlp(5, 4, 3)
    model.set_weights([np.full_like(w, 0.5) for w in model.get_weights()])
    assert bp_regularization.squared_weights(model) == pytest.approx(0.25 * (5 * 4 + 4 + 4 * 3 + 3))


def test_arms_table_renders_the_published_numbers():
    table = bp_regularization.arms_table(read_results(RESULTS / "regularization.json"))
    assert [r["arm"] for r in table] == [
        "λ = 1 (no penalty)", "λ = 0.999999", "λ = 0.99999", "λ = 0.9999", "λ = 0.999",
        "early stopping on val_loss (patience 10)", "early stopping on loss (a = 5, b = 1e-4)",
    ]
    assert [r["L2 factor (1 − λ)/λ"] for r in table[:5]] == ["0", "1e-6", "1e-5", "1e-4", "1e-3"]
    assert table[0]["test err % (mean ± std)"] == "**4.52** ± 0.35"  # the lowest test error
    assert table[0]["Σ w²"] == "1,489" and table[4]["Σ w²"] == "164"


def test_bad_arguments_exit(tmp_path):
    with pytest.raises(SystemExit):
        bp_regularization.main(["--lambdas", "0", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        bp_regularization.main(["--epochs", "0", "--out", str(tmp_path)])


@pytest.mark.slow
def test_quick_run(tmp_path):
    results = bp_regularization.main(["--quick", "--out", str(tmp_path)])
    summary = results["summary"]
    assert [r["arm"] for r in summary] == [
        "λ=1", "λ=0.999", "early stop: val_loss", "early stop: loss"
    ]
    assert all(r["seeds"] == 2 and 0 <= r["test_error"] <= 100 for r in summary)
    by_arm = {r["arm"]: r for r in summary}
    # the penalty shrinks the weights, even in 3 epochs
    assert by_arm["λ=0.999"]["sum_w2"] < by_arm["λ=1"]["sum_w2"]
    assert read_results(tmp_path / "regularization_summary.csv")[0]["arm"] == "λ=1"
    assert len(read_results(tmp_path / "regularization_runs.csv")) == 8
    assert bp_regularization.arms_table(read_results(tmp_path / "regularization.json"))
