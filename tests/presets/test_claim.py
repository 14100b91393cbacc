"""`Claim.measure`: gains, standard errors, pairing, summaries and the verdict rule."""

import math

import pytest

from mlzoo.presets import Claim


def _claim(**kwargs):
    settings = dict(statement="B beats A", metric="error", arm="arm", treatment="B",
                    control="A", paper=(1.0, 2.0), pair_by=("seed",))
    return Claim(**{**settings, **kwargs})


def _runs(a, b):
    return ([{"arm": "A", "seed": s, "error": e} for s, e in enumerate(a)]
            + [{"arm": "B", "seed": s, "error": e} for s, e in enumerate(b)])


def test_paired_gain_is_the_mean_of_the_differences_with_its_standard_error():
    measured = _claim().measure(_runs([3.0, 5.0, 4.0], [2.0, 3.0, 3.5]))
    gains = [1.0, 2.0, 0.5]
    std = math.sqrt(sum((g - 7 / 6) ** 2 for g in gains) / 2)
    assert measured["gain"] == pytest.approx(7 / 6)
    assert measured["se"] == pytest.approx(std / math.sqrt(3))
    assert (measured["wins"], measured["n"], measured["paired"]) == (3, 3, True)
    assert measured["treatment"]["mean"] == pytest.approx(8.5 / 3)


def test_pairs_follow_the_pair_columns_not_the_row_order():
    rows = _runs([3.0, 5.0], [2.0, 4.0])
    measured = _claim().measure(rows[::-1])
    assert measured["gain"] == pytest.approx(1.0) and measured["se"] == 0


def test_higher_is_better_flips_the_sign():
    claim = _claim(better="higher", paper=(2.0, 1.0))
    assert claim.paper_gain == 1.0
    assert claim.measure(_runs([1.0, 1.0], [2.0, 2.5]))["gain"] == pytest.approx(1.25)


def test_unpaired_and_summary_tables():
    unpaired = _claim(pair_by=()).measure(_runs([3.0, 5.0], [2.0, 2.0]))
    assert unpaired["gain"] == pytest.approx(2.0) and unpaired["paired"] is False
    assert unpaired["se"] == pytest.approx(math.sqrt(2.0 / 2))
    summary = [{"arm": "A", "error_mean": 4.0, "error_std": 1.0, "n": 4},
               {"arm": "B", "error_mean": 3.0, "error_std": 1.0, "n": 4}]
    measured = _claim(pair_by=()).measure(summary)
    assert measured["gain"] == pytest.approx(1.0)
    assert measured["se"] == pytest.approx(math.sqrt(0.5))
    assert measured["verdict"] == "partly"  # as large as the paper's, within 2 se


@pytest.mark.parametrize(
    "gain, se, paper, verdict",
    [
        (1.0, 0.1, (1.0, 2.0), "reproduced"),  # significant, the paper's size
        (0.2, 0.05, (1.0, 2.0), "partly"),  # significant, under half the paper's
        (0.8, 0.5, (1.0, 2.0), "partly"),  # large enough, not significant
        (0.1, 0.5, (1.0, 2.0), "not reproduced"),  # a tie
        (-1.0, 0.1, (1.0, 2.0), "not reproduced"),  # the other way round
        (0.3, 0.1, None, "reproduced"),  # qualitative: significant
        (0.3, 0.2, None, "partly"),  # qualitative: positive, not significant
    ],
)
def test_verdict_rule(gain, se, paper, verdict):
    assert _claim(paper=paper).verdict(gain, se) == verdict


def test_filters_select_rows():
    rows = [{**r, "depth": d} for d in (2, 8) for r in _runs([3.0], [1.0 if d == 8 else 4.0])]
    assert _claim(where={"depth": 8}).measure(rows)["gain"] == pytest.approx(2.0)
    assert _claim(where={"depth": 2}).measure(rows)["gain"] == pytest.approx(-1.0)


def test_errors_name_what_is_missing():
    with pytest.raises(ValueError, match="No rows of arm 'B'.*arms present: \\['A'\\]"):
        _claim().measure([{"arm": "A", "seed": 0, "error": 1.0}])
    with pytest.raises(ValueError, match="pairs"):
        _claim().measure([{"arm": "A", "seed": 0, "error": 1.0},
                          {"arm": "B", "seed": 1, "error": 1.0}])
    with pytest.raises(ValueError, match="better"):
        _claim(better="smaller")
    with pytest.raises(ValueError, match="different arms"):
        _claim(control="B")


def test_a_flag_column_is_a_rate():
    rows = ([{"arm": "A", "seed": s, "solved": f} for s, f in enumerate(["False", "True"])]
            + [{"arm": "B", "seed": s, "solved": f} for s, f in enumerate(["True", "True"])])
    measured = _claim(metric="solved", better="higher", paper=None).measure(rows)
    assert measured["gain"] == 0.5 and measured["treatment"]["mean"] == 1.0


def test_a_summary_of_one_metric():
    summary = [{"arm": "A", "mean": 95.7, "std": 0.2, "runs": 5},
               {"arm": "B", "mean": 96.9, "std": 0.2, "runs": 5}]
    measured = _claim(metric="accuracy", better="higher", paper=(96.88, 95.70)).measure(summary)
    assert measured["gain"] == pytest.approx(1.2) and measured["n"] == 5
    assert measured["verdict"] == "reproduced"


def test_a_wide_table_pairs_by_row():
    rows = [{"seed": 0, "A": 90.0, "B": 93.0}, {"seed": 1, "A": 70.0, "B": 71.0},
            {"seed": 2, "A": 0.0, "B": 99.0}]
    claim = _claim(metric="accuracy", arm=None, better="higher", paper=None, pair_by=(),
                   where={"seed": 0})
    assert claim.measure(rows)["gain"] == pytest.approx(3.0)
    claim = _claim(metric="accuracy", arm=None, better="higher", paper=None, pair_by=(),
                   where={})
    rows = rows[:2]
    measured = claim.measure(rows)
    assert measured["gain"] == pytest.approx(2.0) and measured["wins"] == 2 and measured["paired"]


def test_equal_arms_are_a_tie_despite_rounding():
    assert _claim(paper=None).verdict(1e-14, 0.5) == "not reproduced"
