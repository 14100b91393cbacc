"""The fresh process of the conformance suite: reload saved models and resume interrupted runs.

Run as `python _worker.py JOBS.json`; each job writes its arrays to `job["out"]` (.npz)
or its error to `job["out"] + ".error"`.
"""

import json
import os
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import keras  # noqa: E402
import numpy as np  # noqa: E402

import mlzoo  # noqa: E402, F401  (registers the serializable classes)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "families"))
from _registry import spec_named  # noqa: E402


def load(job: dict) -> dict:
    spec = spec_named(job["spec"])
    model = keras.models.load_model(job["path"], safe_mode=True)
    x, _ = spec.data()
    arrays = {"prediction": np.asarray(model.predict(x, verbose=0))}
    if model.optimizer is not None:
        for i, variable in enumerate(model.optimizer.variables):
            arrays[f"optimizer_{i}"] = keras.ops.convert_to_numpy(variable)
    return arrays


def resume(job: dict) -> dict:
    spec = spec_named(job["spec"])
    keras.utils.set_random_seed(0)
    model = mlzoo.models.get(spec.name, **spec.kwargs)
    model.compile(**spec.compile())
    x, y = spec.data()
    backup = keras.callbacks.BackupAndRestore(job["backup_dir"])
    model.fit(x, y, **spec.fit, callbacks=[*spec.callbacks(), backup], verbose=0)
    return {f"weight_{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(model.weights)}


def main(path: str) -> None:
    for job in json.load(open(path)):
        try:
            arrays = {"load": load, "resume": resume}[job["kind"]](job)
            np.savez(job["out"], **arrays)
        except Exception:  # reported by the test that asked for the job
            with open(job["out"] + ".error", "w") as file:
                file.write(traceback.format_exc())


if __name__ == "__main__":
    main(sys.argv[1])
