import json

import pytest

from benchmarks import (
    _timing,
    backend_speed,
    feed_speed,
    input_guard_cost,
    joint_speed,
    mutual_speed,
    pretraining_speed,
    saliency_speed,
    sharing_speed,
)
from zoo_scripts._results import read_results


def test_epoch_parser_quick_settings_and_steps_list(tmp_path):
    parser = _timing.epoch_parser("demo", "A demo.", hidden=16)
    args = parser.parse(["--quick", "--steps-per-execution", "4", "--out", str(tmp_path)],
                        quick={"dataset": "digits", "rounds": 2})
    settings = (args.dataset, args.rounds, args.hidden, args.steps_per_execution)
    assert settings == ("digits", 2, 16, [4])
    assert args.batch_size == 200 and parser.prog == "mlzoo bench demo"
    with pytest.raises(SystemExit):
        parser.parse(["--steps-per-execution", "0", "--out", str(tmp_path)])


def test_flat_joins_nested_keys_and_drops_lists():
    row = {"spe": 1, "median": {"plain": 0.5, "ratio": {"a": 2}}, "rates": [1, 2]}
    assert _timing.flat(row) == {"spe": 1, "median_plain": 0.5, "median_ratio_a": 2}


def test_feed_speed_times_both_inputs_and_reports_their_ratio(tmp_path):
    argv = ["--quick", "--epochs", "2", "--steps-per-execution", "1", "--out", str(tmp_path)]
    results = feed_speed.main(argv)
    assert read_results(tmp_path / "feed_speed.json")["repeats"] == 1
    rows = read_results(tmp_path / "feed_speed_runs.csv")
    assert [row["input"] for row in rows] == ["numpy", "tf.data"]
    for row in rows:
        assert 0 < row["cpu_seconds"] and 0 < row["wall_seconds"]
        assert 0 < row["final_loss"] < 5  # 3 classes: about ln 3 = 1.1 untrained
    summary = results["summary"][1]
    cpu = [summary[feed]["cpu_seconds_mean"] for feed in feed_speed.INPUTS]
    assert summary["cpu_ratio"] == pytest.approx(cpu[0] / cpu[1])
    table = feed_speed.feed_table(results)
    assert table[0]["steps_per_execution"] == 1 and table[0]["repeats"] == 1


def test_small_set_is_108_scaled_one_hot_rows():
    x, y = feed_speed.small_set(108)
    assert x.shape == (108, 4) and y.shape == (108, 3)
    assert 0 <= x.min() and x.max() <= 1 and (y.sum(1) == 1).all()


def test_saliency_speed_quick_run_writes_its_table(tmp_path, monkeypatch):
    monkeypatch.delenv("MLZOO_DATA_DIR", raising=False)
    argv = ["--quick", "--data-dir", str(tmp_path), "--n", "12", "--n96", "3"]
    results = saliency_speed.main([*argv, "--out", str(tmp_path / "run")])
    assert read_results(tmp_path / "run" / "saliency_speed.json") == results
    assert [row["images"] for row in read_results(tmp_path / "run" / "saliency_speed_runs.csv")] \
        == [12, 3]
    rows = saliency_speed.speed_table(results)
    assert [row["grid"] for row in rows] == ["32x32", "32x32"]
    assert "median images/s (1 runs)" in rows[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    "module, name, ratio_keys",
    [
        (mutual_speed, "mutual_speed", ("positive_ratio", "negative_ratio")),
        (joint_speed, "joint_speed", ()),
    ],
)
def test_quick_run_writes_consistent_ratios(tmp_path, module, name, ratio_keys):
    results = module.main(["--quick", "--rounds", "1", "--hidden", "8", "--out", str(tmp_path)])
    assert json.loads((tmp_path / f"{name}.json").read_text()) == results
    assert len(read_results(tmp_path / f"{name}_runs.csv")) == 2
    assert [run["steps_per_execution"] for run in results["runs"]] == [1, 32]
    for run in results["runs"]:
        median = run["median_epoch_seconds"]
        assert all(seconds > 0 for seconds in median.values())
        for key in ratio_keys:
            assert run[key] == pytest.approx(median[key.removesuffix("_ratio")] / median["plain"])
        for rule, ratio in run.get("ratios", {}).items():
            assert ratio == pytest.approx(median[rule] / median["plain"])
    rows = module.speed_table(results)
    assert [row["run"] for row in rows] == [1, 1]


@pytest.mark.slow
@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_sharing_quick_run_reports_ensemble_and_separate_ratios(tmp_path, model):
    argv = ["--quick", "--model", model, "--steps-per-execution", "4", "--separate-networks", "2"]
    results = sharing_speed.main([*argv, "--out", str(tmp_path)])
    assert json.loads((tmp_path / f"sharing_speed_{model}.json").read_text()) == results
    for run in results["runs"]:
        median = run["median_epoch_seconds"]
        assert run["heads"] == 20 and len(median) == 3
        assert run["ensemble_ratio"] == pytest.approx(median["ensemble"] / median["plain_1"])
        separate = median["plain_1"] + median["plain_2"]
        assert run["ensemble_vs_separate"] == pytest.approx(median["ensemble"] / separate)
    assert "2 separate / plain" in sharing_speed.cost_table(results)[0]


@pytest.mark.slow
def test_pretraining_quick_run_times_every_stage(tmp_path):
    results = pretraining_speed.main(["--quick", "--steps-per-execution", "4",
                                      "--out", str(tmp_path)])
    assert json.loads((tmp_path / "pretraining_speed.json").read_text()) == results
    (run,) = results["runs"]
    assert set(run["median_epoch_seconds"]) == set(pretraining_speed.STAGES)
    for name, ratio in run["ratios"].items():
        assert ratio == pytest.approx(run["median_epoch_seconds"][name]
                                      / run["median_epoch_seconds"]["plain_dae"])
    assert len(pretraining_speed.cost_table(results)) == len(pretraining_speed.STAGES)


@pytest.mark.slow
def test_input_guard_quick_run_times_guarded_and_unguarded_epochs(tmp_path):
    argv = ["--quick", "--rounds", "1", "--hidden", "8", "--steps-per-execution", "4"]
    results = input_guard_cost.main([*argv, "--out", str(tmp_path)])
    assert read_results(tmp_path / "input_guard_cost.json") == results
    assert [run["step"] for run in results["runs"]] == list(input_guard_cost.STEPS.values())
    for run in results["runs"]:
        assert run["ratio"] == pytest.approx(run["guarded"] / run["unguarded"])
    assert 0 < results["array_check_seconds"] < 1  # digits: 1,222 x 64


def test_step_flops_and_matmul_rate():
    assert backend_speed.step_flops(784, 300, 10) == 6 * 238_200
    calls = []

    def matmul(a, b):
        calls.append(a.shape)
        return a @ b

    rate = backend_speed.matmul_rate(matmul, 64, repeats=2)
    assert calls == [(64, 64)] * 3 and rate > 0


@pytest.mark.slow
def test_backend_speed_steps_every_installed_backend_and_reports_shares(tmp_path):
    argv = ["--quick", "--rounds", "1", "--samples", "400", "--steps-per-execution", "1",
            "--out", str(tmp_path)]
    results = backend_speed.main(argv)
    assert {run["backend"] for run in results["runs"]} == set(
        backend_speed.installed(backend_speed.BACKENDS)
    )
    flops = backend_speed.step_flops(64, 300, 10) * 400
    for run in results["runs"]:
        plain = run["fastest_epoch_seconds"]["plain"]
        assert run["gflops"]["plain"] == pytest.approx(flops / plain / 1e9)
        assert run["share_of_matmul"]["plain"] == pytest.approx(
            run["gflops"]["plain"] / results["numpy_matmul_gflops"]
        )
        median = run["median_epoch_seconds"]
        assert run["positive_ratio"] == pytest.approx(median["positive"] / median["plain"])
    assert len(backend_speed.speed_table(results)) == len(results["runs"])
    assert json.loads((tmp_path / "backend_speed.json").read_text())["flops_per_epoch"] == flops


def test_gpu_check_fits_a_family_under_mixed_precision_and_tabulates_it(monkeypatch):
    from benchmarks import gpu_check

    monkeypatch.syspath_prepend(str(gpu_check.FAMILIES))
    from _registry import all_specs

    spec = next(s for s in all_specs() if s.name == "rbf_network")
    record = gpu_check.check(spec, steps=1)
    assert record["ok"] and record["model"] == "rbf_network" and "loss" in record["logs"]
    import keras

    assert keras.config.dtype_policy().name == "float32"  # restored after the check
    row = gpu_check.family_table({"backend": "tensorflow", "models": [record]})[0]
    assert row["finite"] == "yes" and row["model"] == "rbf_network"
