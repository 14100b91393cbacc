"""Data parallelism gives the weights of one device: the examples of docs/distribution.md.

One family (the RBF network, `_multi_worker.train`) at one global batch size: two TensorFlow
workers on localhost under `MultiWorkerMirroredStrategy`, and `keras.distribution.DataParallel`
over two JAX CPU devices. `tests/conformance` checks every family on two devices of one process
(`test_two_devices_match_one_device`).
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from _multi_worker import train  # noqa: E402

WORKERS = 2
WORKER_TIMEOUT_S = 120  # about 25 s on 2 busy cores, most of it importing TensorFlow


def free_ports(count: int) -> list[int]:
    """Ports the system just handed out (bound to port 0, then released)."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("localhost", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start_workers(folder: Path) -> list[subprocess.Popen]:
    """`WORKERS` CPU-only processes of `_multi_worker.py`, each logging to `worker_<i>.log`."""
    cluster = {"worker": [f"localhost:{port}" for port in free_ports(WORKERS)]}
    workers = []
    for index in range(WORKERS):
        task = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        env = {**os.environ, "KERAS_BACKEND": "tensorflow", "CUDA_VISIBLE_DEVICES": ""}
        with open(folder / f"worker_{index}.log", "w") as log:
            workers.append(
                subprocess.Popen(
                    [sys.executable, str(HERE / "_multi_worker.py"), f"worker_{index}.npz"],
                    cwd=folder,
                    env={**env, "TF_CONFIG": json.dumps(task)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    return workers


def finish(workers: list[subprocess.Popen], folder: Path) -> list[list[np.ndarray]]:
    """Every worker's weights; fails with both logs if one fails or the cluster hangs."""
    deadline = time.monotonic() + WORKER_TIMEOUT_S
    while any(w.poll() is None for w in workers) and time.monotonic() < deadline:
        if any(w.returncode not in (None, 0) for w in workers):
            break  # its peer would wait for it until the deadline
        time.sleep(0.2)
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    if any(w.returncode != 0 for w in workers):
        logs = "\n".join(
            f"--- worker {i} (exit {w.returncode}) ---\n"
            + (folder / f"worker_{i}.log").read_text()[-4000:]
            for i, w in enumerate(workers)
        )
        pytest.fail(f"a worker failed or the cluster ran past {WORKER_TIMEOUT_S} s:\n{logs}")
    results = []
    for index in range(WORKERS):
        with np.load(folder / f"worker_{index}.npz") as arrays:
            results.append([arrays[f"arr_{i}"] for i in range(len(arrays.files))])
    return results


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="MultiWorkerMirroredStrategy is TensorFlow's (JAX: the DataParallel test below)",
)
def test_two_workers_match_one_device(tmp_path):
    """Two workers, one replica each, global batch 16 = one device at batch 16."""
    workers = start_workers(tmp_path)
    try:
        reference = train()  # while the workers import TensorFlow
    finally:
        trained = finish(workers, tmp_path)
    for weights in trained:
        for a, b in zip(reference, weights, strict=True):
            np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="keras.distribution runs on the JAX backend"
)
def test_data_parallel_over_two_devices_matches_one_device():
    """`DataParallel` splits each global batch of 16 rows in two halves of 8, one per device."""
    import jax

    devices = jax.devices("cpu")[:2]
    assert len(devices) == 2, "the root conftest.py splits the CPU into 2 JAX devices"
    reference = train()
    distributed = train(keras.distribution.DataParallel(devices=devices))
    for a, b in zip(reference, distributed, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
