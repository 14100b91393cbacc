"""The model contract, checked for every registered model (one `Spec` per name in families/).

A new family gets every check here by registering its builder and adding a spec.
"""

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import mlzoo

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "families"))
from _registry import all_specs  # noqa: E402
from _spec import Spec  # noqa: E402

SPECS = all_specs()
CRASH_EPOCH = 3  # BackupAndRestore resumes at this (odd, 1-based: 4th) epoch


def build(spec, compile_kwargs=None):
    keras.utils.set_random_seed(0)
    model = mlzoo.models.get(spec.name, **spec.kwargs)
    model.compile(**(spec.compile() if compile_kwargs is None else compile_kwargs))
    return model


def train(spec, model=None, x=None, y=None, callbacks=(), **overrides):
    model = build(spec) if model is None else model
    data = spec.data()
    x = data[0] if x is None else x
    y = data[1] if y is None else y
    kwargs = {**spec.fit, **overrides}
    history = model.fit(x, y, **kwargs, callbacks=[*spec.callbacks(), *callbacks], verbose=0)
    return model, history


def weights(model) -> list[np.ndarray]:
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


def dataset(spec, x=None, y=None, batch_size=None):
    data = spec.data()
    x = data[0] if x is None else x
    y = data[1] if y is None else y
    batch = batch_size or spec.fit.get("batch_size", 32)
    elements = x if y is None else (x, y)
    return tf.data.Dataset.from_tensor_slices(elements).batch(batch)


@pytest.fixture(params=SPECS, ids=str)
def spec(request):
    return request.param


# --------------------------------------------------------------------------------- registry
def test_every_registered_model_has_a_spec():
    assert sorted(s.name for s in SPECS) == mlzoo.models.names()


def test_registry_builds_and_names_unknown_models():
    with pytest.raises(ValueError, match="Did you mean 'joint_mlp'"):
        mlzoo.models.get("joint_mpl")


def test_registered_model_is_a_zoo_model_exported_from_mlzoo(spec):
    model = mlzoo.models.get(spec.name, **spec.kwargs)
    assert isinstance(model, mlzoo.models.ZooModel)
    assert getattr(mlzoo, type(model).__name__) is type(model)


# ------------------------------------------------------------------- fresh-process checks
def _selected_specs(session) -> list:
    params = (getattr(item, "callspec", None) for item in session.items)
    chosen = (p.params.get("spec") for p in params if p is not None)
    names = {spec.name for spec in chosen if isinstance(spec, Spec)}
    return [s for s in SPECS if s.name in names]


@pytest.fixture(scope="session")
def fresh_process(request, tmp_path_factory, crash_at):
    """Train, save and crash every selected spec here; reload and resume in one new process."""
    root = tmp_path_factory.mktemp("fresh_process")
    jobs, expected = [], {}
    for spec in _selected_specs(request.session):
        folder = root / spec.name
        folder.mkdir()
        try:
            model, _ = train(spec)
            x, _ = spec.data()
            model.save(folder / "model.keras")
            expected[("load", spec.name)] = {
                "prediction": np.asarray(model.predict(x, verbose=0)),
                **{
                    f"optimizer_{i}": keras.ops.convert_to_numpy(v)
                    for i, v in enumerate(model.optimizer.variables if model.optimizer else [])
                },
            }
            jobs.append(
                {
                    "kind": "load",
                    "spec": spec.name,
                    "path": str(folder / "model.keras"),
                    "out": str(folder / "load.npz"),
                }
            )
            expected[("resume", spec.name)] = {
                f"weight_{i}": w for i, w in enumerate(weights(train(spec)[0]))
            }
            backup = keras.callbacks.BackupAndRestore(str(folder / "backup"))
            assert spec.fit["epochs"] > CRASH_EPOCH, "the resume check needs more epochs"
            with pytest.raises(RuntimeError, match="simulated crash"):
                train(spec, callbacks=[backup, crash_at(CRASH_EPOCH)])
            jobs.append(
                {
                    "kind": "resume",
                    "spec": spec.name,
                    "backup_dir": str(folder / "backup"),
                    "out": str(folder / "resume.npz"),
                }
            )
        except Exception as error:  # reported by the spec's own test
            expected[("setup", spec.name)] = error
    job_file = root / "jobs.json"
    job_file.write_text(json.dumps(jobs))
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run(
        [sys.executable, str(HERE / "_worker.py"), str(job_file)], check=True, env=env, timeout=1200
    )
    return root, expected


def _fresh_result(fresh_process, kind, spec):
    root, expected = fresh_process
    if ("setup", spec.name) in expected:
        raise expected[("setup", spec.name)]
    out = root / spec.name / f"{kind}.npz"
    error = Path(str(out) + ".error")
    if error.exists():
        pytest.fail(f"the fresh process failed:\n{error.read_text()}")
    got = dict(np.load(out))
    return expected[(kind, spec.name)], got


@pytest.mark.slow
def test_keras_file_round_trip_in_a_fresh_process(spec, fresh_process):
    """`.keras` save -> `load_model(safe_mode=True)` in a new process: same predictions and
    optimizer state."""
    want, got = _fresh_result(fresh_process, "load", spec)
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)


@pytest.mark.slow
def test_backup_and_restore_resume_in_a_fresh_process(spec, fresh_process):
    """A crash at epoch 4 and a resume in a new process give the uninterrupted weights exactly."""
    want, got = _fresh_result(fresh_process, "resume", spec)
    assert len(got) == len(want)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)


# ------------------------------------------------------------------------ Keras' contract
@pytest.mark.slow
def test_clone_model_gives_the_same_function(spec):
    model, _ = train(spec, epochs=1)
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    x, _ = spec.data()
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.slow
def test_export_serves_the_same_predictions(spec, tmp_path):
    model, _ = train(spec, epochs=1)
    x, _ = spec.data()
    model.export(str(tmp_path / "export"), verbose=False)
    reloaded = tf.saved_model.load(str(tmp_path / "export"))
    served = reloaded.serve(tf.constant(x))
    served = served[0] if isinstance(served, (list, tuple)) else served
    np.testing.assert_allclose(np.asarray(served), model.predict(x, verbose=0), atol=1e-5)


def test_summary_shows_every_weight(spec):
    model = build(spec)
    text = io.StringIO()
    with redirect_stdout(text):
        model.summary()
    text = text.getvalue()
    owners = {id(w): layer.name for layer in model.layers for w in layer.weights}
    for weight in model.weights:
        assert weight.path in text or owners.get(id(weight), "\0") in text, weight.path
    total = sum(int(np.prod(w.shape)) for w in model.weights)
    assert f"All weights: {total:,} parameters" in text


def test_sample_weight_is_honoured_or_rejected(spec):
    model = build(spec)
    x, y = spec.data()
    if not model.supports_sample_weight:
        with pytest.raises(ValueError, match="sample_weight"):
            model.fit(x, y, sample_weight=np.ones(len(x)), verbose=0)
        return
    before = [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]
    model.fit(
        x, y, sample_weight=np.zeros(len(x)), **spec.fit, callbacks=spec.callbacks(), verbose=0
    )
    for old, new in zip(before, model.trainable_variables, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(new), old, err_msg=new.path)


@pytest.mark.slow
def test_every_logged_metric_is_finite_and_a_monitor_in_mode_auto(spec):
    x, y = spec.data()
    validation = (x, y) if y is not None else (x,)
    model, history = train(spec, validation_data=validation)
    for key, values in history.history.items():
        assert np.all(np.isfinite(values)), f"{key}: {values}"
    monitors = [keras.callbacks.EarlyStopping(monitor=key, patience=100) for key in history.history]
    train(spec, callbacks=monitors, validation_data=validation, epochs=1)
    assert {m.monitor for m in monitors} == set(history.history)
    assert "loss" in history.history


@pytest.mark.slow
def test_numpy_tf_data_and_steps_per_execution_agree(spec):
    reference = weights(train(spec)[0])
    from_dataset = build(spec)
    x, y = spec.data()
    fit = {k: v for k, v in spec.fit.items() if k not in ("batch_size", "shuffle")}
    from_dataset.fit(dataset(spec), **fit, callbacks=spec.callbacks(), verbose=0)
    bundled = build(spec, {**spec.compile(), "steps_per_execution": 32})
    train(spec, model=bundled)
    for other in (weights(from_dataset), weights(bundled)):
        for a, b in zip(reference, other, strict=True):
            np.testing.assert_allclose(a, b, atol=spec.atol)


@pytest.mark.slow
def test_two_devices_match_one_device(spec, request):
    """MirroredStrategy (TensorFlow) or DataParallel (JAX) over 2 CPU devices = 1 device."""
    reference = weights(train(spec)[0])
    strategy = request.getfixturevalue("two_device_strategy")  # after the 1-device run
    with strategy.scope():
        model = build(spec)
    if not spec.mirrored:
        with pytest.raises(ValueError):
            train(spec, model=model)
        return
    train(spec, model=model)
    for a, b in zip(reference, weights(model), strict=True):
        np.testing.assert_allclose(a, b, atol=spec.atol)


def test_mixed_precision_trains_finite(spec):
    keras.config.set_dtype_policy("mixed_float16")
    model, history = train(spec)
    x, _ = spec.data()
    for key, values in history.history.items():
        assert np.all(np.isfinite(values)), key
    assert np.all(np.isfinite(keras.ops.convert_to_numpy(model.predict(x, verbose=0))))


@pytest.mark.slow
def test_two_seeded_runs_are_identical(spec):
    first, second = weights(train(spec)[0]), weights(train(spec)[0])
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------ bad-input policy
def _bad_cases(spec):
    """(case, callable(model)) pairs that must each raise a clear ValueError."""
    x, y = spec.data()
    nan, inf = x.copy(), x.copy()
    nan[1, 0], inf[2, -1] = np.nan, np.inf
    strings = x.astype(str)
    wide = np.concatenate([x, x[:, :1]], axis=1)
    deep = x[..., None]
    label = () if y is None else (y,)
    cases = {
        "fit 0 rows": lambda m: m.fit(x[:0], *(v[:0] for v in label), verbose=0),
        "evaluate 0 rows": lambda m: m.evaluate(x[:0], *(v[:0] for v in label), verbose=0),
        "predict 0 rows": lambda m: m.predict(x[:0], verbose=0),
        "fit NaN": lambda m: m.fit(nan, *label, verbose=0),
        "fit inf": lambda m: m.fit(inf, *label, verbose=0),
        "predict NaN": lambda m: m.predict(nan, verbose=0),
        "fit 1e30": lambda m: m.fit(x * 1e30, *label, verbose=0),
        "fit strings": lambda m: m.fit(strings, *label, verbose=0),
        "predict strings": lambda m: m.predict(strings, verbose=0),
        "fit extra feature": lambda m: m.fit(wide, *label, verbose=0),
        "predict extra feature": lambda m: m.predict(wide, verbose=0),
        "fit extra axis": lambda m: m.fit(deep, *label, verbose=0),
        "fit NaN in tf.data": lambda m: m.fit(dataset(spec, x=nan), verbose=0),
        "fit empty tf.data": lambda m: m.fit(dataset(spec).take(0), verbose=0),
        "fit empty filtered tf.data": lambda m: m.fit(
            dataset(spec).filter(lambda *e: False), verbose=0
        ),
        "predict empty tf.data": lambda m: m.predict(
            dataset(spec).filter(lambda *e: False), verbose=0
        ),
        "validation NaN": lambda m: m.fit(x, *label, validation_data=(nan, *label), verbose=0),
        "fit negative sample_weight": lambda m: m.fit(
            x, *label, sample_weight=-np.ones(len(x)), verbose=0
        ),
    }
    if y is None:
        cases["fit with labels"] = lambda m: m.fit(x, np.zeros(len(x)), verbose=0)
    else:
        cases["fit without labels"] = lambda m: m.fit(x, verbose=0)
        cases["fit fewer labels than rows"] = lambda m: m.fit(x, y[:-1], verbose=0)
        cases["fit NaN labels"] = lambda m: m.fit(x, np.where(y == y.max(), np.nan, y), verbose=0)
        cases["fit string labels"] = lambda m: m.fit(x, y.astype(str), verbose=0)
        for case, wrong in spec.bad_labels:
            cases[f"fit {case}"] = lambda m, wrong=wrong: m.fit(x, wrong(x, y), verbose=0)
    return cases


CASE_NAMES = sorted({case for spec in SPECS for case in _bad_cases(spec)})


@pytest.mark.parametrize("case", CASE_NAMES)
def test_bad_input_gives_a_clear_error(spec, case):
    cases = _bad_cases(spec)
    if case not in cases:
        pytest.skip(f"{case} does not apply to {spec.name}")
    model = build(spec)
    with pytest.raises(ValueError) as error:
        cases[case](model)
    message = str(error.value)
    assert "Graph execution error" not in message and "node" not in message.split("\n")[0]
    weights_now = weights(model)
    assert all(np.all(np.isfinite(w)) for w in weights_now if w.dtype.kind == "f")
