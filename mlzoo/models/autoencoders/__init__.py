"""Saliency-assisted autoencoders (seed 003): greedy layer-wise pre-training, then fine-tuning."""

from mlzoo.models.autoencoders.auxiliary import build_auxiliary_stack
from mlzoo.models.autoencoders.classifier import (
    PretrainableClassifier,
    build_pretrainable_cnn,
    build_pretrainable_mlp,
)
from mlzoo.models.autoencoders.layerwise import LayerwiseAutoencoder
from mlzoo.models.autoencoders.plan import METHODS, StagePlan, stage_plans
from mlzoo.models.autoencoders.pretrainer import GreedyPretrainer

__all__ = [
    "METHODS",
    "GreedyPretrainer",
    "LayerwiseAutoencoder",
    "PretrainableClassifier",
    "StagePlan",
    "build_auxiliary_stack",
    "build_pretrainable_cnn",
    "build_pretrainable_mlp",
    "stage_plans",
]
