import csv
import json

import numpy as np
import pytest

from zoo_scripts import bp_variants


def test_epoch_layout_runs_whole_passes_of_at_least_min_updates():
    assert bp_variants.epoch_layout(1222, 1, 64) == (1, 1222)  # standard BP: one pass per call
    assert bp_variants.epoch_layout(1222, 100, 64) == (5, 65)  # 13 batches a pass
    assert bp_variants.epoch_layout(1222, 1222, 64) == (64, 64)  # accumulated BP


def test_training_batches_visit_every_sample_once_per_pass():
    x = np.arange(10, dtype="float32")[:, None]
    y = np.eye(10, dtype="float32")
    batches = list(bp_variants.training_batches(x, y, 4, seed=0).take(6))
    assert [len(b[0]) for b in batches] == [4, 4, 2, 4, 4, 2]
    first = np.concatenate([b[0][:, 0] for b in batches[:3]])
    second = np.concatenate([b[0][:, 0] for b in batches[3:]])
    assert sorted(first) == sorted(second) == list(range(10))
    assert list(first) != list(second)  # reshuffled every pass
    for inputs, targets in batches:  # pairs stay together
        np.testing.assert_array_equal(np.asarray(targets).argmax(1), np.asarray(inputs)[:, 0])
    (full,) = list(bp_variants.training_batches(x, y, 10, seed=0).take(1))
    np.testing.assert_array_equal(full[0], x)


def test_compiled_loss_is_the_lecture_accumulated_error(onehot_data):
    x, y = onehot_data(n=24, input_dim=5, output_dim=3)
    model = bp_variants.lecture_mlp(5, 4, 3)
    bp_variants.compile_lecture_bp(model, 0.5)
    energy, error = bp_variants.lecture_error(model, x, y)
    assert model.evaluate(x, y, batch_size=24, verbose=0) == pytest.approx(energy, rel=1e-5)
    assert 0 <= error <= 100
    assert bp_variants.squared_weights(model) == pytest.approx(
        sum(float(np.sum(w.astype("float64") ** 2)) for w in model.get_weights())
    )


def test_curve_helpers():
    rows = [
        {"seconds": 0.0, "train_E": 1.0},
        {"seconds": 1.0, "train_E": 0.5},
        {"seconds": 2.0, "train_E": 0.15},
        {"seconds": 3.0, "train_E": 0.1},
    ]
    assert bp_variants.time_to_level(rows, 0.5) == 1.0
    assert bp_variants.time_to_level(rows, 0.01) is None
    # 90 % of the decrease 1.0 -> 0.1 is reached at E <= 0.19
    assert bp_variants.plateau_time(rows) == 2.0


def test_sign_test():
    assert bp_variants.sign_test(11, 2) == pytest.approx(2 * (1 + 13 + 78) / 2**13)
    assert bp_variants.sign_test(0, 0) == 1.0
    assert bp_variants.sign_test(3, 3) == 1.0


def test_wilson_interval():
    low, high = bp_variants.wilson_interval(40, 50)
    assert (round(low, 3), round(high, 3)) == (0.670, 0.888)
    assert bp_variants.wilson_interval(0, 3)[0] == 0.0
    assert bp_variants.wilson_interval(3, 3)[1] == 1.0


def test_bad_arguments_exit():
    with pytest.raises(SystemExit):
        bp_variants.parse_args(["--lambdas", "0"])
    with pytest.raises(SystemExit):
        bp_variants.parse_args(["--batch-sizes", "-1"])
    with pytest.raises(SystemExit):
        bp_variants.parse_args(["--xor-seeds", "0"])


def test_quick_run(tmp_path):
    results = bp_variants.main(
        ["--quick", "--datasets", "iris", "--batch-sizes", "1", "0", "--out", str(tmp_path)]
    )
    variants = results["variants"]["summary"]
    assert {(r["setting"], r["batch_size"]) for r in variants} == {
        ("tuned", 1),
        ("same", 1),
        ("tuned", 90),
        ("same", 90),
    }
    assert all(r["seeds"] == 2 and 0 <= r["final_test_error"] <= 100 for r in variants)
    assert [r["arm"] for r in results["regularization"]["summary"]] == [
        "λ=1",
        "λ=0.999",
        "early stop: val_loss",
        "early stop: loss",
    ]
    xor = results["xor"]["summary"]
    assert [r["arm"] for r in xor] == list(bp_variants.xor_arms(bp_variants.parse_args([])))
    assert all(r["seeds"] == 3 and r["budget_updates"] == 200 for r in xor)
    for name in ("variants", "regularization", "xor"):
        with open(tmp_path / f"{name}_summary.csv") as f:
            assert len(list(csv.DictReader(f))) == len(results[name]["summary"])
    for png in ("variants_iris_tuned.png", "variants_iris_same.png", "xor_solved.png"):
        assert (tmp_path / png).stat().st_size > 1000
    curves = json.loads((tmp_path / "variants_curves.json").read_text())
    assert all(c["rows"][0]["passes"] == 0 for c in curves)
