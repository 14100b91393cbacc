"""Set-up of every test and doctest: two logical CPU devices, quiet TensorFlow, fixed seeds.

The device split must happen before TensorFlow (and JAX) initialise their runtimes, so it
runs when pytest imports this file, before any test or docstring module builds a tensor.
The suite runs on the backend that KERAS_BACKEND names (tensorflow by default; jax too).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
if os.environ["KERAS_BACKEND"] == "jax":
    flag = "--xla_force_host_platform_device_count=2"
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {flag}".strip()

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from _pytest.doctest import DoctestItem  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # the runtime was initialised already (e.g. by a plugin)
    pass


@pytest.fixture(autouse=True)
def _seed_and_policy(request, monkeypatch):
    """Seed 0 before each test, float32 after; docstring examples run in an empty folder."""
    if isinstance(request.node, DoctestItem):
        monkeypatch.chdir(request.getfixturevalue("tmp_path"))
    keras.utils.set_random_seed(0)
    yield
    keras.config.set_dtype_policy("float32")


def pytest_collection_modifyitems(items):
    """The KerasTuner examples of `mlzoo.tuning` run real searches: slow, like the tuner tests."""
    for item in items:
        if isinstance(item, DoctestItem) and item.name.startswith("mlzoo.tuning."):
            item.add_marker(pytest.mark.slow)
