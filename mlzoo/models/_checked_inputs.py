"""`fit`, `evaluate` and `predict` that check their inputs before Keras traces anything."""

from __future__ import annotations


class CheckedInputs:
    """Mixin for a `keras.Model`: every entry point calls `self._check_xy(x, y, where)` first.

    `where` is "fit", "validation", "evaluate" or "predict" (then `y` is None);
    `_check_xy` raises a `ValueError` that names the problem (shape, label
    format, NaN), instead of a traceback from inside the traced step.
    """

    def _check_xy(self, x, y, where: str) -> None:
        raise NotImplementedError

    def fit(self, x=None, y=None, *args, validation_data=None, **kwargs):
        self._check_xy(x, y, "fit")
        if isinstance(validation_data, (tuple, list)) and len(validation_data) >= 2:
            self._check_xy(validation_data[0], validation_data[1], "validation")
        return super().fit(x, y, *args, validation_data=validation_data, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        self._check_xy(x, y, "evaluate")
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self._check_xy(x, None, "predict")
        return super().predict(x, *args, **kwargs)
