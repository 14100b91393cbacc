"""Loss classes."""

from mlzoo.losses.squared_error import SquaredError

__all__ = ["SquaredError"]
