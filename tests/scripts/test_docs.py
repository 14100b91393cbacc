from pathlib import Path

import pytest

from zoo_scripts import _docs, cli

PAGE = """# Demo

<!-- mlzoo:table rows demo/runs.csv columns=seed,error -->
stale
<!-- mlzoo:end -->
"""


@pytest.fixture
def docs(tmp_path):
    (tmp_path / "docs" / "results" / "demo").mkdir(parents=True)
    (tmp_path / "docs" / "results" / "demo" / "runs.csv").write_text(
        "seed,error,mode\n0,2.5,a\n1,3.0,b\n"
    )
    (tmp_path / "docs" / "page.md").write_text(PAGE)
    return tmp_path / "docs"


def test_check_reports_drift_and_writes_nothing_then_build_renders(docs):
    diffs = _docs.build(docs, check=True)
    assert len(diffs) == 1 and "+| seed | error |" in diffs[0] and "-stale" in diffs[0]
    assert (docs / "page.md").read_text() == PAGE
    _docs.build(docs)
    rendered = (docs / "page.md").read_text()
    assert "| 0 | 2.5 |\n| 1 | 3.0 |" in rendered and "mode" not in rendered
    assert _docs.build(docs, check=True) == []


def test_a_missing_results_file_or_renderer_names_the_page(docs):
    (docs / "page.md").write_text(PAGE.replace("demo/runs.csv", "demo/gone.csv"))
    with pytest.raises(RuntimeError, match="page.md.*gone.csv"):
        _docs.build(docs, check=True)
    (docs / "page.md").write_text(PAGE.replace("rows ", "som:no_such_table "))
    with pytest.raises(RuntimeError, match="no renderer"):
        _docs.build(docs, check=True)


def test_publish_copies_a_run_folders_results(docs, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    for name in ("x.json", "x_runs.csv", "x.png", "log.txt"):
        (run / name).write_text("{}")
    copied = _docs.publish(run, docs, "demo")
    assert sorted(p.name for p in copied) == ["x.json", "x.png", "x_runs.csv"]
    assert (docs / "results" / "demo" / "x.json").exists()


def test_cli_check_exit_codes(docs, capsys):
    assert cli.main(["docs", "--check", "--docs", str(docs)]) == 1
    assert "mlzoo docs" in capsys.readouterr().err
    assert cli.main(["docs", "--docs", str(docs)]) == 0
    assert cli.main(["docs", "--check", "--docs", str(docs)]) == 0


def test_cli_outside_a_clone_says_where_to_run_it(tmp_path, capsys):
    assert cli.main(["docs", "--check", "--docs", str(tmp_path / "docs")]) == 2
    assert "in a clone of mlzoo" in capsys.readouterr().err


def test_the_committed_docs_match_their_results():
    """`mlzoo docs --check` on this repository: no committed table drifts from its files."""
    docs = Path(__file__).parents[2] / "docs"
    assert _docs.build(docs, check=True) == []
