"""Learning-rate shrink schedule, Algorithm 1 of Liu et al. 2017."""

from __future__ import annotations

import keras
import numpy as np

from mlzoo._checks import check_positive_int
from mlzoo.callbacks._phase_model import check_total_epochs


def shrink_counts(total_epochs: int, scale_index: float, change_times: int) -> list[int]:
    """Number of shrinks applied by iteration i = 1..K of Algorithm 1.

    ::

        ChangeIndex = K * ScaleIndex
        for i = 1..K:
            if i > ChangeIndex and CurTimes < ChangeTimes:
                ChangeIndex = i + ScaleIndex * (K - i)
                CurLr = CurLr * ScaleLr
                CurTimes = CurTimes + 1

    Returns a list whose entry i-1 is `CurTimes` after iteration i's check, so the
    learning rate of iteration i is `initial * ScaleLr ** counts[i - 1]`.
    """
    change_index = total_epochs * scale_index
    times, counts = 0, []
    for i in range(1, total_epochs + 1):
        if i > change_index and times < change_times:
            change_index = i + scale_index * (total_epochs - i)
            times += 1
        counts.append(times)
    return counts


class LRShrink(keras.callbacks.Callback):
    """Shrink the learning rate as in Algorithm 1 of Liu et al. 2017 (section 7.2).

    After `scale_index * K` epochs the rate is multiplied by `scale_lr`; the
    next change comes after a further `scale_index` of the remaining epochs,
    at most `change_times` times. One epoch is one iteration i of the
    algorithm. The paper uses `scale_index = scale_lr = 2/3`, `change_times=4`
    on UCI data and `1/2, 1/2, 8` on images.

    The rate of each epoch is a function of the epoch index and the initial
    rate, so interrupting and resuming with `keras.callbacks.BackupAndRestore`
    (which restores the optimizer's rate) gives the same schedule.

    Args:
        scale_index: ScaleIndex, in (0, 1).
        scale_lr: ScaleLr, the factor of each change, in (0, 1].
        change_times: ChangeTimes, the most changes, >= 0.
        total_epochs: K, the epochs passed to `fit` (another `epochs` in `fit` is
            an error when training begins: the schedule would be wrong).
        initial_learning_rate: the rate of epoch 1; default: the optimizer's
            rate when training starts (divided by the shrinks already applied
            when training resumes at a later epoch).

    Examples:
        >>> LRShrink(2 / 3, 2 / 3, 4, total_epochs=30).learning_rates(0.2)[18:22].round(4)
        array([0.2   , 0.2   , 0.1333, 0.1333])
    """

    def __init__(
        self,
        scale_index: float,
        scale_lr: float,
        change_times: int,
        total_epochs: int,
        initial_learning_rate: float | None = None,
    ):
        super().__init__()
        if not 0 < scale_index < 1:
            raise ValueError(f"`scale_index` must be in (0, 1); received {scale_index!r}.")
        if not 0 < scale_lr <= 1:
            raise ValueError(f"`scale_lr` must be in (0, 1]; received {scale_lr!r}.")
        if isinstance(change_times, bool) or not isinstance(change_times, int) or change_times < 0:
            raise ValueError(
                f"`change_times` must be a non-negative integer; received {change_times!r}."
            )
        if initial_learning_rate is not None and not initial_learning_rate > 0:
            raise ValueError(
                f"`initial_learning_rate` must be positive; received {initial_learning_rate!r}."
            )
        self.scale_index = float(scale_index)
        self.scale_lr = float(scale_lr)
        self.change_times = change_times
        self.total_epochs = check_positive_int("total_epochs", total_epochs)
        self.initial_learning_rate = initial_learning_rate
        self._counts = shrink_counts(self.total_epochs, self.scale_index, change_times)
        self._base_rate = initial_learning_rate

    def _count(self, epoch: int) -> int:
        """Shrinks in force during 0-based `epoch` (iteration epoch + 1)."""
        if epoch < 0:
            return 0
        return self._counts[min(epoch, self.total_epochs - 1)]

    def learning_rates(self, initial_learning_rate: float) -> np.ndarray:
        """The rate of every epoch 1..K for a given initial rate."""
        return initial_learning_rate * self.scale_lr ** np.asarray(self._counts, dtype=float)

    def on_train_begin(self, logs=None):
        check_total_epochs(type(self).__name__, self.total_epochs, self.params)
        # A LossScaleOptimizer (mixed precision) reports its inner optimizer's rate.
        optimizer = getattr(self.model.optimizer, "inner_optimizer", self.model.optimizer)
        if isinstance(
            getattr(optimizer, "_learning_rate", None),
            keras.optimizers.schedules.LearningRateSchedule,
        ):
            raise ValueError(
                "LRShrink sets the learning rate itself; compile with a float learning rate, "
                "not a LearningRateSchedule."
            )

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if self._base_rate is None:
            current = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            self._base_rate = current / self.scale_lr ** self._count(epoch - 1)
        optimizer.learning_rate = self._base_rate * self.scale_lr ** self._count(epoch)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(
                keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)
            )

    def get_config(self):
        return {
            "scale_index": self.scale_index,
            "scale_lr": self.scale_lr,
            "change_times": self.change_times,
            "total_epochs": self.total_epochs,
            "initial_learning_rate": self.initial_learning_rate,
        }
