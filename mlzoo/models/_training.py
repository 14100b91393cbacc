"""Pieces of mlzoo's custom training steps, one implementation for every supported backend.

A step is written once, statefully, in `keras.ops` (read variables, `assign`
new values, `update_state` trackers). Keras calls it as it is on TensorFlow;
on JAX `ZooModel` runs it inside a `keras.StatelessScope` (see
`mlzoo.models.zoo_model`). What differs between backends lives here:
gradients (`value_and_gradients`) and the cross-replica reductions of
`tf.distribute` (on JAX a `keras.distribution.DataParallel` step sees the
whole global batch, so they are identities).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import keras
from keras import ops


class _FunctionLoss(keras.losses.Loss):
    """A loss function (e.g. `keras.losses.mean_squared_error`) as a `Loss` object."""

    def __init__(self, fn, name=None):
        super().__init__(name=name or getattr(fn, "__name__", "loss"))
        self.fn = fn

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred)


def as_loss_object(loss) -> keras.losses.Loss:
    """Resolve a loss name, function or object to a `Loss` taking sample weights.

    A `Loss` object scales itself per replica under `tf.distribute`, like Keras'
    compiled losses, so gradients all-reduce to the global-batch gradient.
    """
    loss = keras.losses.get(loss)
    return loss if isinstance(loss, keras.losses.Loss) else _FunctionLoss(loss)


def _replica_context():
    """The `tf.distribute` replica context of a multi-replica step, else None."""
    tf = sys.modules.get("tensorflow")  # a tf.distribute step means TensorFlow is loaded
    if keras.backend.backend() != "tensorflow" or tf is None:
        return None
    context = tf.distribute.get_replica_context()
    return context if context is not None and context.num_replicas_in_sync > 1 else None


def num_replicas() -> int:
    """Replicas that each run the step on a share of the batch (`tf.distribute`), else 1."""
    context = _replica_context()
    return 1 if context is None else context.num_replicas_in_sync


def replica_sum(value):
    """`value` (a tensor or a list of them) summed over `tf.distribute` replicas; else itself."""
    context = _replica_context()
    return value if context is None else context.all_reduce("sum", value)


def replica_gather(value):
    """The whole global batch, in order, on every replica (identity on one replica)."""
    context = _replica_context()
    if value is None or context is None:
        return value
    return context.all_gather(value, axis=0)


def replica_rows(rows):
    """(first row, global rows) of this replica's share of the global batch."""
    context = _replica_context()
    if context is None:
        return 0, rows
    sizes = context.all_gather(ops.reshape(rows, [1]), axis=0)
    replica = context.replica_id_in_sync_group
    return ops.sum(sizes[:replica]), ops.sum(sizes)


def unscaled(loss):
    """Undo Keras' per-replica loss scaling (1 / replicas) for logging."""
    return loss * num_replicas()


def regularization_loss(model: keras.Model):
    """Sum of the model's added losses (weight penalties), scaled per replica like Keras'."""
    penalties = [model._aggregate_additional_loss(loss) for loss in model.losses]
    return ops.sum(ops.stack(penalties)) if penalties else ops.zeros(())


def value_and_gradients(
    fn: Callable[[], tuple], variables: Sequence[keras.Variable]
) -> tuple:
    """`(loss, aux, gradients)` of `loss, aux = fn()` with respect to `variables`.

    `fn` is stateful Keras code (a forward pass, a loss; it may update
    non-trainable state such as batch-norm statistics or trackers).
    TensorFlow records it on a `GradientTape`; JAX differentiates it as a
    function of the variables' values inside a `keras.StatelessScope` and
    carries its state updates out to the enclosing scope.

    Example:
        >>> import keras, numpy as np
        >>> w = keras.Variable(np.float32(3.0))
        >>> loss, aux, (grad,) = value_and_gradients(lambda: (w * w, None), [w])
        >>> float(grad)
        6.0
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, aux = fn()
        return loss, aux, tape.gradient(loss, list(variables))
    if backend == "jax":
        return _jax_value_and_gradients(fn, list(variables))
    raise NotImplementedError(f"mlzoo computes gradients on {SUPPORTED}, not on {backend!r}.")


def _jax_value_and_gradients(fn, variables):
    import jax
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    outer = get_stateless_scope()
    known = dict(outer.state_mapping) if outer is not None else {}

    def evaluate(values):
        scope = keras.StatelessScope(collect_losses=True)  # `layer.losses` as on TensorFlow
        given = {id(v): x for v, x in zip(variables, values, strict=True)}
        scope.state_mapping = {**known, **given}
        with scope:
            loss, aux = fn()
        updates = {k: x for k, x in scope.state_mapping.items() if known.get(k) is not x}
        for variable in variables:
            updates.pop(id(variable), None)
        return loss, (aux, updates)

    values = [v.value for v in variables]
    (loss, (aux, updates)), grads = jax.value_and_grad(evaluate, has_aux=True)(values)
    if outer is not None:
        outer.state_mapping.update(updates)
    return loss, aux, grads


def apply_gradients(optimizer, grads: Sequence, variables: Sequence[keras.Variable]) -> None:
    """`optimizer.apply(grads, variables)` inside a stateful step, on every backend.

    On JAX the update runs as `optimizer.stateless_apply` on the enclosing
    scope's values and is assigned after: Keras' stateful `apply` assigns
    inside `ops.cond` branches where the optimizer has them (the loss scale
    of `LossScaleOptimizer` under mixed precision), which a traced step
    cannot hold. Variables the optimizer tracks but `variables` omits get no
    gradient (as with `apply`).
    """
    if keras.backend.backend() != "jax":
        optimizer.apply(grads, variables)
        return
    given = {id(v): g for v, g in zip(variables, grads, strict=True)}
    tracked = optimizer._trainable_variables  # the order `stateless_apply` takes
    new_values, new_state = optimizer.stateless_apply(
        [v.value for v in optimizer.variables],
        [given.get(id(v)) for v in tracked],
        [v.value for v in tracked],
    )
    for variable, value in zip(tracked, new_values, strict=True):
        if id(variable) in given:
            variable.assign(value)
    for variable, value in zip(optimizer.variables, new_state, strict=True):
        variable.assign(value)


#: the Keras backends mlzoo's models train on.
SUPPORTED = ("tensorflow", "jax")


def batch_and_weights(data):
    """The float32 inputs of a batch and its float32 sample weights (None when not given).

    Labels of an (x, y) element are dropped (the unsupervised models reject them
    before training).
    """
    x, _, weights = keras.utils.unpack_x_y_sample_weight(data)
    if weights is not None:
        weights = ops.reshape(ops.cast(weights, "float32"), [-1])
    return ops.cast(x, "float32"), weights


def add_state_weight(model, name: str, shape: tuple, dtype: str = "float32", initializer="zeros"):
    """A non-trainable state variable (counter, codebook, chains) that the training step assigns.

    Every replica computes the same new value, so under `tf.distribute` the
    first replica's is kept (`aggregation="only_first_replica"`); float
    variables are not autocast under mixed precision.
    """
    return model.add_weight(
        shape=shape,
        initializer=initializer,
        dtype=dtype,
        autocast=False,
        trainable=False,
        name=name,
        aggregation="only_first_replica",
    )
