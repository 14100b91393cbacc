"""Custom Keras layers."""

from mlzoo.layers.tied_transpose_dense import TiedTransposeDense

__all__ = ["TiedTransposeDense"]
