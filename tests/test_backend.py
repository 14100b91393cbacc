import importlib.util
import os
import subprocess
import sys

import pytest

from mlzoo import _backend


def test_a_missing_tensorflow_names_the_extra(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    real = importlib.util.find_spec
    def find_spec(name):
        return None if name == "tensorflow" else real(name)

    monkeypatch.setattr(_backend.importlib.util, "find_spec", find_spec)
    with pytest.raises(ImportError, match=r"mlzoo\[cpu\].*mlzoo\[gpu\]"):
        _backend.check_backend()


def test_the_backend_is_read_from_the_environment_then_keras_json(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert _backend.keras_backend_name() == "tensorflow"
    (tmp_path / "keras.json").write_text('{"backend": "jax"}')
    assert _backend.keras_backend_name() == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert _backend.keras_backend_name() == "torch"


def test_mlzoo_run_without_the_backend_says_what_to_install_without_a_traceback():
    env = {**os.environ, "KERAS_BACKEND": "no_such_backend"}
    run = subprocess.run([sys.executable, "-m", "zoo_scripts.cli", "run", "som", "--quick"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "pip install no_such_backend" in run.stderr and "Traceback" not in run.stderr
    listed = subprocess.run([sys.executable, "-m", "zoo_scripts.cli", "list"],
                            capture_output=True, text=True, env=env, check=True)
    assert "som" in listed.stdout


def test_a_model_on_an_unsupported_backend_names_the_supported_ones(monkeypatch):
    import keras

    import mlzoo

    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    with pytest.raises(RuntimeError, match="tensorflow and jax.*KERAS_BACKEND is 'torch'"):
        mlzoo.models.get("self_organizing_map", rows=2, cols=2, input_dim=3)
