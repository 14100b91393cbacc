"""Epoch time and GFLOP/s of the mutual MLP and plain Keras on every backend, side by side.

Keras chooses its backend once per process, so each backend trains in its own worker
process; the parent steps the workers in turn (one timed epoch of every model per round)
and measures the matmul rate between rounds, so every ratio and rate share comes from
the same window of a shared, noisy machine. Per backend and `steps_per_execution`:

- `plain`: a Sequential sigmoid MLP x -> y (784-300-10 on Fashion-MNIST), SGD(0.2,
  momentum 0.9), squared error; `plain_transposed`: the same of G's shapes, y -> x;
- `positive` / `negative`: the mutual MLP's positive phase (F) and negative phase (G).

Ratios are of median epochs. A training step costs 6 FLOPs per weight and sample (2
forward, 4 backward: the issue's convention), so an epoch of n samples is 6 n W FLOPs;
GFLOP/s = that / the fastest epoch, and its share is taken of the best matmul rate of the
run (the limit against the limit; on a shared machine both lose alike to load): numpy's
float32 2000 x 2000 product, measured every round (the issue's stand-in for the machine's
limit), or on a GPU the worker's own `keras.ops.matmul` of 8192 x 8192 on the device.

    mlzoo bench backend_speed --data-dir ../shared/data    # Fashion-MNIST 60k, 10 rounds
    mlzoo bench backend_speed --quick                      # digits, 2 rounds: seconds
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np

from benchmarks._timing import epoch_parser, flat, processor
from zoo_scripts._results import progress, write_results

BACKENDS = ("tensorflow", "jax")
MODELS = ("plain", "plain_transposed", "positive", "negative")


def matmul_rate(matmul, size: int, to_device=np.asarray, repeats: int = 3) -> float:
    """Best GFLOP/s of `matmul(a, b)` on float32 `size` x `size` operands (2 n^3 FLOPs).

    The operands are made by `to_device` before timing (e.g. moved to the GPU).
    """
    rng = np.random.default_rng(0)
    a, b = (to_device(rng.random((size, size), dtype=np.float32)) for _ in range(2))
    matmul(a, b)  # warm-up: allocation, compilation
    best = min(_seconds(lambda: matmul(a, b)) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def step_flops(input_dim: int, hidden: int, output_dim: int) -> int:
    """FLOPs of one training sample of an input-hidden-output MLP: 6 per weight."""
    return 6 * (input_dim * hidden + hidden * output_dim)


# ----------------------------------------------------------------------------- worker
def _worker(argv: list[str]) -> None:
    """One backend: build the models, trace them, then time one epoch each per "round"."""
    import keras

    from benchmarks._timing import EpochTimer, load_flat_onehot
    from benchmarks.mutual_speed import phase_trainings

    config = json.loads(argv[0])
    x, y = load_flat_onehot(config["dataset"], config["data_dir"])
    if config["samples"]:
        x, y = x[: config["samples"]], y[: config["samples"]]
    trainings = {
        f"{name}@{spe}": training
        for spe in config["steps_per_execution"]
        for name, training in phase_trainings(
            x, y, hidden=config["hidden"], steps_per_execution=spe
        ).items()
    }

    def epoch(model, inputs, targets, callbacks) -> float:
        timer = EpochTimer()
        model.fit(inputs, targets, epochs=1, batch_size=config["batch_size"], shuffle=True,
                  verbose=0, callbacks=[*callbacks, timer])
        return timer.seconds[0]

    for training in trainings.values():
        epoch(*training)  # traces the step functions: not timed
    gpu = keras.backend.backend() == "jax" and _jax_on_gpu()
    # operands placed on the device first; reading one element waits for the product
    rate = matmul_rate(
        lambda a, b: keras.ops.convert_to_numpy(keras.ops.matmul(a, b)[0, 0]),
        8192 if gpu else 2000, keras.ops.convert_to_tensor,
    )
    _say({"backend": keras.backend.backend(), "keras": keras.__version__,
          "device": "gpu" if gpu else "cpu", "matmul_gflops": rate})
    for line in sys.stdin:
        if line.strip() != "round":
            break
        _say({name: epoch(*training) for name, training in trainings.items()})


def _jax_on_gpu() -> bool:
    import jax

    return jax.default_backend() == "gpu"


def _say(record: dict) -> None:
    print("RESULT " + json.dumps(record), flush=True)


def _hear(process: subprocess.Popen) -> dict:
    for line in process.stdout:
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"the {process.args[-1]} worker stopped: see its messages above")


# ----------------------------------------------------------------------------- parent
def installed(backends) -> list[str]:
    """The backends of `backends` whose package is installed (Keras cannot load the others)."""
    return [b for b in backends if importlib.util.find_spec(b) is not None]


def run(args) -> dict:
    """Workers for every installed backend, stepped in turn; medians, GFLOP/s and shares."""
    config = {
        "dataset": args.dataset, "data_dir": args.data_dir, "hidden": args.hidden,
        "batch_size": args.batch_size, "steps_per_execution": args.steps_per_execution,
        "samples": args.samples,
    }
    backends = installed(args.backends)
    workers = {}
    for backend in backends:
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        workers[backend] = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.backend_speed", "--worker", json.dumps(config),
             backend],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
    try:
        info = {backend: _hear(worker) for backend, worker in workers.items()}
        times = {backend: {} for backend in backends}
        numpy_rates = []
        for _ in progress(range(args.rounds), desc="backend_speed", unit="round"):
            numpy_rates.append(matmul_rate(np.matmul, 2000))
            for backend, worker in workers.items():
                worker.stdin.write("round\n")
                worker.stdin.flush()
                for name, seconds in _hear(worker).items():
                    times[backend].setdefault(name, []).append(seconds)
    finally:
        for worker in workers.values():
            if worker.poll() is None:
                worker.stdin.close()
                worker.wait(timeout=60)
    return summarise_runs(args, info, times, max(numpy_rates))


def summarise_runs(args, info: dict, times: dict, numpy_rate: float) -> dict:
    """Median epochs, GFLOP/s, shares and the issue's ratios, per backend and spe."""
    from benchmarks._timing import load_flat_onehot

    x, y = load_flat_onehot(args.dataset, args.data_dir)
    samples = min(len(x), args.samples) if args.samples else len(x)
    flops = step_flops(x.shape[1], args.hidden, y.shape[1]) * samples
    runs = []
    for backend, named in times.items():
        device_rate = info[backend]["matmul_gflops"]
        reference = device_rate if info[backend]["device"] == "gpu" else numpy_rate
        for spe in args.steps_per_execution:
            median = {m: float(np.median(named[f"{m}@{spe}"])) for m in MODELS}
            fastest = {m: min(named[f"{m}@{spe}"]) for m in MODELS}
            gflops = {m: flops / fastest[m] / 1e9 for m in MODELS}
            runs.append({
                "backend": backend, "device": info[backend]["device"], "steps_per_execution": spe,
                "median_epoch_seconds": median, "fastest_epoch_seconds": fastest,
                "gflops": gflops,
                "share_of_matmul": {m: gflops[m] / reference for m in MODELS},
                "positive_ratio": median["positive"] / median["plain"],
                "negative_vs_plain_transposed": median["negative"] / median["plain_transposed"],
            })
    by_key = {(r["backend"], r["steps_per_execution"]): r for r in runs}
    for run in runs:  # the cross-backend ratio: positive epoch / plain Keras-TF epoch
        tf_run = by_key.get(("tensorflow", run["steps_per_execution"]))
        if tf_run is not None:
            tf_plain = tf_run["median_epoch_seconds"]["plain"]
            run["positive_vs_plain_tensorflow"] = run["median_epoch_seconds"]["positive"] / tf_plain
    return {
        "dataset": args.dataset, "shape": f"{x.shape[1]}-{args.hidden}-{y.shape[1]}",
        "train_samples": samples, "batch_size": args.batch_size, "epochs_timed": args.rounds,
        "flops_per_epoch": flops, "numpy_matmul_gflops": numpy_rate,
        "machine": f"{processor()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}",
        "backends": info, "runs": runs,
    }


def speed_table(*files: dict, share: str = "yes") -> list[dict]:
    """docs/benchmarks.md: per backend and spe, the medians, GFLOP/s, shares and ratios.

    `share=no` leaves the shares out (a run whose reference rate was not the device's).
    """
    rows = []
    for results in files:
        for run in results["runs"]:
            median, gflops = run["median_epoch_seconds"], run["gflops"]
            fraction = run["share_of_matmul"]
            cross = run.get("positive_vs_plain_tensorflow")
            shown = {m: f", {fraction[m]:.0%}" if share == "yes" else "" for m in fraction}
            rows.append({
                "backend": f"{run['backend']} ({run['device']})",
                "spe": run["steps_per_execution"],
                "plain epoch s (GFLOP/s, share)": (
                    f"{median['plain']:.3f} ({gflops['plain']:.0f}{shown['plain']})"
                ),
                "positive / plain": f"{run['positive_ratio']:.3f}",
                "positive / plain TF": "" if cross is None else f"{cross:.3f}",
                "negative / plain y→x": f"{run['negative_vs_plain_transposed']:.3f}",
                "positive GFLOP/s (share)": (
                    f"{gflops['positive']:.0f} ({fraction['positive']:.0%})" if share == "yes"
                    else f"{gflops['positive']:.0f}"
                ),
            })
    return rows


def main(argv=None) -> dict:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--worker"]:
        _worker(argv[1:])
        return {}
    parser = epoch_parser("backend_speed", __doc__)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS,
                        help="Keras backends to compare (those not installed are skipped)")
    parser.add_argument("--samples", type=int, default=0,
                        help="train on the first N samples only (0: all)")
    args = parser.parse(argv, quick={"dataset": "digits", "rounds": 2})
    results = run(args)
    for row in speed_table(results):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    print(f"numpy matmul: {results['numpy_matmul_gflops']:.0f} GFLOP/s")
    write_results(args.out, "backend_speed", results,
                  tables={"runs": [flat(run) for run in results["runs"]]})
    return results


if __name__ == "__main__":
    main()
