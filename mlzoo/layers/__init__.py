"""Custom Keras layers."""

from mlzoo.layers.adaptive_sigmoid import AdaptiveSigmoid
from mlzoo.layers.adaptive_tanh import AdaptiveTanh
from mlzoo.layers.ensemble_vote import EnsembleVote
from mlzoo.layers.tied_transpose_dense import TiedTransposeDense

__all__ = ["AdaptiveSigmoid", "AdaptiveTanh", "EnsembleVote", "TiedTransposeDense"]
