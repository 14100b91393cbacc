import json
from pathlib import Path

import pytest

from zoo_scripts import elman
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "elman"


def test_tables_render_the_published_numbers():
    results = read_results(RESULTS / "elman.json")
    xor = elman.errors_table(results, "xor")
    assert xor[0] == {"target": "1-2-1 Elman network", "bit 1 (random)": "0.270 ± 0.006",
                      "bit 2 (random)": "0.282 ± 0.009", "bit 3 (XOR)": "0.105 ± 0.036"}
    assert xor[1]["bit 3 (XOR)"] == "0"  # best possible
    letters = elman.errors_table(results, "letters")
    assert letters[0]["consonant"] == "0.448 ± 0.004"
    (features,) = elman.features_table(results)
    assert (features["high"], features["back"]) == ("0.2240", "0.2232")


@pytest.mark.slow
def test_quick_run_finds_the_structure_of_both_streams(tmp_path):
    results = elman.main(["--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "elman.json").read_text())["xor"] == results["xor"]
    xor, letters = results["xor"], results["letters"]
    assert (xor["network"], letters["network"]) == ("1-2-1", "6-20-6")
    assert len(xor["runs"]) == len(letters["runs"]) == 2
    # temporal XOR: the error falls on the predictable third bit of every triple
    random_bits, xor_bit = xor["mean"][:2], xor["mean"][2]
    assert all(0.2 < e < 0.35 for e in random_bits)  # 0.25: the best guess of a coin flip
    assert xor_bit < min(random_bits) - 0.03
    # letters: high on the (random) consonants, low within the vowel runs
    consonant, vowels = letters["mean"][0], letters["mean"][1:]
    assert 0.4 < consonant < 0.6  # 2 × 2/9: "high" and "back" are the unknown features
    assert max(vowels) < 0.1
    features = letters["runs"][0]["per_feature_at_consonants"]
    assert features["consonant"] < 0.05 and features["high"] > 0.15  # a consonant comes: which?
    for name in ("xor", "letters"):
        png = (tmp_path / f"elman_{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        assert len(results[name]["excerpt_seed_0"]["symbols"]) == 36
