import json

from zoo_scripts import dbn


def test_quick_run_compares_dbn_and_random_init_and_draws_the_rbm(tmp_path):
    results = dbn.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "dbn.json").read_text()) == results
    digits = results["digits"]
    assert digits["architecture"] == "64-64-64-10"
    errors = digits["test_error_percent"]
    for start in ("dbn", "random"):
        assert len(digits["curves"][start][0]) == digits["finetune_epochs"]
        assert errors[start]["mean"] < 20  # both learn the digits (chance: 90 %)
    assert digits["difference_points"] == errors["dbn"]["mean"] - errors["random"]["mean"]
    names = ["dbn_digits_filters", "dbn_digits_samples", "dbn_digits_samples_pcd", "dbn_test_error"]
    assert digits["pictures"] == [str(tmp_path / f"{name}.png") for name in names[:3]]
    for name in names:
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5_000
