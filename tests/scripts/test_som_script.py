import json

from zoo_scripts import som


def test_quick_run_draws_the_maps_and_labels_digits(tmp_path):
    results = som.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "som.json").read_text()) == results
    digits = results["digits"]
    assert digits["map"] == "12x12"
    assert digits["test_accuracy_of_unit_majority_label"] > 0.7
    assert 0 <= digits["test_topographic_error"] < 0.2
    png = (tmp_path / "som_digits.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
