"""Every registered family fits a few steps under `mixed_float16` on the accelerator.

One record per model: the device the weights live on, seconds, the last logged loss and
whether every logged value and prediction is finite. The models and their data are the
conformance suite's tiny specs (tests/conformance/families), so a family added there is
checked here too. Run by `benchmarks/gpu_check.sh`, once per installed backend:

    KERAS_BACKEND=jax python -m benchmarks.gpu_check --out runs/gpu_check
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

import keras
import numpy as np

import mlzoo
from benchmarks._timing import machine
from zoo_scripts._args import ExperimentParser
from zoo_scripts._results import write_results

FAMILIES = Path(__file__).resolve().parents[1] / "tests" / "conformance" / "families"


def device_of(model: keras.Model) -> str:
    """Where the model's first weight lives (e.g. "cuda:0", "/GPU:0", "TFRT_CPU_0")."""
    value = model.weights[0].value
    devices = getattr(value, "devices", None)
    if callable(devices):  # a jax.Array
        return ", ".join(str(d) for d in devices())
    return str(getattr(value, "device", "?"))


def check(spec, steps: int) -> dict:
    """Fit `spec`'s model for `steps` batches under mixed_float16; what it logged and where."""
    keras.config.set_dtype_policy("mixed_float16")
    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    try:
        model = mlzoo.models.get(spec.name, **spec.kwargs)
        model.compile(**spec.compile())
        x, y = spec.data()
        fit = {**spec.fit, "epochs": 2}
        batch = fit.get("batch_size", 16)
        rows = min(len(x), steps * batch)
        history = model.fit(
            x[:rows], None if y is None else y[:rows], **fit, callbacks=spec.callbacks(),
            verbose=0,
        )
        prediction = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
        logs = {k: float(v[-1]) for k, v in history.history.items()}
        finite = all(np.isfinite(v) for v in logs.values()) and bool(
            np.all(np.isfinite(prediction))
        )
        return {"model": spec.name, "ok": finite, "device": device_of(model),
                "seconds": time.perf_counter() - start, "logs": logs}
    except Exception as error:  # reported per family: one failure must not hide the others
        return {"model": spec.name, "ok": False, "seconds": time.perf_counter() - start,
                "error": f"{type(error).__name__}: {error}"[:500],
                "traceback": traceback.format_exc()[-1500:]}
    finally:
        keras.config.set_dtype_policy("float32")


def family_table(*files: dict) -> list[dict]:
    """docs/benchmarks.md: every family's mixed_float16 fit, per backend run file."""
    rows = []
    for results in files:
        for record in results["models"]:
            logs = record.get("logs") or {}
            rows.append({
                "backend": results["backend"],
                "model": record["model"],
                "finite": "yes" if record["ok"] else "no",
                "weights on": record.get("device", "—"),
                "seconds (2 epochs, tracing included)": f"{record['seconds']:.1f}",
                "last loss": f"{logs['loss']:.4f}" if "loss" in logs else record.get("error", ""),
            })
    return rows


def main(argv=None) -> dict:
    parser = ExperimentParser("gpu_check", __doc__, command="bench")
    parser.add_argument("--steps", type=int, default=3, help="batches per epoch")
    args = parser.parse(argv)
    sys.path.insert(0, str(FAMILIES))
    from _registry import all_specs

    records = [check(spec, args.steps) for spec in all_specs()]
    for record in records:
        status = "ok " if record["ok"] else "FAIL"
        print(f"{status} {record['model']:<24} {record.get('device', '-'):<14} "
              f"{record['seconds']:6.1f}s  {record.get('error', record.get('logs'))}")
    results = {"machine": machine(), "backend": keras.backend.backend(), "models": records}
    write_results(args.out, f"gpu_check_{keras.backend.backend()}", results)
    return results


if __name__ == "__main__":
    main()
