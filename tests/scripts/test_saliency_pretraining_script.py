import json
from pathlib import Path

import numpy as np
import pytest

from zoo_scripts import saliency_pretraining
from zoo_scripts._docs import markdown_table
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "saliency_pretraining"


@pytest.mark.slow
def test_quick_run_on_generated_shapes(tmp_path):
    argv = ["--dataset", "shapes", "--quick", "--methods", "none", "dae", "dual_path"]
    results = saliency_pretraining.main([*argv, "--out", str(tmp_path)])
    summary = {row["method"]: row for row in results["summary"]}
    assert list(summary) == ["none", "dae", "dual_path"]
    assert all(row["runs"] == 2 and 0 <= row["mean"] <= 100 for row in summary.values())
    accuracy = {(r["method"], r["label_draw"]): r["test_accuracy"] for r in results["runs"]}
    paired = [accuracy["dual_path", d] - accuracy["none", d] for d in (0, 1)]
    assert summary["dual_path"]["vs_none"] == pytest.approx(np.mean(paired))
    assert summary["dual_path"]["vs_none_std"] == pytest.approx(np.std(paired, ddof=1))
    assert json.loads((tmp_path / "mlp.json").read_text()) == results
    assert len(read_results(tmp_path / "mlp_runs.csv")) == 6
    assert results["saliency_speed"]["images_per_second"] > 0
    for name in ("none_weights_1", "dae_weights_2", "dual_path_reconstructions"):
        assert (tmp_path / f"mlp_{name}.png").stat().st_size > 0
    table = saliency_pretraining.methods_table(read_results(tmp_path / "mlp_summary.csv"))
    assert [row["method"] for row in table] == ["none", "dae", "dual_path"]

    # a second pre-training seed in another folder, then one summary over both
    second = tmp_path / "seed1"
    saliency_pretraining.main([*argv, "--seeds", "1", "--out", str(second)])
    combined = saliency_pretraining.main(
        ["--combine", str(tmp_path), str(second), "--out", str(tmp_path / "all")]
    )
    assert {row["method"]: row["runs"] for row in combined["summary"]} == {
        "none": 4,
        "dae": 4,
        "dual_path": 4,
    }
    assert {run["pretrain_seed"] for run in combined["runs"]} == {0, 1}


@pytest.mark.slow
def test_cnn_quick_run_on_local_cifar_layout(tmp_path):
    rng = np.random.default_rng(0)
    data = {
        "x_train": rng.integers(0, 255, (100, 32, 32, 3), dtype=np.uint8),
        "y_train": np.arange(100) % 10,
        "x_test": rng.integers(0, 255, (50, 32, 32, 3), dtype=np.uint8),
        "y_test": np.arange(50) % 10,
        "x_unlabeled": rng.integers(0, 255, (60, 32, 32, 3), dtype=np.uint8),
    }
    np.savez(tmp_path / "cifar10_small.npz", **data)
    out = tmp_path / "run"
    argv = ["--data-dir", str(tmp_path), "--model", "cnn", "--quick", "--methods", "dae"]
    results = saliency_pretraining.main([*argv, "--label-draws", "1", "--out", str(out)])
    assert results["summary"][0]["runs"] == 1
    assert results["saliency_speed"]["images"] == 160  # unlabelled + training images
    assert (out / "cnn_dae_kernels_1.png").stat().st_size > 0
    assert (out / "cnn.json").is_file() and (out / "cnn_summary.csv").is_file()


def test_label_draw_is_balanced():
    y = np.arange(100) % 10
    index = saliency_pretraining.label_draw(y, 3, seed=1)
    assert np.bincount(y[index]).tolist() == [3] * 10


def test_paired_summary_pairs_by_seed_and_draw():
    runs = [
        {"method": m, "pretrain_seed": s, "label_draw": d, "test_accuracy": a}
        for m, base in (("none", 30.0), ("dae", 33.0))
        for s in (0, 1)
        for d, a in ((0, base + s), (1, base + 2 * s))
    ]
    none, dae = saliency_pretraining.paired_summary(runs)
    assert dae["vs_none"] == 3.0 and dae["vs_none_std"] == 0.0  # every pair differs by 3
    assert none["runs"] == 4 and none["std"] == pytest.approx(np.std([30, 30, 31, 32], ddof=1))
    assert saliency_pretraining.methods_table([dae])[0]["vs none"] == "+3.00 ± 0.00"


def test_published_summaries_recompute_from_their_runs():
    for model in ("mlp", "cnn"):
        runs = read_results(RESULTS / f"{model}_runs.csv")
        recomputed = saliency_pretraining.paired_summary(runs)
        published = read_results(RESULTS / f"{model}_summary.csv")
        table = saliency_pretraining.methods_table
        assert markdown_table(table(recomputed)) == markdown_table(table(published))
