#!/usr/bin/env bash
# The GPU check (issue 17), in under 8 minutes on a machine with an NVIDIA GPU:
#   1. installs what is missing: from the wheels in $MLZOO_WHEELS (an offline machine), else from
#      the package index (mlzoo[jax-gpu,benchmarks]);
#   2. fits every registered family a few steps under mixed_float16 on the GPU, on every
#      installed backend (benchmarks/gpu_check.py);
#   3. runs the speed benchmarks at GPU-sized batches (backend_speed, rbm_speed, som_speed,
#      saliency_speed), data from $MLZOO_DATA_DIR (the sets there, else the bundled ones).
# Everything lands as JSON/CSV in OUT (default runs/gpu_check/<timestamp>), with log.txt.
#
#   benchmarks/gpu_check.sh [OUT]
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/gpu_check/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
py=${PYTHON:-python3}
exec > >(tee -a "$out/log.txt") 2>&1
# one process at a time holds the GPU: no process grabs 75 % of its memory up front
export PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=3 XLA_PYTHON_CLIENT_PREALLOCATE=false
SECONDS=0
step() { echo "== $* (${SECONDS}s)"; }

step "install"
if [ -n "${MLZOO_WHEELS:-}" ]; then
  $py -m pip install -q --no-index --no-deps --no-compile --target /tmp/mlzoo-site \
    "$MLZOO_WHEELS"/*.whl || exit 1
  export PYTHONPATH="$PWD:/tmp/mlzoo-site${PYTHONPATH:+:$PYTHONPATH}"
else
  $py -m pip install -q -e ".[jax-gpu,benchmarks]" || exit 1
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
$py -c "import jax; print('jax', jax.__version__, jax.devices())" || true

for backend in jax tensorflow; do
  if ! $py -c "import $backend" 2>/dev/null; then
    step "$backend: not installed, skipped"
    continue
  fi
  step "every family, mixed_float16, $backend"
  KERAS_BACKEND=$backend timeout 200 $py -m benchmarks.gpu_check --out "$out"
done

# The benchmarks' own process on JAX where it is installed (backend_speed's workers take each
# installed backend in turn).
backend=$($py -c "import importlib.util as u; print('jax' if u.find_spec('jax') else 'tensorflow')")
export KERAS_BACKEND=$backend
step "backend_speed: 784-300-10, Fashion-MNIST, batch 2048"
timeout 150 $py -m benchmarks.backend_speed --dataset fashion_mnist --batch-size 2048 \
  --rounds 3 --out "$out"
step "rbm_speed ($backend): digits + MNIST 5k, batches 100 and 1000"
timeout 100 $py -m benchmarks.rbm_speed --dataset digits mnist --seeds 0 --batch-sizes 100 1000 \
  --exact-samples 200 --out "$out"
step "som_speed ($backend): digits + Fashion-MNIST, batches 128 and 1024"
timeout 90 $py -m benchmarks.som_speed --dataset digits fashion_mnist --seeds 0 --batch-sizes 128 1024 \
  --out "$out"
step "saliency_speed ($backend): 32x32 images"
timeout 30 $py -m benchmarks.saliency_speed --n 20000 --n96 2000 --repeats 2 --out "$out"
step "done"
