"""KerasTuner HyperModels, one per builder (needs `pip install keras-tuner`)."""

from mlzoo.tuning.art_hypermodel import FuzzyARTMAPHyperModel
from mlzoo.tuning.cascade_hypermodel import CascadeCorrelationHyperModel
from mlzoo.tuning.elman_hypermodel import ElmanNetworkHyperModel
from mlzoo.tuning.joint_hypermodel import JointMLPHyperModel
from mlzoo.tuning.mutual_hypermodel import MutualMLPHyperModel
from mlzoo.tuning.rbf_hypermodel import RBFNetworkHyperModel
from mlzoo.tuning.rbm_hypermodel import RBMHyperModel
from mlzoo.tuning.saliency_hypermodel import SaliencyPretrainingHyperModel
from mlzoo.tuning.sharing_hypermodel import SharingEnsembleHyperModel, loss_weights_for
from mlzoo.tuning.som_hypermodel import SelfOrganizingMapHyperModel

__all__ = [
    "CascadeCorrelationHyperModel",
    "ElmanNetworkHyperModel",
    "FuzzyARTMAPHyperModel",
    "JointMLPHyperModel",
    "MutualMLPHyperModel",
    "RBFNetworkHyperModel",
    "RBMHyperModel",
    "SaliencyPretrainingHyperModel",
    "SelfOrganizingMapHyperModel",
    "SharingEnsembleHyperModel",
    "loss_weights_for",
]
