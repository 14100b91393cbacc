"""The README's code blocks run as written.

The python blocks run in order in one namespace, as a reader pastes them into one session; each
block's data is defined in the README itself (the digits of the first block, the generated
shapes and spirals where a block needs them). To keep the run short, the datasets' loaders return
about 100 rows and KerasTuner tries at most two models; every line runs unchanged. The `mlzoo`
lines of the shell blocks run as commands.
"""

import functools
import re
import shlex
import subprocess
from pathlib import Path

import keras
import pytest

from zoo_scripts import cli

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    """The README's code blocks in `language`, in order."""
    return [code for lang, code in BLOCK.findall(README.read_text(encoding="utf-8"))
            if lang == language]


def mlzoo_commands() -> list[list[str]]:
    """The `mlzoo ...` lines of the shell blocks, without their comments."""
    lines = (line.split("#")[0].strip() for code in blocks("bash") for line in code.splitlines())
    return [shlex.split(line) for line in lines if line.startswith("mlzoo ")]


def test_blocks_are_found_and_compile():
    python = blocks("python")
    assert len(python) >= 9
    for number, code in enumerate(python, 1):
        compile(code, f"README python block {number}", "exec")


def test_mlzoo_commands_name_what_mlzoo_list_shows(capsys):
    assert cli.main(["list"]) == 0
    listed = capsys.readouterr().out
    commands = mlzoo_commands()
    assert {command[1] for command in commands} >= {"list", "run", "bench", "docs"}
    for command in commands:
        if command[1] in ("run", "bench"):
            assert re.search(rf"^\s+{command[2]}\s", listed, re.MULTILINE), command


def every_kth_row(function, rows):
    """`function` returning every k-th row of each array it returns, about `rows` of them."""

    @functools.wraps(function)
    def fewer_rows(*args, **kwargs):
        return keras.tree.map_structure(
            lambda array: array[:: max(1, len(array) // rows)], function(*args, **kwargs)
        )

    return fewer_rows


@pytest.mark.slow
def test_python_blocks_run(tmp_path, monkeypatch):
    import keras_tuner

    import mlzoo

    for loader in ("load", "load_semi_supervised", "make_two_spirals"):
        small = every_kth_row(getattr(mlzoo.datasets, loader), rows=100)
        monkeypatch.setattr(mlzoo.datasets, loader, small)
    random_search = keras_tuner.RandomSearch.__init__

    def two_trials(self, *args, max_trials=10, **kwargs):
        random_search(self, *args, max_trials=min(max_trials, 2), **kwargs)

    monkeypatch.setattr(keras_tuner.RandomSearch, "__init__", two_trials)
    monkeypatch.chdir(tmp_path)  # mutual.keras, the tuner's folder
    namespace = {"__name__": "readme"}
    for number, code in enumerate(blocks("python"), 1):
        try:
            exec(compile(code, f"README python block {number}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"README python block {number} failed:\n{code}") from error
    assert (tmp_path / "mutual.keras").exists()
    assert namespace["som"].hit_map(namespace["x"]).sum() == len(namespace["x"])


@pytest.mark.slow
def test_mlzoo_commands_run(tmp_path):
    """Every `mlzoo` line; `docs` lines run in the repository (the others in an empty folder)."""
    for command in mlzoo_commands():
        if "<" in " ".join(command):  # a placeholder (<timestamp>) the reader fills in
            continue
        in_repo = command[1] == "docs"
        if in_repo and command[2:] != ["--check"]:  # only the check leaves docs/ untouched
            continue
        result = subprocess.run(command, cwd=README.parent if in_repo else tmp_path,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    assert list((tmp_path / "runs" / "try").iterdir())


def test_ci_runs_the_readme_quick_start():
    """`.ci/run` runs the two quick-start commands of the README, so CI is what a newcomer does."""
    quick_start = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    commands = BLOCK.search(quick_start)[2].strip().splitlines()
    ci = (README.parent / ".ci" / "run").read_text()
    assert len(commands) == 2
    for command in commands:
        assert command in ci, f"{command!r} is in the README's quick start but not in .ci/run"
