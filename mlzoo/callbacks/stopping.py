"""Stopping rules Keras lacks: a relative-improvement patience and a target value."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo._checks import check_choice, check_positive_int


class Stagnation(keras.callbacks.Callback):
    """Stop when `monitor` has improved by less than a fraction in `patience` epochs.

    Fahlman & Lebiere's (1990) "patience": training stops once the best value
    of the last `patience` epochs is not better than `(1 - min_relative_change)`
    times (mode "min"; `1 +` for "max") the best value before them. Unlike
    `keras.callbacks.EarlyStopping`, whose `min_delta` is absolute, the rule does
    not depend on the scale of the quantity.

    >>> model.fit(x, y, epochs=1000, callbacks=[Stagnation("loss", patience=20)])
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
        if not 0 <= min_relative_change < 1:
            raise ValueError(
                f"`min_relative_change` must be in [0, 1); received {min_relative_change!r}."
            )
        self.monitor, self.mode = monitor, mode
        self.patience = check_positive_int("patience", patience)
        self.min_relative_change = float(min_relative_change)

    def on_train_begin(self, logs=None):
        self.values: list[float] = []
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise KeyError(f"Stagnation monitors {self.monitor!r}, which is not in the logs.")
        self.values.append(float(value))
        if len(self.values) <= self.patience:
            return
        sign = 1.0 if self.mode == "min" else -1.0
        before = sign * min(sign * v for v in self.values[: -self.patience])
        recent = sign * min(sign * v for v in self.values[-self.patience :])
        threshold = before - self.min_relative_change * abs(before) * sign
        if (recent - threshold) * sign >= 0:
            self.model.stop_training, self.stopped_epoch = True, epoch


class TargetReached(keras.callbacks.Callback):
    """Stop as soon as `monitor` reaches `target` (mode "max": >=; "min": <=).

    >>> model.fit(x, y, epochs=1000, callbacks=[TargetReached("accuracy", 1.0)])
    """

    def __init__(self, monitor: str, target: float, mode: str = "max"):
        super().__init__()
        check_choice("mode", mode, ("min", "max"))
        self.monitor, self.target, self.mode = monitor, float(target), mode

    def on_train_begin(self, logs=None):
        self.reached_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None or not np.isfinite(value):
            return
        if (value >= self.target) if self.mode == "max" else (value <= self.target):
            self.model.stop_training, self.reached_epoch = True, epoch
