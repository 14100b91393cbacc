"""Joint learning: adaptive activations by information maximisation plus the task loss."""

from mlzoo.models.joint.joint_mlp import JointMLP, build_joint_mlp

__all__ = ["JointMLP", "build_joint_mlp"]
