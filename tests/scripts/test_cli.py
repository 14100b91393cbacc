import subprocess
import sys
from pathlib import Path

import pytest

from zoo_scripts import cli

ROOT = Path(__file__).parents[2]


def modules(package):
    return sorted(
        p.stem for p in (ROOT / package).glob("*.py")
        if not p.stem.startswith("_") and p.stem != "cli"
    )


def test_list_names_every_experiment_and_benchmark_with_a_summary(capsys):
    assert cli.main(["list"]) == 0
    listed = capsys.readouterr().out
    for command, package in (("run", "zoo_scripts"), ("bench", "benchmarks")):
        found = cli.entries(command)
        assert sorted(found) == modules(package)
        assert all(summary for summary in found.values())
        for name in found:
            assert f"  {name}" in listed


def test_list_does_not_import_tensorflow():
    code = ("import sys; from zoo_scripts import cli; cli.main(['list']); "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")


def test_an_unknown_name_suggests_close_ones(capsys):
    assert cli.main(["run", "mutual_learnin"]) == 2
    assert "Did you mean mutual_learning" in capsys.readouterr().err


def test_run_passes_the_remaining_flags_to_the_experiment(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "som", "--help"])
    assert exit_.value.code == 0
    assert "mlzoo run som" in capsys.readouterr().out


def test_version():
    out = subprocess.run([sys.executable, "-m", "zoo_scripts.cli", "--version"],
                         capture_output=True, text=True, check=True)
    from mlzoo import __version__
    assert out.stdout.strip() == f"mlzoo {__version__}"
