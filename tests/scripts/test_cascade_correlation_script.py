import json
from pathlib import Path

import keras
import numpy as np
import pytest

from mlzoo.datasets import make_two_spirals
from zoo_scripts import cascade_correlation
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "cascade"


def test_units_table_renders_ours_and_the_papers_from_their_files():
    ours, paper = cascade_correlation.units_table(
        read_results(RESULTS / "two_spirals.json"), read_results(RESULTS / "paper.json")
    )
    assert ours == {"": "mlzoo, seeds 0–9", "solved": "10 / 10",
                    "hidden units: mean ± std": "10.7 ± 0.9", "min – max": "9 – 12",
                    "time per run": "67 s"}
    assert paper["hidden units: mean ± std"] == "15.2"
    assert paper["min – max"] == "12 – 19"


@pytest.mark.slow
def test_quick_run_writes_regions_network_and_summary(tmp_path):
    results = cascade_correlation.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "two_spirals.json").read_text())["runs"] == results["runs"]
    (run,) = results["runs"]
    assert run["hidden_units"] <= 3 and 0.4 < run["training_accuracy"] <= 1.0
    assert run["output_epochs"] > 0 and run["candidate_epochs"] > 0
    png = (tmp_path / "two_spirals_regions.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    network = keras.models.load_model(tmp_path / "two_spirals_network.keras")
    x, y = make_two_spirals()
    accuracy = np.mean((network.predict(x, verbose=0)[:, 0] > 0.5) == y)
    assert accuracy == run["training_accuracy"]
