"""Saliency maps: geodesic saliency with background priors (Wei et al., ECCV 2012).

Examples:
    >>> from mlzoo.saliency import geodesic_saliency, saliency_tf, with_saliency
"""

from mlzoo.saliency.geodesic import geodesic_saliency, saliency_tf, with_saliency

__all__ = ["geodesic_saliency", "saliency_tf", "with_saliency"]
