"""Callback that alternates positive and negative learning (Procedure 1)."""

from __future__ import annotations

import keras

from mlzoo._checks import check_positive_int
from mlzoo.callbacks._phase_model import require_phase_model


class AlternatingDirection(keras.callbacks.Callback):
    """Toggle a mutual learning model between positive and negative learning.

    One iteration of Procedure 1 (Liu et al. 2017, section 6.3) is a positive
    pass over all batches (steps 3-5) followed by a negative pass (steps 7-9).
    With `unit="epoch"` the model learns positively for `period` epochs, then
    negatively for `period` epochs, and so on, starting positive; the phase is
    a function of the epoch index, so a run resumed by
    `keras.callbacks.BackupAndRestore` continues the same schedule.
    With `unit="batch"` the switch happens every `period` training steps inside
    the traced step (it also works with `steps_per_execution > 1`).

    Args:
        period: epochs (or batches) per direction, >= 1.
        unit: "epoch" or "batch".

    Examples:
        >>> import mlzoo
        >>> (x, y), _ = mlzoo.datasets.load("digits", scale=True)
        >>> model = mlzoo.build_mutual_mlp(64, 30, 10)
        >>> model.compile("sgd")
        >>> history = model.fit(x, mlzoo.datasets.one_hot(y), epochs=4, verbose=0,
        ...                     callbacks=[AlternatingDirection()])
        >>> history.history["negative_phase"]   # positive, negative, positive, negative
        [0.0, 1.0, 0.0, 1.0]
    """

    def __init__(self, period: int = 1, unit: str = "epoch"):
        super().__init__()
        self.period = check_positive_int("period", period)
        if unit not in ("epoch", "batch"):
            raise ValueError(f"`unit` must be 'epoch' or 'batch'; received unit={unit!r}.")
        self.unit = unit

    def on_train_begin(self, logs=None):
        require_phase_model(type(self).__name__, self.model)
        self.model.direction_period_batches.assign(self.period if self.unit == "batch" else 0)
        self.model.negative_phase.assign(0)

    def on_epoch_begin(self, epoch, logs=None):
        if self.unit == "epoch":
            self.model.negative_phase.assign((epoch // self.period) % 2)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self.unit == "epoch":
            # 0 once ConversionRateScheduler has ended mutual learning.
            negative = self.model.is_negative_step()
            logs["negative_phase"] = float(keras.ops.convert_to_numpy(negative))

    def on_train_end(self, logs=None):
        self.model.negative_phase.assign(0)
        self.model.direction_period_batches.assign(0)

    def get_config(self):
        return {"period": self.period, "unit": self.unit}
