"""Loss classes."""

from mlzoo.losses.foreground_weighted_mse import (
    ForegroundWeightedMSE,
    foreground_weights,
    pack_foreground_target,
)
from mlzoo.losses.squared_error import SquaredError

__all__ = ["ForegroundWeightedMSE", "SquaredError", "foreground_weights", "pack_foreground_target"]
