"""Every mlzoo model: the `ZooModel` base, the registry (`names`, `get`) and the families."""

from mlzoo.models import (
    art,
    autoencoders,
    cascade,
    dbn,
    elman,
    joint,
    mutual,
    rbf,
    rbm,
    sharing,
    som,
)
from mlzoo.models.art import ART1, FuzzyART, FuzzyARTMAP
from mlzoo.models.autoencoders import (
    GreedyPretrainer,
    build_pretrainable_cnn,
    build_pretrainable_mlp,
)
from mlzoo.models.cascade import CascadeCorrelation
from mlzoo.models.elman import ElmanNetwork, build_elman_network
from mlzoo.models.joint import JointMLP, build_joint_mlp
from mlzoo.models.lecture_mlp import build_lecture_mlp
from mlzoo.models.mutual import MutualMLP, build_mutual_mlp
from mlzoo.models.rbf import RBFNetwork, build_rbf_network
from mlzoo.models.rbm import RBM
from mlzoo.models.registry import get, names, register
from mlzoo.models.sharing import (
    SharingEnsemble,
    attach_sharing_ensemble,
    build_sharing_ensemble_cnn,
    build_sharing_ensemble_mlp,
    build_sharing_ensemble_rnn,
)
from mlzoo.models.som import SelfOrganizingMap
from mlzoo.models.zoo_model import DirectedMean, ZooModel

__all__ = [
    "DirectedMean",
    "ZooModel",
    "get",
    "names",
    "register",
    "ART1",
    "FuzzyART",
    "FuzzyARTMAP",
    "CascadeCorrelation",
    "ElmanNetwork",
    "GreedyPretrainer",
    "JointMLP",
    "MutualMLP",
    "RBFNetwork",
    "RBM",
    "SelfOrganizingMap",
    "SharingEnsemble",
    "attach_sharing_ensemble",
    "art",
    "autoencoders",
    "cascade",
    "dbn",
    "elman",
    "build_elman_network",
    "build_joint_mlp",
    "build_lecture_mlp",
    "build_mutual_mlp",
    "build_pretrainable_cnn",
    "build_pretrainable_mlp",
    "build_rbf_network",
    "build_sharing_ensemble_cnn",
    "build_sharing_ensemble_mlp",
    "build_sharing_ensemble_rnn",
    "joint",
    "mutual",
    "rbf",
    "rbm",
    "sharing",
    "som",
]
