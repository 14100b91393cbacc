"""Deep sharing ensembles (Du et al.): output heads on hidden layers, trained jointly, voting."""

from mlzoo.models.sharing.attach import attach_sharing_ensemble
from mlzoo.models.sharing.cnn import build_sharing_ensemble_cnn
from mlzoo.models.sharing.mlp import build_sharing_ensemble_mlp, pyramid_widths
from mlzoo.models.sharing.rnn import build_sharing_ensemble_rnn
from mlzoo.models.sharing.sharing_ensemble import SharingEnsemble

__all__ = [
    "SharingEnsemble",
    "attach_sharing_ensemble",
    "build_sharing_ensemble_cnn",
    "build_sharing_ensemble_mlp",
    "build_sharing_ensemble_rnn",
    "pyramid_widths",
]
