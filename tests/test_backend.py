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


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_mlzoo_trains_on_jax_without_tensorflow():
    """A JAX user needs no TensorFlow for models fitted on arrays (the issue 17 contract)."""
    script = (
        "import sys; sys.modules['tensorflow'] = None\n"  # any `import tensorflow` fails
        "import numpy as np, mlzoo\n"
        "x = np.random.default_rng(0).random((32, 4), dtype='float32')\n"
        "som = mlzoo.models.get('self_organizing_map', rows=2, cols=2, input_dim=4)\n"
        "som.compile(); som.fit(x, epochs=1, batch_size=8, verbose=0)\n"
        "mlp = mlzoo.build_mutual_mlp(4, 3, 2); mlp.compile('sgd')\n"
        "mlp.fit(x, np.eye(2, dtype='float32')[np.arange(32) % 2], epochs=1, verbose=0)\n"
        "print('trained', 'tensorflow' in sys.modules and sys.modules['tensorflow'] is not None)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().endswith("trained False")
