import json

import pytest

from benchmarks import joint_speed, mutual_speed, pretraining_speed, sharing_speed


@pytest.mark.parametrize(
    "module, file, ratio_keys",
    [
        (mutual_speed, "mutual_speed.json", ("positive_ratio", "negative_ratio")),
        (joint_speed, "joint_speed.json", ()),
    ],
)
def test_quick_run_writes_consistent_ratios(tmp_path, module, file, ratio_keys):
    results = module.main(["--quick", "--rounds", "1", "--hidden", "8", "--out", str(tmp_path)])
    assert json.loads((tmp_path / file).read_text()) == results
    assert [run["steps_per_execution"] for run in results["runs"]] == [1, 32]
    for run in results["runs"]:
        median = run["median_epoch_seconds"]
        assert all(seconds > 0 for seconds in median.values())
        for key in ratio_keys:
            name = key.removesuffix("_ratio")
            assert run[key] == pytest.approx(median[name] / median["plain"])
        for rule, ratio in run.get("ratios", {}).items():
            assert ratio == pytest.approx(median[rule] / median["plain"])


@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_sharing_quick_run_reports_ensemble_and_separate_ratios(tmp_path, model):
    argv = ["--quick", "--model", model, "--steps-per-execution", "4", "--separate-networks", "2"]
    argv += ["--out", str(tmp_path)]
    results = sharing_speed.main(argv)
    assert json.loads((tmp_path / f"sharing_speed_{model}.json").read_text()) == results
    for run in results["runs"]:
        median = run["median_epoch_seconds"]
        assert run["heads"] == 20 and len(median) == 3
        assert run["ensemble_ratio"] == pytest.approx(median["ensemble"] / median["plain_1"])
        separate = median["plain_1"] + median["plain_2"]
        assert run["ensemble_vs_separate"] == pytest.approx(median["ensemble"] / separate)


def test_pretraining_quick_run_times_every_stage(tmp_path):
    results = pretraining_speed.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "pretraining_speed.json").read_text()) == results
    assert [run["steps_per_execution"] for run in results["runs"]] == [1, 32]
    for run in results["runs"]:
        median = run["median_epoch_seconds"]
        assert set(median) == {
            "plain_dae",
            "dae",
            "foreground",
            "saliency_first",
            "saliency_all",
            "dual_path",
            "dual_path_layer_2",
        }
        for name, ratio in run["ratios"].items():
            assert ratio == pytest.approx(median[name] / median["plain_dae"])
