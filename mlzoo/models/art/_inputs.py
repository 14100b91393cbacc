"""Clear errors for ART inputs: the family's checks of `check_data`, status codes from the step.

Arrays (and a dataset's element specs) are checked by `ZooModel` and then by
these rules before Keras traces anything. Values from a `tf.data.Dataset`
are only seen inside the traced step, which then sets a status code instead
of raising; `fit`/`evaluate`/`predict` turn a non-zero code into the
`ValueError` written by `status_message`. (NaN/inf in a dataset is caught
earlier by the base's dataset guard.)
"""

from __future__ import annotations

import numpy as np

from mlzoo._checks import check_class_labels, check_sample_shape, check_values

OK, CAPACITY_EXHAUSTED, BAD_FEATURES, BAD_LABELS = 0, 1, 2, 3

SCALING_HINT = (
    " ART compares features as fuzzy sets: scale each feature to [0, 1] first, e.g. with "
    "sklearn.preprocessing.MinMaxScaler (clip=True) or mlzoo.datasets.minmax_scale."
)
BINARY_HINT = " ART1 takes binary features (0 or 1): threshold the data first, e.g. x > 0.5."
LABEL_HINT = " Pass integer classes 0..C-1, shape (N,) or (N, 1), or one-hot rows (N, C)."


def check_features(model, x, where: str) -> None:
    """Values in [0, 1] (ART1: in {0, 1}); a dataset's spec has nothing more to show.

    The base (`ZooModel`) has checked the shape, dtype and finiteness already.
    """
    if _is_spec(x):
        return  # values from a dataset are checked inside the step
    name = f"{where} x"
    if model.binary_input:
        if not np.isin(np.asarray(x), (0, 1)).all():
            raise ValueError(f"`{name}` must hold only 0 and 1.{BINARY_HINT}")
    else:
        check_values(name, x, value_range=(0.0, 1.0), hint=SCALING_HINT)


def _is_spec(value) -> bool:
    """Whether `value` is a dataset's `tf.TensorSpec` (without importing TensorFlow)."""
    return type(value).__name__ == "TensorSpec"


def check_labels(model, y, where: str) -> None:
    """ARTMAP labels: integer classes 0..C-1 ((N,) or (N, 1)) or exact one-hot rows (N, C)."""
    name, classes = f"{where} y", model.num_classes
    if y is None:
        if where != "predict":
            raise ValueError(
                f"{type(model).__name__} learns from labels, but the `{where}` dataset yields "
                f"none: make its elements (x, y).{LABEL_HINT}"
            )
        return
    if _is_spec(y):
        if not (y.dtype.is_floating or y.dtype.is_integer or y.dtype.is_bool):
            raise ValueError(
                f"`{name}` elements must be numeric classes; the dataset yields dtype "
                f"{y.dtype.name}.{LABEL_HINT}"
            )
        check_sample_shape(name, y, () if y.shape.rank == 1 else (None,), LABEL_HINT)
        if y.shape.rank == 2 and y.shape[-1] not in (None, 1, classes):
            raise ValueError(
                f"`{name}` elements have shape {tuple(y.shape)}, but the model has {classes} "
                f"classes.{LABEL_HINT}"
            )
        return
    indices = check_class_labels(name, y, classes)
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] == classes > 1:
        if not np.isin(labels, (0, 1)).all():
            raise ValueError(f"`{name}` of shape {labels.shape} must be one-hot rows.{LABEL_HINT}")
    elif indices.max() >= classes:
        raise ValueError(
            f"`{name}` must hold integer classes in [0, {classes - 1}]; received values in "
            f"[{indices.min()}, {indices.max()}].{LABEL_HINT}"
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
