"""Model builders."""

from mlzoo.models import mutual
from mlzoo.models.mutual import MutualMLP, build_mutual_mlp

__all__ = ["MutualMLP", "build_mutual_mlp", "mutual"]
