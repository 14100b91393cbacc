"""Clear errors for ART inputs: numpy checks before tracing, status codes from inside the step.

Arrays are checked in Python before Keras traces anything. Values from a
`tf.data.Dataset` are only seen inside the traced step, which then sets a
status code instead of raising; `fit`/`evaluate`/`predict` turn a non-zero
code into the `ValueError` written by `status_message`.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from mlzoo._checks import check_array, check_spec, check_values

OK, CAPACITY_EXHAUSTED, BAD_FEATURES, BAD_LABELS = 0, 1, 2, 3

SCALING_HINT = (
    " ART compares features as fuzzy sets: scale each feature to [0, 1] first, e.g. with "
    "sklearn.preprocessing.MinMaxScaler (clip=True) or mlzoo.datasets.minmax_scale."
)
BINARY_HINT = " ART1 takes binary features (0 or 1): threshold the data first, e.g. x > 0.5."
LABEL_HINT = " Pass integer classes 0..C-1, shape (N,) or (N, 1), or one-hot rows (N, C)."


def check_features(model, x, where: str) -> None:
    """Shape (N, input_dim), finite, in [0, 1] (ART1: in {0, 1}); datasets: the shape only."""
    name = f"{where} x"
    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        parts = spec if isinstance(spec, tuple) else (spec,)
        check_spec(name, parts[0], last_dim=model.input_dim)
        has_labels = len(parts) > 1 and parts[1] is not None
        if where != "predict" and has_labels != model.supervised:
            raise ValueError(_labels_expected(model, "the dataset"))
        return
    check_array(name, x, last_dim=model.input_dim)
    if not hasattr(x, "shape"):
        return
    if model.binary_input:
        if not np.isin(np.asarray(x), (0, 1)).all():
            raise ValueError(f"`{name}` must hold only 0 and 1.{BINARY_HINT}")
    else:
        check_values(name, x, value_range=(0.0, 1.0), hint=SCALING_HINT)


def check_labels(model, x, y, where: str) -> None:
    """No labels for the clustering models; integer or one-hot classes for ARTMAP."""
    if isinstance(x, tf.data.Dataset) or where == "predict":
        return
    if (y is not None) != model.supervised:
        raise ValueError(_labels_expected(model, f"`{where}`"))
    if y is None or not hasattr(y, "shape"):
        return
    name, classes = f"{where} y", model.num_classes
    labels = check_values(name, y)
    if hasattr(x, "shape") and len(labels) != len(x):
        raise ValueError(f"`{where} x` has {len(x)} samples but `{name}` has {len(labels)}.")
    if labels.ndim == 2 and labels.shape[1] == classes > 1:
        if not (np.isin(labels, (0, 1)).all() and (labels.sum(axis=1) == 1).all()):
            raise ValueError(f"`{name}` of shape {labels.shape} must be one-hot rows.{LABEL_HINT}")
        return
    if labels.ndim > 2 or (labels.ndim == 2 and labels.shape[1] != 1):
        raise ValueError(
            f"`{name}` has shape {labels.shape}, but the model has {classes} classes.{LABEL_HINT}"
        )
    if labels.size and (
        (labels != np.round(labels)).any() or labels.min() < 0 or labels.max() >= classes
    ):
        raise ValueError(
            f"`{name}` must hold integer classes in [0, {classes - 1}]; received values in "
            f"[{labels.min():g}, {labels.max():g}].{LABEL_HINT}"
        )


def status_message(model, status: int, where: str) -> str:
    """The error for a status code set inside the traced step."""
    name = type(model).__name__
    if status == CAPACITY_EXHAUSTED:
        return (
            f"{name} ran out of categories in `{where}`: all max_categories="
            f"{model.max_categories} are committed and a sample resonated with none of them "
            f"at vigilance={model.vigilance}. Raise `max_categories` or lower `vigilance`; "
            f"the weights hold what was learned before that sample."
        )
    if status == BAD_FEATURES:
        allowed = "0 or 1" if model.binary_input else "finite values in [0, 1]"
        hint = BINARY_HINT if model.binary_input else SCALING_HINT
        return f"`{where} x`: a batch from the dataset holds values other than {allowed}.{hint}"
    return (
        f"`{where} y`: a batch from the dataset holds labels that are not classes in "
        f"[0, {model.num_classes - 1}].{LABEL_HINT}"
    )


def _labels_expected(model, source: str) -> str:
    kind = type(model).__name__
    if model.supervised:
        return f"{kind} learns from labels, but {source} passes none: give `y`.{LABEL_HINT}"
    return (
        f"{kind} clusters without labels, but {source} passes labels (`y`): drop them, or use "
        "FuzzyARTMAP to classify."
    )
