"""Restricted Boltzmann machines (Hinton et al. 2006): the model, its energy and sampling."""

from mlzoo.models.rbm.energy import (
    energy,
    free_energy,
    hidden_probabilities,
    pseudo_log_likelihood,
    visible_mean,
)
from mlzoo.models.rbm.rbm import RBM

__all__ = [
    "RBM",
    "energy",
    "free_energy",
    "hidden_probabilities",
    "pseudo_log_likelihood",
    "visible_mean",
]
