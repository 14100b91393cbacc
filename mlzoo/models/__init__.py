"""Model builders."""

from mlzoo.models import joint, mutual
from mlzoo.models.joint import JointMLP, build_joint_mlp
from mlzoo.models.mutual import MutualMLP, build_mutual_mlp

__all__ = ["JointMLP", "MutualMLP", "build_joint_mlp", "build_mutual_mlp", "joint", "mutual"]
