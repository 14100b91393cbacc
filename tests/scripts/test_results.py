import json

import numpy as np
import pytest

from zoo_scripts._results import pyplot, read_results, save_figure, summarise, write_results


def test_json_and_csv_round_trip_with_numpy_values(tmp_path):
    rows = [{"seed": np.int64(0), "error": np.float32(2.5), "mode": "DML"},
            {"seed": 1, "error": 3.0, "mode": "EI-ML", "extra": 1}]
    write_results(tmp_path, "demo", {"runs": rows, "curve": np.arange(3)}, tables={"runs": rows})
    assert read_results(tmp_path / "demo.json")["curve"] == [0, 1, 2]
    table = read_results(tmp_path / "demo_runs.csv")
    assert table[0] == {"seed": 0, "error": 2.5, "mode": "DML", "extra": ""}
    assert table[1]["extra"] == 1 and isinstance(table[1]["error"], float)


def test_other_files_are_refused(tmp_path):
    (tmp_path / "notes.md").write_text("x")
    with pytest.raises(ValueError, match=".json or .csv"):
        read_results(tmp_path / "notes.md")


def test_summaries_use_the_sample_standard_deviation():
    rows = [{"e": 1.0}, {"e": 2.0}, {"e": 6.0}]
    summary = summarise(rows, ["e"])
    assert summary["e_mean"] == pytest.approx(3.0)
    assert summary["e_std"] == pytest.approx(np.std([1, 2, 6], ddof=1))
    assert (summary["e_min"], summary["e_max"], summary["n"]) == (1.0, 6.0, 3)
    assert summarise(rows[:1], ["e"])["e_std"] == 0.0


def test_figures_are_png_files_and_closed(tmp_path):
    plt = pyplot()
    figure, axis = plt.subplots()
    axis.plot([0, 1], [1, 0])
    save_figure(figure, tmp_path / "sub" / "line.png", dpi=40)
    assert (tmp_path / "sub" / "line.png").read_bytes().startswith(b"\x89PNG")
    assert not plt.fignum_exists(figure.number)
    json.dumps({"ok": True})
