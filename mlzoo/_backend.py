"""A clear ImportError, before Keras raises a raw one, when the backend is not installed."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

_EXTRAS = {
    "tensorflow": "pip install 'mlzoo[cpu]' (or 'mlzoo[gpu]' on a CUDA machine)",
    "jax": "pip install 'mlzoo[jax]' (or 'mlzoo[jax-gpu]' on a CUDA machine)",
}


class BackendNotInstalledError(ImportError):
    """Keras' backend is missing; the message names the command that installs it."""


def keras_backend_name() -> str:
    """The backend Keras will load: $KERAS_BACKEND, else keras.json's, else tensorflow."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def check_backend() -> None:
    """Raise ImportError naming the install command when Keras' backend is not installed."""
    backend = keras_backend_name()
    if importlib.util.find_spec(backend) is None:
        install = _EXTRAS.get(backend, f"pip install {backend}")
        raise BackendNotInstalledError(
            f"mlzoo needs {backend} as Keras' backend and it is not installed: {install}"
        )
