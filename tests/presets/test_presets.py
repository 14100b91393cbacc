"""Every registered preset: a valid protocol, arguments its experiment accepts, claims that
measure on the published results, and a card."""

from pathlib import Path

import pytest

import mlzoo
from mlzoo.presets import PROTOCOL_FIELDS, Claim, Preset
from zoo_scripts import _args
from zoo_scripts._results import read_results
from zoo_scripts.reproduce import published_tables

RESULTS = Path(mlzoo.__path__[0]).parent / "docs" / "results"
PRESETS = mlzoo.presets.names()


class _Parsed(Exception):
    """Raised once an experiment's parser accepted the arguments: nothing runs."""


@pytest.fixture
def parse_only(monkeypatch):
    parse = _args.ExperimentParser.parse

    def parsed(self, argv=None, quick=None):
        parse(self, argv, quick or {})
        raise _Parsed

    monkeypatch.setattr(_args.ExperimentParser, "parse", parsed)


def test_the_registry_covers_every_seed_and_suggests_names():
    assert len(PRESETS) >= 10
    assert all(isinstance(mlzoo.presets.get(name), Preset) for name in PRESETS)
    with pytest.raises(ValueError, match="Did you mean 'mutual_table5_mnist'"):
        mlzoo.presets.get("mutual_table5_mnst")


@pytest.mark.parametrize("name", PRESETS)
def test_runnable_presets_give_arguments_their_experiment_accepts(name, parse_only, tmp_path):
    preset = mlzoo.presets.get(name)
    if preset.experiment is None:
        assert preset.not_runnable and not preset.published
        with pytest.raises(ValueError, match="cannot run here"):
            preset.command()
        return
    experiment = __import__(f"zoo_scripts.{preset.experiment}", fromlist=["main"])
    for quick in (False, True):
        with pytest.raises(_Parsed):
            experiment.main([*preset.command(quick)[1:], "--out", str(tmp_path / str(quick))])


@pytest.mark.parametrize("name", [n for n in PRESETS if mlzoo.presets.get(n).published])
def test_claims_measure_on_the_published_results(name):
    preset = mlzoo.presets.get(name)
    tables = published_tables(preset, RESULTS)
    for claim in preset.claims:
        measured = claim.measure([row for f in claim.results for row in tables[f]])
        assert measured["verdict"] in mlzoo.presets.VERDICTS
        assert measured["n"] >= 1


@pytest.mark.parametrize("name", PRESETS)
def test_cards_list_the_protocol(name):
    preset = mlzoo.presets.get(name)
    card = preset.card()
    assert card.startswith(f"### `{name}`") and preset.source in card
    for field in preset.protocol:
        assert field in PROTOCOL_FIELDS and preset.protocol[field] in card


def test_a_preset_is_checked_when_defined():
    base = dict(name="x", title="t", source="s", protocol={}, paper_gives="", left_open="",
                choices="", data="")
    with pytest.raises(ValueError, match="unknown protocol fields \\['optimiser'\\]"):
        Preset(**{**base, "protocol": {"optimiser": "SGD"}}, not_runnable="no data")
    with pytest.raises(ValueError, match="exactly one of `experiment`"):
        Preset(**base)
    claim = Claim("s", metric="m", arm="a", treatment="t", control="c", results=("runs.csv",))
    with pytest.raises(ValueError, match="no published files for \\['runs.csv'\\]"):
        Preset(**base, experiment="som", claims=(claim,), published={})


def test_published_files_are_read_as_one_table():
    preset = mlzoo.presets.get("mutual_table5_mnist")
    tables = published_tables(preset, RESULTS)
    files = preset.published["mutual_learning_runs.csv"]
    expected = sum(len(read_results(RESULTS / f)) for f in files)
    assert len(tables["mutual_learning_runs.csv"]) == expected
