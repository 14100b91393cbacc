"""Custom Keras weight constraints."""

from mlzoo.constraints.min_value import MinValue

__all__ = ["MinValue"]
