"""The training run of tests/test_distribution.py, and one worker of its two-worker cluster.

`train()` fits a tiny RBF network on one fixed data set at one global batch size, on one
device or under a distribution. As a script, `python _multi_worker.py OUT.npz` is one worker
of a `tf.distribute.MultiWorkerMirroredStrategy` (`TF_CONFIG` names the cluster and this
worker's index) and writes the trained weights to `OUT.npz` (`arr_0`, `arr_1`, ...).
"""

import contextlib
import os
import sys

import numpy as np

GLOBAL_BATCH = 16  # 48 rows: 3 steps per epoch; each of 2 workers computes 8 rows a step
EPOCHS = 4


def data() -> tuple[np.ndarray, np.ndarray]:
    """48 rows of 6 features in [0, 1] around 3 class prototypes; integer labels."""
    rng = np.random.default_rng(0)
    labels = np.arange(48) % 3
    x = np.clip(rng.random((3, 6))[labels] + 0.15 * rng.standard_normal((48, 6)), 0, 1)
    return x.astype("float32"), labels.astype("int64")


def train(distribution=None) -> list[np.ndarray]:
    """The weights after `EPOCHS` epochs at `GLOBAL_BATCH`, built and fitted in `distribution`.

    `distribution`: a `tf.distribute.Strategy`, a `keras.distribution.Distribution` (both
    have `scope()`) or None (one device). A multi-worker run passes the whole data set on
    every worker: Keras shards it by batch (tf.data's `DATA` auto-shard policy), so one
    global step sees the same `GLOBAL_BATCH` rows as on one device.
    """
    import keras

    import mlzoo

    x, y = data()
    keras.utils.set_random_seed(0)
    with contextlib.nullcontext() if distribution is None else distribution.scope():
        model = mlzoo.models.get("rbf_network", input_dim=6, units=5, output_dim=3, x_init=x)
        model.compile()  # Adam, sparse categorical cross-entropy
        model.fit(x, y, epochs=EPOCHS, batch_size=GLOBAL_BATCH, shuffle=False, verbose=0)
    return [keras.ops.convert_to_numpy(w) for w in model.weights]


def main(out: str) -> None:
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    import mlzoo

    mlzoo.distribution.patch_keras_for_multi_worker()
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    np.savez(out, *train(strategy))
    # Both workers have written their weights once this all-reduce returns; exit without
    # TensorFlow's teardown of the cluster, which takes seconds.
    strategy.reduce("SUM", strategy.run(lambda: tf.constant(1.0)), axis=None)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
