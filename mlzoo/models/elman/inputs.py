"""Clear errors for the Elman network's arguments and its (batch, time, features) sequences."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

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
    """x: (N, T, input_dim), finite; y: (N, T, output_dim) or, for softmax, classes (N, T)."""
    if isinstance(x, tf.data.Dataset):
        _check_dataset(config, x, where)
        return
    if x is None or not hasattr(x, "shape") or not hasattr(x, "dtype"):
        return
    shape = tuple(x.shape)
    if len(shape) != 3 or shape[-1] != config["input_dim"]:
        hint = (
            " For a single stream of shape (T, features) pass x[None]." if len(shape) == 2 else ""
        )
        raise ValueError(
            f"`{where} x` must have shape (num_sequences, time_steps, {config['input_dim']}); "
            f"received shape {shape}.{hint}"
        )
    check_values(f"{where} x", x)
    batch_size = config["batch_size"]
    if batch_size is not None and shape[0] % batch_size:
        raise ValueError(
            f"`{where} x` has {shape[0]} sequences; this ElmanNetwork reads them in batches of "
            f"exactly batch_size={batch_size}, so pass a multiple of {batch_size}."
        )
    if y is not None and hasattr(y, "shape"):
        _check_targets(config, shape, y, where)


def _check_targets(config: dict, x_shape: tuple, y, where: str) -> None:
    output_dim, activation = config["output_dim"], config["output_activation"]
    shape = tuple(y.shape)
    classes = activation == "softmax" and len(shape) == 2
    accepted = f"(num_sequences, time_steps, {output_dim})" + (
        " or integer classes (num_sequences, time_steps)" if activation == "softmax" else ""
    )
    if shape[:2] != x_shape[:2] or (not classes and shape[2:] != (output_dim,)):
        raise ValueError(
            f"`{where} y` must have shape {accepted} matching x's {x_shape[:2]}; received "
            f"shape {shape}."
        )
    if classes:
        check_values(f"{where} y", y, value_range=(0, output_dim - 1))
        if (np.asarray(y) % 1).any():
            raise ValueError(f"`{where} y` of shape {shape} must hold integer classes.")
        return
    check_values(f"{where} y", y, value_range=_BOUNDED.get(activation))


def _check_dataset(config: dict, dataset: tf.data.Dataset, where: str) -> None:
    spec = dataset.element_spec
    specs = spec if isinstance(spec, (tuple, list)) else (spec,)
    expected = {"x": config["input_dim"], "y": config["output_dim"]}
    for name, element in zip(("x", "y"), specs[:2], strict=False):
        shape = getattr(element, "shape", None)
        if shape is None or shape.rank is None:
            continue
        last_ok = shape.rank == 3 and shape[-1] in (None, expected[name])
        classes = name == "y" and config["output_activation"] == "softmax" and shape.rank == 2
        if not (last_ok or classes):
            raise ValueError(
                f"`{where} {name}` elements must have shape (batch, time_steps, {expected[name]}); "
                f"the dataset yields shape {tuple(shape)}."
            )
