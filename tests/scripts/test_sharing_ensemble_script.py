import json

import numpy as np
import pytest

from zoo_scripts import sharing_ensemble


def test_tabular_quick_run_reports_every_comparison(tmp_path):
    results = sharing_ensemble.main(["tabular", "--quick", "--out", str(tmp_path)])
    assert json.loads((tmp_path / "results.json").read_text())["summary"] == results["summary"]
    run = results["runs"][0]
    for key in ("plain", "deeply_supervised", "ensemble", "hard_vote", "accuracy_weighted_vote"):
        assert 0.0 <= run[key] <= 100.0, key
    assert run["best_head_oracle"] >= run["best_head_by_validation"]
    assert len(run["per_tap_vote"]) == 2  # quick: 4 layers, heads on layers 2 and 4
    models = [row["model"] for row in results["summary"]]
    assert models[:3] == ["plain", "deeply_supervised", "ensemble"]


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
    assert (out / "depth.png").stat().st_size > 0
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
    [["tabular", "--epochs", "0"], ["depth", "--min-lr", "1"], ["tabular", "--heads-per-tap", "0"]],
)
def test_bad_arguments_exit_with_a_message(argv, capsys):
    with pytest.raises(SystemExit):
        sharing_ensemble.parse_args(argv)
    assert "error" in capsys.readouterr().err


def _reviews(rng, n):
    return [rng.integers(1, 100, rng.integers(5, 40)) for _ in range(n)]


@pytest.mark.parametrize("kind", ["conv1d", "lstm"])
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
