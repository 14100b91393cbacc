import json
from pathlib import Path

import pytest

import mlzoo
from zoo_scripts import reproduce

RESULTS = Path(mlzoo.__path__[0]).parent / "docs" / "results"


def test_published_results_are_judged_and_written_per_preset(tmp_path, capsys):
    reports = reproduce.main(["mutual_table5_*", "mutual_table4_pie", "--published",
                              "--results-dir", str(RESULTS), "--out", str(tmp_path)])
    assert set(reports) == {"mutual_table4_pie", *mlzoo.presets.names("mutual_table5_*")}
    saved = json.loads((tmp_path / "mutual_table5_mnist_mse.json").read_text())
    first = saved["claims"][0]
    assert first["treatment"] == "EPT-ML" and first["measured"]["paired"] is True
    assert first["measured"]["n"] == 3 and first["verdict"] == first["measured"]["verdict"]
    assert saved["published"] is True and saved["quick"] is False
    pie = reports["mutual_table4_pie"]
    assert pie["state"] == "not_runnable" and pie["command"] is None
    assert "mutual_table5_mnist: EPT-ML has a lower test error" in capsys.readouterr().out


def test_unmeasured_presets_say_so():
    report = reproduce.judge(mlzoo.presets.get("mutual_table7_mnist_no_penalty"), None)
    assert report["state"] == "unmeasured"
    assert {c["verdict"] for c in report["claims"]} == {"not run yet"}


def test_a_name_or_pattern_must_match(tmp_path):
    with pytest.raises(ValueError, match="No mlzoo preset is named 'mutual_tabel5_mnist'"):
        reproduce.main(["mutual_tabel5_mnist", "--published", "--out", str(tmp_path)])
    with pytest.raises(ValueError, match="No preset matches 'nothing_\\*'"):
        reproduce.main(["nothing_*", "--published", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        reproduce.main(["--out", str(tmp_path)])  # nothing to run


def test_renderers_show_figures_gains_and_cards():
    reports = [reproduce.judge(mlzoo.presets.get(n),
                               reproduce.published_tables(mlzoo.presets.get(n), RESULTS))
               for n in ("mutual_table5_mnist_mse", "mutual_table4_pie")]
    rows = reproduce.verdicts_table(*reports)
    ept = rows[0]
    assert ept["paper"] == "1.43 vs 1.59" and ept["gain: paper"] == "0.16"
    assert ept["mlzoo"].startswith("7.73 ± 0.08 vs 7.90 ± 0.04")
    assert ept["gain: mlzoo ± se (wins / pairs)"].endswith("(3 / 3)")
    assert rows[-1]["verdict"] == "not runnable here"
    assert "### `mutual_table4_pie`" in reproduce.cards(*reports)
    assert "| not runnable here |" not in reproduce.verdict_counts(*reports)  # claims only


@pytest.mark.slow
def test_a_quick_reproduction_runs_the_experiment_and_judges_it(tmp_path):
    reports = reproduce.main(["mutual_table3_iris", "--quick", "--out", str(tmp_path)])
    report = reports["mutual_table3_iris"]
    assert (tmp_path / "mutual_table3_iris" / "mutual_learning_summary.csv").exists()
    assert report["quick"] is True and report["state"] is None
    assert len(report["claims"]) == 4
    assert all(c["measured"]["n"] == 3 for c in report["claims"])


def test_studies_are_kept_apart_from_the_papers_verdicts():
    names = ("sharing_small_iris", "mutual_table5_mnist_mse")
    reports = [reproduce.judge(mlzoo.presets.get(n),
                               reproduce.published_tables(mlzoo.presets.get(n), RESULTS))
               for n in names]
    assert reports[0]["study"] and not reports[1]["study"]
    assert {r["preset"] for r in reproduce.verdicts_table(*reports)} == {
        "`mutual_table5_mnist_mse`"}
    assert {r["preset"] for r in reproduce.verdicts_table(*reports, studies="only")} == {
        "`sharing_small_iris`"}
    assert "| reproduced | 1 |" in reproduce.verdict_counts(*reports)  # the paper's claim only
    with pytest.raises(ValueError, match="no, only or yes"):
        reproduce.verdicts_table(*reports, studies="all")
