"""Mutual learning neural network (Liu et al. 2017)."""

from mlzoo.models.mutual.mutual_mlp import MutualMLP, build_mutual_mlp
from mlzoo.models.mutual.training_plan import MODES, TrainingPlan, training_plan

__all__ = ["MODES", "MutualMLP", "TrainingPlan", "build_mutual_mlp", "training_plan"]
