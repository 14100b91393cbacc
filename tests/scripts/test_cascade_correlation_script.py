import json

import keras
import numpy as np

from mlzoo.datasets import make_two_spirals
from zoo_scripts import cascade_correlation


def test_quick_run_writes_regions_network_and_summary(tmp_path):
    results = cascade_correlation.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "two_spirals.json").read_text()) == results
    (run,) = results["runs"]
    assert run["hidden_units"] <= 3 and 0.4 < run["training_accuracy"] <= 1.0
    assert results["summary"]["paper"]["hidden_units_mean"] == 15.2
    png = (tmp_path / "two_spirals_regions.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    network = keras.models.load_model(tmp_path / "two_spirals_network.keras")
    x, y = make_two_spirals()
    accuracy = np.mean((network.predict(x, verbose=0)[:, 0] > 0.5) == y)
    assert accuracy == run["training_accuracy"]
