"""Clear errors for the Elman network's arguments and its (batch, time, features) sequences."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo._checks import check_values

_BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}


def check_activation(name: str, value, *, allow_none: bool) -> None:
    """A Keras activation given by name (so the config stays JSON), or None if allowed."""
    if value is None and allow_none:
        return
    try:
        valid = isinstance(value, str) and keras.activations.get(value) is not None
    except ValueError:
        valid = False
    if not valid:
        accepted = "the name of a Keras activation" + (" or None" if allow_none else "")
        raise ValueError(f"`{name}` must be {accepted}; received {name}={value!r}.")


def check_sequences(config: dict, x, y, where: str) -> None:
    """The Elman rules beyond the generic checks (shape (N, T, input_dim), finite values).

    `x`, `y` are numpy arrays or, for a dataset, its `tf.TensorSpec`s. Targets:
    (N, T, output_dim), or for softmax integer classes (N, T); within the
    output's range. A fixed batch size needs a multiple of it in rows.
    """
    shape = tuple(x.shape)
    batch_size = config["batch_size"]
    if isinstance(x, np.ndarray) and batch_size is not None and shape[0] % batch_size:
        raise ValueError(
            f"`{where} x` has {shape[0]} sequences; this ElmanNetwork reads them in batches of "
            f"exactly batch_size={batch_size}, so pass a multiple of {batch_size}."
        )
    if y is None:
        return
    if isinstance(y, np.ndarray):
        _check_targets(config, shape, y, where)
    else:
        _check_target_spec(config, y, where)


def _accepted(config: dict) -> str:
    return f"(num_sequences, time_steps, {config['output_dim']})" + (
        " or integer classes (num_sequences, time_steps)"
        if config["output_activation"] == "softmax"
        else ""
    )


def _check_targets(config: dict, x_shape: tuple, y, where: str) -> None:
    output_dim, activation = config["output_dim"], config["output_activation"]
    shape = tuple(y.shape)
    classes = activation == "softmax" and len(shape) == 2
    if shape[:2] != x_shape[:2] or (not classes and shape[2:] != (output_dim,)):
        raise ValueError(
            f"`{where} y` must have shape {_accepted(config)} matching x's {x_shape[:2]}; "
            f"received shape {shape}."
        )
    if classes:
        check_values(f"{where} y", y, value_range=(0, output_dim - 1))
        if (np.asarray(y) % 1).any():
            raise ValueError(f"`{where} y` of shape {shape} must hold integer classes.")
        return
    check_values(f"{where} y", y, value_range=_BOUNDED.get(activation))


def _check_target_spec(config: dict, spec, where: str) -> None:
    shape = getattr(spec, "shape", None)
    if shape is None or shape.rank is None:
        return
    per_step = shape.rank == 3 and shape[-1] in (None, config["output_dim"])
    classes = config["output_activation"] == "softmax" and shape.rank == 2
    if not (per_step or classes):
        raise ValueError(
            f"`{where} y` elements must have shape {_accepted(config)} (batched); the dataset "
            f"yields shape {tuple(shape)}."
        )
