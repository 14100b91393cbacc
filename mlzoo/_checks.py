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


def check_positive(name: str, value) -> float:
    """Return `value` as a finite float > 0, or raise `ValueError` naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < np.inf:
        raise ValueError(f"`{name}` must be a positive number; received {name}={value!r}.")
    return float(value)


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


def check_values(
    name: str,
    array,
    *,
    value_range: tuple[float, float] | None = None,
    hint: str = "",
    max_magnitude: float | None = None,
) -> np.ndarray:
    """Numeric, finite (floats), optionally within `value_range` and below `max_magnitude`;
    returns the numpy array. One min and one max reduction serve every check."""
    values = np.asarray(array)
    if not np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_:
        raise ValueError(
            f"`{name}` must be numeric; received dtype {values.dtype}. Convert it first, "
            "e.g. np.asarray(x, dtype='float32')."
        )
    if not values.size or values.dtype == np.bool_:
        return values
    low, high = float(values.min()), float(values.max())  # NaN and inf reach the extremes
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = int(np.size(values) - np.isfinite(values).sum())
        raise ValueError(f"`{name}` contains {bad} NaN or infinite values.")
    if value_range is not None:
        if low < value_range[0] or high > value_range[1]:
            raise ValueError(
                f"`{name}` values must lie in [{value_range[0]}, {value_range[1]}]; received "
                f"values in [{low:g}, {high:g}].{hint}"
            )
    largest = max(abs(low), abs(high))
    if max_magnitude is not None and largest >= max_magnitude:
        raise ValueError(
            f"`{name}` holds magnitudes up to {largest:.3g}, which overflow float32 "
            "arithmetic: scale the data first (e.g. mlzoo.datasets.minmax_scale or "
            "standardisation)."
        )
    return values


# Float32 squares and dot products overflow beyond ~1.8e19; 1e15 leaves room for sums.
MAX_MAGNITUDE = 1e15

_GUARD_TAG = "mlzoo-non-finite"


def check_batch(name: str, values, feature_shape: tuple | None, *, rows: int | None = None):
    """Generic checks of an array argument; returns it as numpy.

    At least one row; numeric; finite; magnitudes below `MAX_MAGNITUDE`; the
    sample shape `feature_shape` (None entries match any size; None skips the
    shape check); `rows` rows when given (labels matching their inputs).
    """
    array = check_values(name, values, max_magnitude=MAX_MAGNITUDE)
    if array.ndim == 0:
        raise ValueError(f"`{name}` must be a batch of samples; received a scalar.")
    if len(array) == 0:
        raise ValueError(
            f"`{name}` has 0 rows: pass at least one sample (check the slicing or filtering "
            "that produced it)."
        )
    if rows is not None and len(array) != rows:
        raise ValueError(
            f"`{name}` has {len(array)} rows but its inputs have {rows}: pass one entry per sample."
        )
    if feature_shape is not None and not _shape_matches(array.shape[1:], feature_shape):
        raise ValueError(
            f"`{name}` must have shape (num_samples, {_fmt(feature_shape)}); received shape "
            f"{array.shape}."
        )
    return array


def check_spec_shape(name: str, spec, feature_shape: tuple) -> None:
    """The static shape and dtype of a dataset's `tf.TensorSpec` (batched)."""
    shape = getattr(spec, "shape", None)
    dtype = getattr(spec, "dtype", None)
    if dtype is not None and not (dtype.is_floating or dtype.is_integer or dtype.is_bool):
        raise ValueError(
            f"`{name}` elements must be numeric; the dataset yields dtype {dtype.name}. Map them "
            "to numbers first (e.g. dataset.map(...) with tf.strings.to_number)."
        )
    if shape is None or shape.rank is None:
        return
    if not _shape_matches(tuple(shape)[1:], feature_shape):
        raise ValueError(
            f"`{name}` elements must have shape (batch, {_fmt(feature_shape)}); the dataset "
            f"yields shape {tuple(shape)}. Batch the dataset (dataset.batch(n)) and check its "
            "features."
        )


def check_sample_shape(name: str, value, shape: tuple, hint: str = "") -> None:
    """The per-sample shape of an array or of a dataset's `tf.TensorSpec` (e.g. labels)."""
    full = getattr(value, "shape", None)
    if full is None or getattr(full, "rank", 0) is None:
        return
    if not _shape_matches(tuple(full)[1:], shape):
        raise ValueError(
            f"`{name}` must have shape (num_samples, {_fmt(shape)}); received shape "
            f"{tuple(full)}.{hint}"
        )


def check_sample_weight(name: str, weights, rows: int) -> np.ndarray:
    """One finite, non-negative weight per sample."""
    array = check_values(name, weights)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or len(array) != rows:
        raise ValueError(
            f"`{name}` must hold one weight per sample, shape ({rows},); received shape "
            f"{array.shape}."
        )
    if (array < 0).any():
        raise ValueError(f"`{name}` must be non-negative; received minimum {array.min():g}.")
    return array


def check_class_labels(name: str, labels, num_classes: int, *, one_hot: bool | None = None):
    """Class labels: integers (N,) / (N, 1) in [0, C-1], or one-hot / probability rows (N, C).

    `num_classes=1` means one sigmoid unit: labels 0/1. `one_hot` forces one
    format (True: rows of C, e.g. for a categorical loss; False: integers, e.g.
    for a sparse loss); None accepts both. Returns the integer classes. A
    dataset's `tf.TensorSpec` has its shape checked (returns None).
    """
    hint = (
        " Pass integer class labels 0..C-1 (shape (N,) or (N, 1)) or one-hot rows (N, C); "
        "for one sigmoid output, labels 0/1."
    )
    if type(labels).__name__ == "TensorSpec":
        _check_label_spec(name, tuple(labels.shape), num_classes, one_hot, hint)
        return None
    array = check_values(name, labels)
    high = max(num_classes, 2)
    is_one_hot = array.ndim == 2 and array.shape[1] == num_classes and num_classes > 1
    if is_one_hot:
        if one_hot is False:
            raise ValueError(
                f"`{name}` holds one-hot rows {array.shape}, but the loss takes integer "
                f"classes: pass labels.argmax(1), or use a categorical loss.{hint}"
            )
        if array.min() < 0 or not np.allclose(array.sum(1), 1.0, atol=1e-3):
            raise ValueError(
                f"`{name}` of shape {array.shape} must be one-hot (or probability) rows summing "
                f"to 1.{hint}"
            )
        return array.argmax(1)
    if one_hot:
        raise ValueError(
            f"`{name}` must be one-hot rows of {num_classes}; received shape {array.shape}: "
            f"convert integer labels with mlzoo.datasets.one_hot(labels).{hint}"
        )
    if array.ndim > 2 or (array.ndim == 2 and array.shape[1] != 1):
        raise ValueError(
            f"`{name}` has shape {array.shape}, but the model has {num_classes} output(s).{hint}"
        )
    if array.size and ((array != np.round(array)).any() or array.min() < 0 or array.max() >= high):
        raise ValueError(
            f"`{name}` must hold integer classes in [0, {high - 1}]; received values in "
            f"[{array.min():g}, {array.max():g}].{hint}"
        )
    return array.reshape(-1).astype("int64")


def _check_label_spec(name: str, shape: tuple, num_classes: int, one_hot, hint: str) -> None:
    """`check_class_labels` for the static shape of a dataset's labels."""
    if not shape:
        return
    rows = len(shape) == 2 and shape[1] == num_classes and num_classes > 1
    integers = len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)
    if (rows and one_hot is not False) or (integers and not one_hot):
        return
    wanted = {True: f"one-hot rows (batch, {num_classes})", False: "integer classes (batch,)"}
    raise ValueError(
        f"`{name}` elements have shape {shape}; the model and its loss take "
        f"{wanted.get(one_hot, 'integer classes or one-hot rows')}.{hint}"
    )


def one_hot_for_loss(loss) -> bool | None:
    """The label format a compiled classification loss takes, for `check_class_labels`.

    False for sparse losses (integer classes); True for Keras' other losses,
    which compare labels with outputs entry by entry (one-hot rows); None for
    no loss or a custom one (either format).
    """
    if loss is None:
        return None
    name = (
        loss
        if isinstance(loss, str)
        else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    )
    if "sparse" in str(name).lower():
        return False
    module = getattr(loss, "__module__", "") or ""  # an instance's is its class's
    return True if isinstance(loss, str) or module.startswith("keras") else None


def reject_labels(model: str, where: str, hint: str = "") -> None:
    """Raise a `ValueError` when labels reach an unsupervised model's `fit`/`evaluate`."""
    raise ValueError(
        f"{model}.{where} takes no labels (the model is unsupervised); call {where}(x).{hint}"
    )


def reject_sample_weight(model: str, where: str, argument: str = "sample_weight") -> None:
    """Raise a `ValueError` for sample weights given to a model whose rule cannot weight samples."""
    raise ValueError(
        f"{model}.{where} does not support `{argument}`: its learning rule weights every sample "
        "alike. Drop the argument (or repeat/subsample rows to weight them)."
    )


def assert_finite_batch(data, where: str = "fit"):
    """`data` (a batch structure) with every floating tensor checked for NaN/inf.

    Runs inside a traced TensorFlow step or `tf.data` function; a bad batch
    raises there, and `guard_message` turns that error into a readable one at
    the model's boundary.
    """
    import tensorflow as tf

    def check(tensor):
        if tensor is None or not tensor.dtype.is_floating:
            return tensor
        message = f"{_GUARD_TAG}: `{where}` batch contains NaN or infinite values"
        return tf.debugging.assert_all_finite(tensor, message)

    return tf.nest.map_structure(check, data)


def guard_dataset(dataset, where: str):
    """`dataset` with every batch checked by `assert_finite_batch` as it streams."""

    def check(*element):
        checked = assert_finite_batch(element, where)
        return checked if len(checked) > 1 else checked[0]

    return dataset.map(check)


def guard_message(error: Exception) -> str | None:
    """The readable message of a `guard_dataset` failure, or None for any other error."""
    text = str(getattr(error, "message", error))
    if _GUARD_TAG not in text:
        return None
    return (
        "A batch of the input data holds NaN or infinite values; training would turn the "
        "weights into NaN. Clean the pipeline (e.g. dataset.filter on tf.math.is_finite, or "
        "fix the source), or opt out with model.check_dataset_values = False."
    )


def _shape_matches(shape: tuple, expected: tuple) -> bool:
    if len(shape) != len(expected):
        return False
    return all(
        want is None or got is None or got == want
        for got, want in zip(shape, expected, strict=True)
    )


def _fmt(shape) -> str:
    return ", ".join("?" if dim is None else str(dim) for dim in shape)
