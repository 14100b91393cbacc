"""Callback that converts mutual learning into plain positive training (section 8)."""

from __future__ import annotations

import keras

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo._rounding import round_half_up
from mlzoo.callbacks._phase_model import check_total_epochs, require_phase_model


class ConversionRateScheduler(keras.callbacks.Callback):
    """Mutual learning for the first epochs, standard positive learning after.

    The mutual learning conversion method of Liu et al. 2017 (section 8; the
    EPT-ML and EIT-ML modes of section 7.1): mutual learning finds a good
    starting point, then the negative pass is dropped. The first
    `rate * total_epochs` epochs (halves rounded up) follow the direction set by
    `AlternatingDirection`; every later epoch is a positive epoch.

    `rate` is a fraction of *epochs*. The paper's conversion rate ε counts
    mutual *iterations* (a positive plus a negative epoch each) against the
    STD-PL budget K; `mlzoo.models.mutual.training_plan` converts ε into the
    epochs and callbacks of each mode of Table 1.

    Args:
        rate: fraction of `total_epochs` spent in mutual learning, in [0, 1].
        total_epochs: the number of epochs passed to `fit` (another `epochs` in
            `fit` is an error when training begins: the schedule would be wrong).

    Examples:
        >>> from mlzoo.callbacks import AlternatingDirection
        >>> # 10 mutual epochs (5 iterations), then 90 positive epochs.
        >>> callbacks = [AlternatingDirection(), ConversionRateScheduler(0.1, 100)]
    """

    def __init__(self, rate: float, total_epochs: int):
        super().__init__()
        self.rate = check_fraction("rate", rate)
        self.total_epochs = check_positive_int("total_epochs", total_epochs)

    @property
    def conversion_epoch(self) -> int:
        """Index of the first epoch of plain positive training."""
        return round_half_up(self.rate * self.total_epochs)

    def on_train_begin(self, logs=None):
        require_phase_model(type(self).__name__, self.model)
        check_total_epochs(type(self).__name__, self.total_epochs, self.params)

    def on_epoch_begin(self, epoch, logs=None):
        self.model.mutual_learning.assign(1 if epoch < self.conversion_epoch else 0)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["mutual_learning"] = float(self.model.mutual_learning.numpy())

    def on_train_end(self, logs=None):
        self.model.mutual_learning.assign(1)

    def get_config(self):
        return {"rate": self.rate, "total_epochs": self.total_epochs}
