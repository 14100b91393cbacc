"""mlzoo: Keras 3 layers, callbacks and builders for methods that exist only as papers.

Examples:
    >>> from mlzoo import build_mutual_mlp
"""

from mlzoo._backend import check_backend

check_backend()

from mlzoo import (
    callbacks,
    constraints,
    datasets,
    distribution,
    layers,
    losses,
    models,
    presets,
    regularization,
    saliency,
    visualization,
)
from mlzoo._version import __version__
from mlzoo.models import ZooModel
from mlzoo.models.art import ART1, FuzzyART, FuzzyARTMAP
from mlzoo.models.autoencoders import (
    GreedyPretrainer,
    PretrainableClassifier,
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
from mlzoo.models.sharing import (
    SharingEnsemble,
    attach_sharing_ensemble,
    build_sharing_ensemble_cnn,
    build_sharing_ensemble_mlp,
    build_sharing_ensemble_rnn,
)
from mlzoo.models.som import SelfOrganizingMap

__all__ = [
    "ART1",
    "CascadeCorrelation",
    "ElmanNetwork",
    "FuzzyART",
    "FuzzyARTMAP",
    "GreedyPretrainer",
    "JointMLP",
    "MutualMLP",
    "PretrainableClassifier",
    "RBFNetwork",
    "RBM",
    "SelfOrganizingMap",
    "SharingEnsemble",
    "ZooModel",
    "__version__",
    "attach_sharing_ensemble",
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
    "callbacks",
    "constraints",
    "datasets",
    "distribution",
    "layers",
    "losses",
    "models",
    "presets",
    "regularization",
    "saliency",
    "visualization",
]
