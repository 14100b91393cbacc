import argparse
from pathlib import Path

import pytest

from zoo_scripts._args import ExperimentParser, seed_list


def make_parser(**defaults):
    settings = dict(dataset=["digits"], seeds=[0], epochs=10, batch_size=32)
    return ExperimentParser("demo", "A demo.", **{**settings, **defaults})


def test_seed_ranges_and_lists_flatten_without_repeats(tmp_path):
    args = make_parser().parse(["--seeds", "3", "0-2", "2", "--out", str(tmp_path)])
    assert args.seeds == [3, 0, 1, 2]


@pytest.mark.parametrize("token", ["a", "5-2", "1-x"])
def test_a_bad_seed_names_the_accepted_forms(token):
    with pytest.raises(argparse.ArgumentTypeError, match="--seeds 0 1 2|low-high"):
        seed_list(token)


def test_quick_replaces_only_the_defaults_the_user_did_not_set(tmp_path):
    argv = ["--quick", "--epochs", "7", "--out", str(tmp_path)]
    args = make_parser().parse(argv, quick={"epochs": 2, "batch_size": 4, "seeds": [5]})
    assert (args.epochs, args.batch_size, args.seeds) == (7, 4, [5])
    plain = make_parser().parse(["--out", str(tmp_path)], quick={"epochs": 2})
    assert plain.epochs == 10


def test_quick_settings_for_a_missing_flag_are_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="lacks"):
        make_parser().parse(["--quick", "--out", str(tmp_path)], quick={"hidden": 3})


@pytest.mark.parametrize("flag", ["--epochs", "--batch-size"])
def test_counts_below_one_exit_with_the_flag_named(flag, tmp_path, capsys):
    with pytest.raises(SystemExit):
        make_parser().parse([flag, "0", "--out", str(tmp_path)])
    assert f"{flag} must be >= 1" in capsys.readouterr().err


def test_only_flags_with_defaults_exist_and_a_single_dataset_stays_a_string(tmp_path):
    parser = ExperimentParser("demo", None, dataset="iris", command="bench")
    args = parser.parse(["--out", str(tmp_path)])
    assert args.dataset == "iris" and not hasattr(args, "epochs") and not hasattr(args, "seeds")
    assert parser.prog == "mlzoo bench demo"


def test_the_default_run_folder_is_under_runs_and_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = make_parser().parse([])
    assert args.out.parent == Path("runs") / "demo" and args.out.is_dir()


def test_fraction_reads_decimals_and_fractions():
    from zoo_scripts._args import fraction

    assert fraction("0.5") == 0.5 and fraction("2/3") == pytest.approx(2 / 3)
    for token in ("two thirds", "1/0"):
        with pytest.raises(argparse.ArgumentTypeError, match="decimal .* or a fraction"):
            fraction(token)
