from pathlib import Path

import pytest

from zoo_scripts import rbf_network
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "rbf"


def test_parameter_counts_match():
    assert rbf_network.rbf_parameters(64, 60, 10) == 60 * 65 + 61 * 10
    width = rbf_network.equal_mlp_width(64, 60, 10)
    mlp = rbf_network.mlp(64, width, 10).count_params()
    assert abs(mlp - rbf_network.rbf_parameters(64, 60, 10)) <= 64 + 1 + 10


def test_errors_table_renders_the_published_numbers():
    table = rbf_network.errors_table(read_results(RESULTS / "rbf_network_runs.csv"))
    assert table == [
        {"dataset": "digits", "RBF, k-means centres": "2.31 ± 0.43",
         "RBF, random-sample centres": "2.37 ± 0.49",
         "sigmoid MLP, same parameters": "**1.88 ± 0.20**"},
        {"dataset": "waveform", "RBF, k-means centres": "14.45 ± 0.51",
         "RBF, random-sample centres": "**14.31 ± 0.45**",
         "sigmoid MLP, same parameters": "14.38 ± 0.45"},
    ]


@pytest.mark.slow
def test_quick_run(tmp_path):
    results = rbf_network.main(["--quick", "--dataset", "iris", "--out", str(tmp_path)])
    assert [row["model"] for row in results["summary"]] == list(rbf_network.MODELS)
    assert all(row["n"] == 2 and 0 <= row["test_error_mean"] <= 100 for row in results["summary"])
    # 2 epochs from k-means centres already separate iris better than chance (67 % error)
    assert results["summary"][0]["test_error_mean"] < 50
    assert len(read_results(tmp_path / "rbf_network_runs.csv")) == 6
    assert rbf_network.errors_table(read_results(tmp_path / "rbf_network_runs.csv"))
