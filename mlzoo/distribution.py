"""Scaling out: what Keras needs beyond its own API (see docs/distribution.md)."""

from __future__ import annotations

import keras


def patch_keras_for_multi_worker() -> None:
    """Let Keras' TensorFlow `fit` run under `MultiWorkerMirroredStrategy` (keras-team/keras#20585).

    Keras 3.15's TensorFlow trainer assumes one worker in two reductions: the
    first batch, a nest of `PerReplica` values, is all-reduced only to learn its
    shapes (this worker's batch gives them), and each scalar log is averaged
    along an axis it lacks (the logs come from metrics whose variables are
    synchronised on write, so the first replica's value is every replica's:
    Keras' "first" reduction). Call it once per worker process, before `fit`;
    it changes nothing on one worker. Tested by tests/test_distribution.py
    (two workers on localhost give the one-device weights).

    Example:
        >>> import mlzoo
        >>> mlzoo.distribution.patch_keras_for_multi_worker()  # doctest: +SKIP
    """
    if keras.backend.backend() != "tensorflow":
        raise RuntimeError("patch_keras_for_multi_worker is for the TensorFlow backend.")
    from keras.src import tree
    from keras.src.backend.tensorflow import trainer

    if getattr(trainer, "_mlzoo_multi_worker", False):
        return
    build, reduce = trainer.TensorFlowTrainer._maybe_symbolic_build, trainer.reduce_per_replica

    def maybe_symbolic_build(self, iterator=None, data_batch=None):
        strategy = self._distribute_strategy
        if iterator is not None and strategy is not None:
            _, _, batches = next(iter(iterator))
            local = strategy.experimental_local_results
            data_batch = tree.map_structure(lambda value: local(value)[0], next(batches))
            iterator = None
        return build(self, iterator=iterator, data_batch=data_batch)

    def reduce_per_replica(values, strategy, reduction):
        return reduce(values, strategy, "first" if reduction == "auto" else reduction)

    trainer.TensorFlowTrainer._maybe_symbolic_build = maybe_symbolic_build
    trainer.reduce_per_replica = reduce_per_replica
    trainer._mlzoo_multi_worker = True
