"""Custom Keras layers."""

from mlzoo.layers.adaptive_sigmoid import AdaptiveSigmoid
from mlzoo.layers.adaptive_tanh import AdaptiveTanh
from mlzoo.layers.ensemble_vote import EnsembleVote
from mlzoo.layers.masking_noise import MaskingNoise
from mlzoo.layers.max_pool_sparsify import MaxPoolSparsify
from mlzoo.layers.radial_basis import RadialBasis
from mlzoo.layers.saliency_reconstruction_head import SaliencyReconstructionHead
from mlzoo.layers.tied_conv2d_transpose import TiedConv2DTranspose
from mlzoo.layers.tied_transpose_dense import TiedTransposeDense

__all__ = [
    "AdaptiveSigmoid",
    "AdaptiveTanh",
    "EnsembleVote",
    "MaskingNoise",
    "MaxPoolSparsify",
    "RadialBasis",
    "SaliencyReconstructionHead",
    "TiedConv2DTranspose",
    "TiedTransposeDense",
]
