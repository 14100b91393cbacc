"""The Elman network (BP lecture, seed 002; Elman 1990): a simple recurrent network."""

from mlzoo.models.elman.network import ElmanNetwork, build_elman_network

__all__ = ["ElmanNetwork", "build_elman_network"]
