"""Input checks shared by builders and models: clear errors before any tracing."""

from __future__ import annotations

import numbers

import numpy as np


def check_positive_int(name: str, value) -> int:
    """Return `value` as an int, or raise `ValueError` naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer; received {name}={value!r}.")
    return int(value)


def check_choice(name: str, value, choices: tuple) -> None:
    """Raise `ValueError` naming `name` unless `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {choices}; received {name}={value!r}.")


def check_hidden_units(hidden_units) -> list[int]:
    """Widths of the hidden layers from an int or a non-empty sequence of positive ints."""
    widths = hidden_units if isinstance(hidden_units, (list, tuple)) else [hidden_units]
    if not widths:
        raise ValueError("`hidden_units` must name at least one hidden layer; received [].")
    return [check_positive_int("hidden_units", width) for width in widths]


def check_non_negative(name: str, value) -> float:
    """Return `value` as a finite float >= 0, or raise `ValueError` naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < np.inf:
        raise ValueError(f"`{name}` must be a non-negative number; received {name}={value!r}.")
    return float(value)


def check_fraction(name: str, value, *, low: float = 0.0, high: float = 1.0) -> float:
    """Return `value` as a float in `[low, high]`, or raise `ValueError` naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= value <= high:
        raise ValueError(
            f"`{name}` must be a number in [{low}, {high}]; received {name}={value!r}."
        )
    return float(value)


def check_weights(name: str, values, count: int) -> list[float]:
    """`count` finite non-negative floats with a positive sum (loss or vote weights per head)."""
    try:
        weights = [float(v) for v in values]
    except (TypeError, ValueError):
        weights = None
    if (
        weights is None
        or len(weights) != count
        or not all(np.isfinite(w) and w >= 0 for w in weights)
        or not sum(weights) > 0
    ):
        raise ValueError(
            f"`{name}` must be {count} finite non-negative numbers (one per head) with a "
            f"positive sum; received {values!r}."
        )
    return weights


def check_array(
    name: str,
    array,
    *,
    last_dim: int,
    value_range: tuple[float, float] | None = None,
    hint: str = "",
) -> None:
    """Check a numpy-like batch: 2-D `(N, last_dim)`, finite, optionally within a range.

    Tensors and datasets are left to `check_spec`; anything without a shape is
    left to Keras.
    """
    if array is None or not hasattr(array, "shape") or not hasattr(array, "dtype"):
        return
    shape = tuple(array.shape)
    if len(shape) != 2 or shape[-1] != last_dim:
        raise ValueError(
            f"`{name}` must have shape (num_samples, {last_dim}); received shape {shape}.{hint}"
        )
    check_values(name, array, value_range=value_range, hint=hint)


def check_values(
    name: str, array, *, value_range: tuple[float, float] | None = None, hint: str = ""
) -> np.ndarray:
    """Numeric, finite (floats), optionally within `value_range`; returns the numpy array."""
    values = np.asarray(array)
    if not np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_:
        raise TypeError(f"`{name}` must be numeric; received dtype {values.dtype}.")
    if np.issubdtype(values.dtype, np.floating) and not np.isfinite(values).all():
        bad = int(np.size(values) - np.isfinite(values).sum())
        raise ValueError(f"`{name}` contains {bad} NaN or infinite values.")
    if value_range is not None and values.size:
        low, high = float(values.min()), float(values.max())
        if low < value_range[0] or high > value_range[1]:
            raise ValueError(
                f"`{name}` values must lie in [{value_range[0]}, {value_range[1]}]; received "
                f"values in [{low:g}, {high:g}].{hint}"
            )
    return values


def check_spec(name: str, spec, *, last_dim: int) -> None:
    """Check the static last dimension of a `tf.TensorSpec` from a dataset."""
    shape = getattr(spec, "shape", None)
    if shape is None or shape.rank is None:
        return
    if shape.rank != 2 or (shape[-1] is not None and shape[-1] != last_dim):
        raise ValueError(
            f"`{name}` elements must have shape (batch, {last_dim}); the dataset yields "
            f"shape {tuple(shape)}."
        )
