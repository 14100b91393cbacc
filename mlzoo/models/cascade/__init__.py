"""Cascade-correlation (Fahlman & Lebiere 1990): the BP lecture's constructive network."""

from mlzoo.models.cascade.cascade_correlation import CascadeCorrelation
from mlzoo.models.cascade.network import cascade_network

__all__ = ["CascadeCorrelation", "cascade_network"]
