"""Stopping rules Keras lacks: a relative-improvement patience and a target value."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import keras
import numpy as np

from mlzoo._checks import check_choice, check_positive_int


def check_min_relative_change(value) -> float:
    """`min_relative_change` as a float in [0, 1), or a `ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"`min_relative_change` must be in [0, 1); received {value!r}.")
    return float(value)


def stagnated(
    before: float, recent: Sequence[float], min_relative_change: float, mode: str
) -> bool:
    """Fahlman's patience rule: has the window `recent` failed to improve on `before`?

    `before` is the best value seen before the window. The window stagnates when
    its best value is not better than `(1 - min_relative_change) * before`
    (mode "min"; `1 +` and larger-is-better for "max").
    """
    sign = 1.0 if mode == "min" else -1.0
    best = sign * min(sign * float(v) for v in recent)
    threshold = before - min_relative_change * abs(before) * sign
    return (best - threshold) * sign >= 0


def reached(value: float, target: float, mode: str) -> bool:
    """Whether `value` has reached `target` (mode "max": >=; "min": <=); NaN never reaches."""
    return bool(value >= target) if mode == "max" else bool(value <= target)


def _monitored(callback, logs) -> float:
    logs = logs or {}
    if callback.monitor not in logs:
        raise ValueError(
            f"{type(callback).__name__} monitors {callback.monitor!r}, which is not in the logs; "
            f"the logs hold {sorted(logs)}. Pass one of them as `monitor`."
        )
    return float(logs[callback.monitor])


class Stagnation(keras.callbacks.Callback):
    """Stop when `monitor` has improved by less than a fraction in `patience` epochs.

    Fahlman & Lebiere's (1990) "patience": training stops once the best value
    of the last `patience` epochs is not better than `(1 - min_relative_change)`
    times (mode "min"; `1 +` for "max") the best value before them. Unlike
    `keras.callbacks.EarlyStopping`, whose `min_delta` is absolute, the rule does
    not depend on the scale of the quantity. A `monitor` missing from the logs
    is a `ValueError` at the first epoch's end.

    Examples:
        >>> import keras, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = keras.Sequential([keras.Input((64,)),
        ...                           keras.layers.Dense(10, activation="softmax")])
        >>> model.compile("adam", "sparse_categorical_crossentropy")
        >>> stagnation = Stagnation("loss", patience=3, min_relative_change=0.05)
        >>> history = model.fit(x, y, epochs=1000, batch_size=256, verbose=0,
        ...                     callbacks=[stagnation])
        >>> len(history.history["loss"]) < 1000   # stopped: the loss fell by < 5 % in 3 epochs
        True
    """

    def __init__(
        self,
        monitor: str = "loss",
        patience: int = 20,
        min_relative_change: float = 0.01,
        mode: str = "min",
    ):
        super().__init__()
        check_choice("mode", mode, ("min", "max"))
        self.min_relative_change = check_min_relative_change(min_relative_change)
        self.monitor, self.mode = monitor, mode
        self.patience = check_positive_int("patience", patience)

    def on_train_begin(self, logs=None):
        self.values: list[float] = []
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        self.values.append(_monitored(self, logs))
        if len(self.values) <= self.patience:
            return
        sign = 1.0 if self.mode == "min" else -1.0
        before = sign * min(sign * v for v in self.values[: -self.patience])
        recent = self.values[-self.patience :]
        if stagnated(before, recent, self.min_relative_change, self.mode):
            self.model.stop_training, self.stopped_epoch = True, epoch


class TargetReached(keras.callbacks.Callback):
    """Stop as soon as `monitor` reaches `target` (mode "max": >=; "min": <=).

    `target` must be a finite number; a `monitor` missing from the logs is a
    `ValueError` at the first epoch's end (a misspelled name would otherwise
    never stop training).

    Examples:
        >>> import keras, mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = keras.Sequential([keras.Input((64,)),
        ...                           keras.layers.Dense(10, activation="softmax")])
        >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> history = model.fit(x, y, epochs=1000, batch_size=256, verbose=0,
        ...                     callbacks=[TargetReached("accuracy", 0.9)])
        >>> len(history.history["accuracy"]) < 1000, history.history["accuracy"][-1] >= 0.9
        (True, True)
    """

    def __init__(self, monitor: str, target: float, mode: str = "max"):
        super().__init__()
        check_choice("mode", mode, ("min", "max"))
        if isinstance(target, bool) or not isinstance(target, numbers.Real):
            raise ValueError(f"`target` must be a number; received target={target!r}.")
        if not np.isfinite(target):
            raise ValueError(
                f"`target` must be finite; received target={target!r}, which is never reached."
            )
        self.monitor, self.target, self.mode = monitor, float(target), mode

    def on_train_begin(self, logs=None):
        self.reached_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if reached(_monitored(self, logs), self.target, self.mode):
            self.model.stop_training, self.reached_epoch = True, epoch
