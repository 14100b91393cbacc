from zoo_scripts import rbf_network


def test_parameter_counts_match():
    assert rbf_network.rbf_parameters(64, 60, 10) == 60 * 65 + 61 * 10
    width = rbf_network.equal_mlp_width(64, 60, 10)
    mlp = rbf_network.mlp(64, width, 10).count_params()
    assert abs(mlp - rbf_network.rbf_parameters(64, 60, 10)) <= 64 + 1 + 10


def test_quick_run(tmp_path):
    results = rbf_network.main(["--quick", "--datasets", "iris", "--out", str(tmp_path)])
    assert [row["model"] for row in results["summary"]] == [
        "rbf_kmeans",
        "rbf_sample",
        "mlp_sigmoid",
    ]
    assert all(row["seeds"] == 2 and 0 <= row["mean"] <= 100 for row in results["summary"])
    assert (tmp_path / "summary.csv").exists()
