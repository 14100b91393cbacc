from pathlib import Path

import numpy as np
import pytest

from mlzoo.models.lecture_mlp import build_lecture_mlp
from zoo_scripts import bp_variants
from zoo_scripts._bp_lecture import lecture_error, training_batches
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "bp_variants"


def test_epoch_layout_runs_whole_passes_of_at_least_min_updates():
    assert bp_variants.epoch_layout(1222, 1, 64) == (1, 1222)  # standard BP: one pass per call
    assert bp_variants.epoch_layout(1222, 100, 64) == (5, 65)  # 13 batches a pass
    assert bp_variants.epoch_layout(1222, 1222, 64) == (64, 64)  # accumulated BP
    assert bp_variants.batch_sizes([1, 10, 100, 0], 90) == [1, 10, 90]  # 100 and 0: full batch


def test_training_batches_visit_every_sample_once_per_pass():
    x = np.arange(10, dtype="float32")[:, None]
    y = np.eye(10, dtype="float32")
    batches = list(training_batches(x, y, 4, seed=0).take(6))
    assert [len(b[0]) for b in batches] == [4, 4, 2, 4, 4, 2]
    first = np.concatenate([b[0][:, 0] for b in batches[:3]])
    second = np.concatenate([b[0][:, 0] for b in batches[3:]])
    assert sorted(first) == sorted(second) == list(range(10))
    assert list(first) != list(second)  # reshuffled every pass
    for inputs, targets in batches:  # pairs stay together
        np.testing.assert_array_equal(np.asarray(targets).argmax(1), np.asarray(inputs)[:, 0])
    (full,) = list(training_batches(x, y, 10, seed=0).take(1))
    np.testing.assert_array_equal(full[0], x)


def test_lecture_error_is_the_compiled_loss_and_the_decision_error(onehot_data):
    x, y = onehot_data(n=24, input_dim=5, output_dim=3)
    model = build_lecture_mlp(5, 4, 3)
    energy, error = lecture_error(model, x, y)
    assert model.evaluate(x, y, batch_size=24, verbose=0) == pytest.approx(energy, rel=1e-5)
    scores = np.asarray(model(x))
    assert error == pytest.approx(100 * np.mean(scores.argmax(1) != y.argmax(1)))
    binary = build_lecture_mlp(5, 4, 1)
    targets = y[:, :1]
    _, binary_error = lecture_error(binary, x, targets)
    wrong = (np.asarray(binary(x))[:, 0] > 0.5) != (targets[:, 0] > 0.5)
    assert binary_error == pytest.approx(100 * wrong.mean())


def test_curve_helpers():
    rows = [
        {"seconds": 0.0, "train_E": 1.0},
        {"seconds": 1.0, "train_E": 0.5},
        {"seconds": 2.0, "train_E": 0.15},
        {"seconds": 3.0, "train_E": 0.1},
    ]
    assert bp_variants.time_to_level(rows, 0.5) == 1.0
    assert bp_variants.time_to_level(rows, 0.01) is None
    # 90 % of the decrease 1.0 -> 0.1 is reached at E <= 0.19
    assert bp_variants.plateau_time(rows) == 2.0


def test_summary_table_renders_the_published_numbers(tmp_path):
    summary = read_results(RESULTS / "variants_summary.csv")
    table = bp_variants.summary_table(summary)
    assert [(r["dataset"], r["η setting"], r["batch"]) for r in table[:5]] == [
        ("digits", "tuned", 1), ("digits", "tuned", 10), ("digits", "tuned", 100),
        ("digits", "tuned", 1222), ("digits", "same", 1),
    ]
    assert table[1]["E (mean ± std)"] == "**0.0005** ± 0.0004"  # digits' lowest E
    assert table[3]["reached full-batch E"] == "—"  # the full batch is the reference
    assert (table[8]["passes"], table[10]["passes"]) == ("11.7", "741")


@pytest.mark.slow
def test_quick_run(tmp_path):
    results = bp_variants.main(["--quick", "--out", str(tmp_path)])
    summary = results["summary"]
    assert {(r["setting"], r["batch_size"]) for r in summary} == {
        (setting, batch) for setting in ("tuned", "same") for batch in (1, 10, 90)
    }
    assert all(r["seeds"] == 2 and 0 <= r["final_test_error"] <= 100 for r in summary)
    # the quick budget still learns iris: the best variant beats chance (67 % error) clearly
    assert min(r["final_test_error"] for r in summary) < 30
    assert len(read_results(tmp_path / "variants_summary.csv")) == len(summary)
    assert len(read_results(tmp_path / "variants_runs.csv")) == len(results["runs"]) == 12
    for png in ("variants_iris_tuned.png", "variants_iris_same.png"):
        assert (tmp_path / png).stat().st_size > 1000
    curves = read_results(tmp_path / "variants.json")["curves"]
    assert all(c["rows"][0]["passes"] == 0 for c in curves)
    assert bp_variants.summary_table(summary)  # the docs renderer takes a fresh run's summary
