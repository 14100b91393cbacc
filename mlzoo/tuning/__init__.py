"""KerasTuner HyperModels, one per builder (needs `pip install keras-tuner`)."""

from mlzoo.tuning.joint_hypermodel import JointMLPHyperModel
from mlzoo.tuning.mutual_hypermodel import MutualMLPHyperModel

__all__ = ["JointMLPHyperModel", "MutualMLPHyperModel"]
