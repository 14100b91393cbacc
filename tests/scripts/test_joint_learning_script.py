import json

import numpy as np
import pytest

from zoo_scripts import joint_learning
from zoo_scripts._results import read_results


@pytest.mark.slow
def test_quick_run_writes_a_consistent_run_folder(tmp_path):
    results = joint_learning.main(
        ["--quick", "--rules", "fixed", "infomax", "triesch", "--out", str(tmp_path)]
    )
    for name in ("joint_learning_summary.csv", "joint_learning_runs.csv", "curves.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    saved = json.loads((tmp_path / "joint_learning.json").read_text())
    assert saved["summary"] == results["summary"] and saved["config"]["epochs"] == 3
    runs = {run["rule"]: run for run in results["runs"]}
    assert set(runs) == {"fixed", "infomax", "triesch"}
    for rule, run in runs.items():
        curve = results["curves"][rule][0]
        assert len(curve["loss"]) == len(curve["hidden_entropy"]) == 3
        assert run["test_error"] == curve["test_error"][-1]
        assert 0.0 <= run["hidden_saturation"] <= 1.0
        assert 0.0 <= run["hidden_entropy"] <= np.log(20)
    assert runs["fixed"]["hidden_slope"] == 1.0  # the baseline's slope never moves
    assert runs["infomax"]["hidden_slope"] != 1.0
    # Same initial weights and batch order: the first epoch's task loss is the same for every
    # rule up to the plasticity updates made during that epoch.
    first = [results["curves"][r][0]["loss"][0] for r in ("fixed", "infomax")]
    assert first[0] == pytest.approx(first[1], rel=0.05)
    # The docs' renderers read the run's own summary file.
    summary = read_results(tmp_path / "joint_learning_summary.csv")
    assert summary[0]["test_error_mean"] == pytest.approx(runs["fixed"]["test_error"])
    (row,) = joint_learning.rules_table(summary, datasets="digits")
    assert list(row) == ["dataset", "fixed", "infomax", "triesch"]
    assert row["fixed"].startswith(f"{runs['fixed']['test_error']:.2f} ± 0.00 / ")


def test_concentrated_inputs_lie_near_one(tmp_path):
    args = joint_learning.parse_args(
        ["--concentrate", "0.1", "--dataset", "iris", "--out", str(tmp_path)]
    )
    x, _, x_test, _ = joint_learning.load_data(args, 0)
    assert x.min() >= 0.9 - 1e-6 and x.max() <= 1.0 + 1e-6 and x_test.min() >= 0.9 - 1e-6


@pytest.mark.parametrize(
    "argv",
    [
        ["--epochs", "0"],
        ["--concentrate", "1.5"],
        ["--activation", "tanh", "--rules", "triesch"],
        ["--rules", "hebb"],
        ["--hidden", "0"],
    ],
)
def test_bad_arguments_exit_with_a_message(argv, tmp_path, capsys):
    with pytest.raises(SystemExit):
        joint_learning.parse_args([*argv, "--out", str(tmp_path)])
    assert "error" in capsys.readouterr().err


@pytest.mark.slow
def test_linear_ip_schedule_reaches_zero_by_the_decay_epoch(tmp_path):
    argv = ["--quick", "--rules", "infomax", "--ip-schedule", "linear", "--ip-decay-epochs", "2"]
    args = joint_learning.parse_args(argv + ["--out", str(tmp_path)])
    x, y, _, _ = joint_learning.load_data(args, 0)
    model = joint_learning.build(args, "infomax", x.shape[1], y.shape[1])
    model.compile(optimizer="sgd", loss="mse")
    from mlzoo.callbacks import IPRateScheduler, linear_decay

    history = model.fit(
        x, y, epochs=3, verbose=0, callbacks=[IPRateScheduler(linear_decay(args.ip_decay_epochs))]
    ).history
    np.testing.assert_allclose(history["ip_rate"], [0.01, 0.0, 0.0], atol=1e-9)
    results = joint_learning.main(argv + ["--out", str(tmp_path)])
    assert results["config"]["ip_schedule"] == "linear"


def summary(rule_rows):
    return [
        {"rule": rule, "test_error_mean": e, "test_error_std": 0.5, "final_loss_mean": 0.01,
         "hidden_entropy_mean": 2.0, "hidden_saturation_mean": 0.1}
        for rule, e in rule_rows
    ]


def test_schedule_table_shows_the_shared_fixed_column_once_and_checks_it():
    constant = summary([("infomax", 6.0), ("fixed", 27.5), ("task", 22.0)])
    decay = summary([("fixed", 27.5), ("infomax", 9.95)])
    (row,) = joint_learning.schedule_table(
        constant, decay, datasets="digits", epochs="30", batch="32"
    )
    assert list(row) == ["dataset", "budget", "fixed", "task", "infomax", "infomax, decay"]
    assert row["budget"] == "30 ep, batch 32"
    assert row["infomax, decay"] == "9.95 ± 0.50 / 0.0100 / 2.00"
    with pytest.raises(ValueError, match="not the same seeds"):
        joint_learning.schedule_table(
            constant, summary([("fixed", 30.0)]), datasets="digits", epochs="30", batch="32"
        )
