"""Radial-basis-function networks (BP lecture, seed 002)."""

from mlzoo.models.rbf.centres import CENTRE_METHODS, init_centres, width_heuristic
from mlzoo.models.rbf.network import RBFNetwork, build_rbf_network

__all__ = ["CENTRE_METHODS", "RBFNetwork", "build_rbf_network", "init_centres", "width_heuristic"]
