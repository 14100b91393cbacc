import json

import numpy as np
import pytest

from benchmarks import saliency_speed
from zoo_scripts import saliency_maps
from zoo_scripts._results import read_results


@pytest.fixture
def no_data_dir_env(monkeypatch):
    monkeypatch.delenv("MLZOO_DATA_DIR", raising=False)


def test_generated_run_writes_the_grid_and_finds_the_blobs(tmp_path, no_data_dir_env, capsys):
    out = tmp_path / "run"
    results = saliency_maps.main(["--data-dir", str(tmp_path), "--n", "4", "--out", str(out)])
    assert (out / "saliency_maps.png").stat().st_size > 0
    assert json.loads((out / "saliency_maps.json").read_text()) == results
    written = read_results(out / "saliency_maps_summary.csv")
    assert [row["centre_mean"] for row in written] == [
        row["centre_mean"] for row in results["summary"]
    ]
    assert len(read_results(out / "saliency_maps_runs.csv")) == 4
    assert "generated blob images" in results["source"] and "generated" in capsys.readouterr().out
    everything, grid = results["summary"]
    assert everything["count"] == 500 and grid["count"] == len(results["runs"]) == 4
    assert everything["border_mean"] == 0.0  # boundary patches sit at the minimum distance
    assert everything["centre_mean"] > everything["rest_mean"] + 0.3
    table = saliency_maps.regions_table(results["summary"])
    assert [row["region"] for row in table][:2] == ["central 16×16", "1-pixel border"]
    assert table[1]["mean saliency"] == "0.000"


def test_quick_run_draws_eight_images(tmp_path, no_data_dir_env):
    results = saliency_maps.main(["--quick", "--out", str(tmp_path)])
    assert len(results["runs"]) == results["summary"][1]["count"] == 8
    assert (tmp_path / "saliency_maps.png").read_bytes().startswith(b"\x89PNG")


def test_reads_cifar_test_images_from_the_data_dir(tmp_path, no_data_dir_env):
    x_test = saliency_maps.blob_images(6, seed=1)
    np.savez(tmp_path / "cifar10_small.npz", x_test=x_test, x_train=x_test[:2])
    np.testing.assert_array_equal(saliency_maps.cifar_images(str(tmp_path)), x_test)
    results = saliency_maps.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "run")])
    assert results["source"].startswith("CIFAR-10") and len(results["runs"]) == 6


def test_blob_images_keep_clear_of_the_border():
    images = saliency_maps.blob_images(50, seed=2)
    assert images.shape == (50, 32, 32, 3) and images.dtype == np.uint8
    centre = images[:, 16, 16].astype(int)
    corner = images[:, 0, 0].astype(int)
    assert np.abs(centre - corner).sum(axis=1).mean() > 30


@pytest.mark.parametrize("argv", [["--n", "0"], ["--data-dir", "/no/such/folder"]])
def test_bad_arguments_exit_with_a_message(argv, tmp_path, capsys):
    with pytest.raises(SystemExit):
        saliency_maps.parse_args([*argv, "--out", str(tmp_path)])
    assert "error" in capsys.readouterr().err


def test_speed_benchmark_runs_on_generated_images(tmp_path, no_data_dir_env, capsys):
    argv = ["--data-dir", str(tmp_path), "--n", "12", "--n96", "3", "--repeats", "2"]
    results = saliency_speed.main([*argv, "--out", str(tmp_path / "run")])
    assert [(r["image_size"], r["patch_size"], r["images"]) for r in results["runs"]] == [
        (32, 1, 12),
        (96, 3, 3),
    ]
    for run in results["runs"]:
        assert len(run["rates"]) == 2 and run["best"] == max(run["rates"]) > 0
    printed = capsys.readouterr().out
    assert "generated blob images" in printed and "| 96x96 | 3 | 32x32 | 3 |" in printed
