import json
from pathlib import Path

import numpy as np
import pytest

from zoo_scripts import sharing_ensemble
from zoo_scripts._results import read_results

RESULTS = Path(__file__).parents[2] / "docs" / "results" / "sharing"


@pytest.mark.slow
def test_tabular_quick_run_reports_every_comparison(tmp_path):
    results = sharing_ensemble.main(["tabular", "--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "sharing_tabular_digits.json").read_text()) == results
    summary = read_results(tmp_path / "sharing_tabular_digits_summary.csv")
    assert [row["model"] for row in summary] == [row["model"] for row in results["summary"]]
    assert results["config"]["seeds"] == [0] and results["runs"][0]["seed"] == 0
    run = results["runs"][0]
    for key in ("plain", "deeply_supervised", "ensemble", "hard_vote", "accuracy_weighted_vote"):
        assert 0.0 <= run[key] <= 100.0, key
    assert run["best_head_oracle"] >= run["best_head_by_validation"]
    assert len(run["per_tap_vote"]) == 2  # quick: 4 layers, heads on layers 2 and 4
    models = [row["model"] for row in results["summary"]]
    assert models[:3] == ["plain", "deeply_supervised", "ensemble"]


@pytest.mark.slow
def test_depth_quick_run_on_local_images(tmp_path):
    rng = np.random.default_rng(0)
    data = {
        "x_train": rng.integers(0, 255, (300, 28, 28), dtype=np.uint8),
        "y_train": np.arange(300) % 10,
        "x_test": rng.integers(0, 255, (250, 28, 28), dtype=np.uint8),
        "y_test": np.arange(250) % 10,
    }
    np.savez(tmp_path / "mnist.npz", **data)
    out = tmp_path / "run"
    argv = ["depth", "--quick", "--data-dir", str(tmp_path), "--out", str(out)]
    results = sharing_ensemble.main(argv)
    assert (out / "sharing_depth_mnist.png").stat().st_size > 0
    assert len(read_results(out / "sharing_depth_mnist_runs.csv")) == 4
    assert {(row["model"], row["depth"]) for row in results["summary"]} == {
        (m, d) for m in ("plain", "ensemble") for d in (2, 4)
    }
    args = sharing_ensemble.parse_args(argv)
    x, y, x_test, y_test = sharing_ensemble.load_images(args)
    assert x.shape == (200, 14, 14) and x_test.shape == (200, 14, 14)
    assert 0.0 <= x.min() and x.max() <= 1.0 and len(set(y)) == 10


def test_text_without_data_explains_what_is_needed(tmp_path, monkeypatch):
    def offline(**kwargs):
        raise OSError("URL fetch failure")

    monkeypatch.setattr(sharing_ensemble.keras.datasets.imdb, "load_data", offline)
    with pytest.raises(SystemExit, match="imdb.npz.*download failed"):
        sharing_ensemble.main(["text", "--data-dir", str(tmp_path), "--out", str(tmp_path)])


@pytest.mark.parametrize(
    "argv",
    [
        ["tabular", "--epochs", "0"],
        ["depth", "--min-lr", "1"],
        ["tabular", "--heads-per-tap", "0"],
        ["--seeds", "1"],  # no experiment
        ["text", "--depths", "2"],  # a depth-study flag
    ],
)
def test_bad_arguments_exit_with_a_message(argv, tmp_path, capsys):
    with pytest.raises(SystemExit):
        sharing_ensemble.parse_args([*argv, "--out", str(tmp_path)])
    assert "error" in capsys.readouterr().err


def test_each_experiment_has_its_own_defaults_and_quick_settings(tmp_path):
    out = ["--out", str(tmp_path)]
    depth = sharing_ensemble.parse_args(["depth", *out])
    assert (depth.dataset, depth.epochs, depth.batch_size) == ("mnist", 5, 100)
    assert depth.seeds == [0, 1, 2]
    quick = sharing_ensemble.parse_args(["--quick", "depth", "--seeds", "3", *out])
    assert (quick.depths, quick.epochs, quick.seeds) == ([2, 4], 2, [3])
    tabular = sharing_ensemble.parse_args(["tabular", "--dataset", "letter", *out])
    assert (tabular.experiment, tabular.dataset, tabular.depth) == ("tabular", "letter", 8)


def _depth_runs():
    return [
        {"depth": d, "model": m, "test_accuracy": a}
        | ({"per_tap_vote": [a - 1, a]} if m == "ensemble" else {})
        for d in (2, 4)
        for m, base in (("plain", 80.0), ("ensemble", 90.0))
        for a in (base, base + 2.0)
    ]


def test_depth_renderers_summarise_over_seeds():
    summary = sharing_ensemble.depth_summary(_depth_runs())
    assert [(r["model"], r["depth"]) for r in summary] == [
        ("plain", 2),
        ("plain", 4),
        ("ensemble", 2),
        ("ensemble", 4),
    ]
    assert summary[0]["mean"] == 81.0 and summary[0]["std"] == pytest.approx(2**0.5)
    row = sharing_ensemble.depth_table(_depth_runs())[0]
    assert row["plain (%)"] == "81.00 ± 1.41 (80.0, 82.0)"
    assert row["ensemble: vote of each tap's 5 heads (%), lowest tap first"] == "90.0, 91.0"


def test_published_results_render_the_docs_tables():
    depth = sharing_ensemble.depth_table(read_results(RESULTS / "sharing_depth_mnist_runs.csv"))
    assert depth[0]["plain (%)"].startswith("86.37 ± ") and len(depth) == 6
    summaries = [
        read_results(RESULTS / f"sharing_letter{v}_summary.csv")
        for v in ("", "_paper_lr", "_paper_protocol")
    ]
    letter = sharing_ensemble.letter_table(*summaries)
    assert list(letter[0].values())[1:] == ["97.41 ± 0.14", "93.66 ± 0.27", "92.44 ± 0.18"]
    bn = sharing_ensemble.bn_momentum_table(read_results(RESULTS / "bn_momentum.json"))
    assert bn[0]["momentum 0.99"] == "39.9 (34.4–42.8)" and bn[1]["0.9 (default)"] == "**44.2**"


def _reviews(rng, n):
    return [rng.integers(1, 100, rng.integers(5, 40)) for _ in range(n)]


@pytest.mark.parametrize("kind", ["conv1d", pytest.param("lstm", marks=pytest.mark.slow)])
def test_text_quick_run_on_a_local_pickle_free_file(tmp_path, kind):
    rng = np.random.default_rng(0)
    train, test = _reviews(rng, 40), _reviews(rng, 20)
    np.savez(
        tmp_path / "imdb.npz",
        x_train_tokens=np.concatenate(train),
        x_train_lengths=[len(r) for r in train],
        y_train=np.arange(40) % 2,
        x_test_tokens=np.concatenate(test),
        x_test_lengths=[len(r) for r in test],
        y_test=np.arange(20) % 2,
    )
    argv = ["text", "--quick", "--kind", kind, "--data-dir", str(tmp_path)]
    results = sharing_ensemble.main(argv + ["--out", str(tmp_path / "run")])
    run = results["runs"][0]
    assert 0 <= run["plain"] <= 100 and 0 <= run["ensemble"] <= 100
    assert [row["model"] for row in results["summary"]] == ["plain", "ensemble"]


def test_token_files_load_without_pickle(tmp_path):
    rng = np.random.default_rng(0)
    train = _reviews(rng, 5)
    padded = keras_pad(train)
    np.savez(
        tmp_path / "padded.npz",
        x_train=padded,
        y_train=np.ones(5),
        x_test=padded,
        y_test=np.zeros(5),
    )
    (x, y), (x_test, _) = sharing_ensemble.load_token_npz(tmp_path / "padded.npz")
    np.testing.assert_array_equal(x, padded)
    # keras.datasets' layout: ragged object arrays, which only load with pickle
    ragged = np.empty(5, dtype=object)
    ragged[:] = train
    np.savez(
        tmp_path / "imdb.npz", x_train=ragged, y_train=np.ones(5), x_test=ragged, y_test=np.zeros(5)
    )
    with pytest.raises(SystemExit, match="without pickle.*x_train_tokens"):
        sharing_ensemble.load_token_npz(tmp_path / "imdb.npz")
    np.savez(
        tmp_path / "bad.npz",
        x_train_tokens=np.arange(10),
        x_train_lengths=[3, 3],
        y_train=np.ones(2),
        x_test=padded,
        y_test=np.zeros(5),
    )
    with pytest.raises(SystemExit, match="sum to the length"):
        sharing_ensemble.load_token_npz(tmp_path / "bad.npz")


def keras_pad(sequences):
    return sharing_ensemble.keras.utils.pad_sequences(sequences, maxlen=12)
