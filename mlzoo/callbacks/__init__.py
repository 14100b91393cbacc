"""Training callbacks."""

from mlzoo.callbacks.accuracy_vote_weights import AccuracyVoteWeights, accuracy_vote_weights
from mlzoo.callbacks.activation_stats import ActivationStats
from mlzoo.callbacks.alternating_direction import AlternatingDirection
from mlzoo.callbacks.conversion_rate_scheduler import ConversionRateScheduler
from mlzoo.callbacks.ip_rate_scheduler import IPRateScheduler, linear_decay
from mlzoo.callbacks.lr_shrink import LRShrink, shrink_counts
from mlzoo.callbacks.plateau_perturbation import PlateauPerturbation
from mlzoo.callbacks.som_decay import SOMDecay
from mlzoo.callbacks.stopping import Stagnation, TargetReached

__all__ = [
    "AccuracyVoteWeights",
    "ActivationStats",
    "AlternatingDirection",
    "ConversionRateScheduler",
    "IPRateScheduler",
    "LRShrink",
    "PlateauPerturbation",
    "SOMDecay",
    "Stagnation",
    "TargetReached",
    "accuracy_vote_weights",
    "linear_decay",
    "shrink_counts",
]
