"""Presets of seed 003, saliency-assisted autoencoders (thesis): sections 2.4 and 3.4.

Common to every preset (sections 1.2.2, 2.3, 2.4.3): unsupervised greedy
pre-training on STL-10's 100,000 unlabelled images, supervised fine-tuning of
the whole net, test on the 8,000 test images. Geodesic saliency maps [79]
(patch 3 at 96 x 96, images and maps then reduced to 32 x 32; "initial weight
0.2, noise threshold 0.01"). Methods: a denoising autoencoder with tied
weights and the squared reconstruction error (DAE); foreground weighting
||S (R - I)||^2 with S = (S + eps) / max(S), eps = 0.2; saliency reconstruction
||R_I - I||^2 + lambda ||R_S - S||^2 at the first or every layer; the dual path,
a main and an auxiliary autoencoder, lambda = 1 at layer 1, minus 0.1 per
layer, the auxiliary discarded for fine-tuning. Every method starts from the
same initial weights and fine-tunes on the same label draws (paired).
"""

from __future__ import annotations

from mlzoo.presets.claim import Claim
from mlzoo.presets.preset import Preset
from mlzoo.presets.registry import register

SOURCE = "seed 003 (saliency-assisted autoencoders, thesis)"
_OPEN = ("the noise type and level ('an open choice'), the optimizer, rates, batch sizes, the "
         "pre-training epochs ('to convergence'), the fine-tuning plan, the regularisation "
         "strengths, the number of repetitions")
_CHOSEN = ("masking noise 0.25, Adam 1e-3 and batch 128 in pre-training, 5 epochs per layer "
           "(CPU budget); fine-tuning Adam 1e-4, 30 epochs, batch 64, no augmentation; "
           "100 labels per class, 5 label draws per pre-training seed")
_DATA = ("CIFAR-10 small (cifar10_small.npz) as a stand-in for STL-10, which cannot be "
         "downloaded here: 32 x 32 originals (saliency at patch 1), 20,000 unlabelled images "
         "(10,000 `x_unlabeled` + the 10,000 training images without labels; STL-10: 100,000), "
         "1,000 labels per draw, 5,000 test images")
_PROTOCOL = {
    "initialisation": "Keras defaults (not given), the same for every method",
    "loss": "squared reconstruction error (DAE); foreground weighting, eps 0.2; saliency "
            "reconstruction, lambda 1; dual path, lambda 1, 0.9, 0.8 by layer",
    "optimizer": "not given; here Adam 1e-3 (pre-training), Adam 1e-4 (fine-tuning)",
    "schedule": "greedy layer-wise pre-training, then fine-tuning of the whole net",
    "batch_size": "not given; here 128 (pre-training), 64 (fine-tuning)",
    "epochs": "'to convergence' (not given); here 5 per layer, fine-tuning 30",
    "data": "STL-10 (here the CIFAR-10 stand-in, see Data here)",
}
_MLP_RUNS = ("mlp_runs.csv",)
_PAIRS = ("pretrain_seed", "label_draw")


def _vs_dae(method: str, what: str) -> Claim:
    """The FC net's claim that `method` beats the plain DAE (the thesis gives relative effects)."""
    return Claim(what, metric="test_accuracy", arm="method", treatment=method, control="dae",
                 better="higher", pair_by=_PAIRS, results=_MLP_RUNS,
                 note="the thesis gives only relative effects (figures 2-30, 2-33)")


register(
    Preset(
        name="saliency_fc_stl10",
        title="Figures 2-30 and 2-33: FC net pre-trained by a DAE, foreground weighting, "
              "saliency reconstruction, the dual path",
        source=f"{SOURCE}, sections 2.4.3-2.4.4, figures 2-30 and 2-33",
        protocol={
            **_PROTOCOL,
            "architecture": "4-layer FC, ReLU, medium 3072-2000-1000-2000-10; auxiliary "
                            "autoencoder 1024-800-800-800 (here the small net 3072-500-500-"
                            "1000-10, auxiliary 1024-800-800, tied decoders)",
            "plan": "none (random initialisation), dae, foreground, saliency_first, "
                    "saliency_all, dual_path",
            "data": "STL-10 resized to 32 x 32, all 5,000 training labels (no folds: 'FC nets "
                    "perform too poorly with few samples')",
            "repetitions": "'the average of 5 groups of tests'; here 2 pre-training seeds x "
                           "5 label draws = 10 paired runs",
        },
        paper_gives="the three net sizes, the medium net 'with its best training parameters', "
                    "the auxiliary widths, eps, lambda; relative effects only (absolute "
                    "accuracies are in the figures): foreground over the DAE +0.3 points on "
                    "CIFAR-10 ('negligible'), +1.2 on STL-10; saliency reconstruction at the "
                    "first layer about as foreground; the dual path 'nearly 3 %' over the DAE "
                    "on STL-10, 'even exceeding the large-model baseline DAE', CIFAR-10 gains "
                    "'very limited'.",
        left_open=f"{_OPEN}; the medium net's best parameters.",
        choices=f"the small net (CPU budget), 1,000 labels instead of 5,000; {_CHOSEN}.",
        data=_DATA,
        experiment="saliency_pretraining",
        arguments=("--model", "mlp", "--seeds", "0", "1"),
        quick=("--model", "mlp", "--seeds", "0", "--methods", "none", "dae", "foreground",
               "saliency_first", "dual_path", "--pretrain-epochs", "1", "--finetune-epochs",
               "10", "--label-draws", "2"),
        claims=(
            _vs_dae("foreground", "foreground weighting beats the plain DAE (thesis: +1.2 "
                                  "points on STL-10, +0.3 on CIFAR-10)"),
            _vs_dae("saliency_first", "saliency reconstruction at the first layer beats the "
                                      "plain DAE (thesis: about as foreground)"),
            _vs_dae("saliency_all", "saliency reconstruction at every layer beats the plain "
                                    "DAE (section 2.3.2.2)"),
            _vs_dae("dual_path", "the dual path beats the plain DAE (thesis: nearly +3 points "
                                 "on STL-10, 'very limited' on CIFAR-10)"),
        ),
        published={"mlp_runs.csv": ("saliency_pretraining/mlp_runs.csv",)},
    ),
    Preset(
        name="saliency_fc_model_size",
        title="Figure 2-29: the plain DAE on the small, medium and large FC nets",
        source=f"{SOURCE}, section 2.4.2, figure 2-29",
        protocol={
            **_PROTOCOL,
            "architecture": "4-layer FC, ReLU: small 3072-500-500-1000-10, medium 3072-2000-"
                            "1000-2000-10, large 3072-3000-3000-4000-10 (here the medium net)",
            "plan": "none, dae",
            "data": "CIFAR-10 and STL-10 at 32 x 32, all 5,000 STL-10 training labels",
            "repetitions": "not given; here 2 pre-training seeds x 5 label draws",
        },
        paper_gives="the three sizes, 'different regularisation parameters' tried per size; "
                    "the small net noticeably worse, medium and large close ('converging'), "
                    "the large one training about twice as long; figures only in the figure.",
        left_open=f"{_OPEN}; the regularisation chosen per size.",
        choices=f"the medium net (`--hidden 2000 1000 2000`; the large: `--hidden 3000 3000 "
                f"4000`; the small is saliency_fc_stl10's dae arm); {_CHOSEN}. The sizes are "
                "separate runs, not arms of one table, so no claim is judged.",
        data=_DATA,
        experiment="saliency_pretraining",
        arguments=("--model", "mlp", "--methods", "none", "dae", "--hidden", "2000", "1000",
                   "2000", "--seeds", "0", "1"),
        quick=("--model", "mlp", "--methods", "none", "dae", "--hidden", "2000", "1000", "2000",
               "--seeds", "0", "--pretrain-epochs", "1", "--finetune-epochs", "5",
               "--label-draws", "1"),
    ),
    Preset(
        name="saliency_cnn_stl10",
        title="Figure 3-9: the CNN pre-trained by a convolutional autoencoder and by the "
              "dual-path CAE",
        source=f"{SOURCE}, sections 3.4.1-3.4.2, figure 3-9",
        protocol={
            **_PROTOCOL,
            "architecture": "24 x 24 x 3 crops; [conv 5 x 5, 32 kernels -> 2 x 2 max pooling] "
                            "x 3 -> FC 64 -> 10; CAE with tied, flipped kernels reconstructing "
                            "from the pooled sparse code; dual path with 32 auxiliary filters "
                            "per layer (not given)",
            "loss": "squared reconstruction error (CAE); the saliency terms as the FC net's, "
                    "lambda = 1 at every layer (section 3.3.2)",
            "plan": "none, dae (CAE), foreground, saliency_first, saliency_all, dual_path "
                    "(the thesis: none, CAE, dual path)",
            "data": "STL-10: 10 folds of 1,000 labels, averaged; random 24 x 24 crops of the "
                    "32 x 32 images [34], the centre crop at test",
            "repetitions": "10 folds; here 3 pre-training seeds x 5 label draws = 15 paired "
                           "runs",
        },
        paper_gives="the net, the crops, lambda = 1, the 10 folds; STL-10 test accuracy: no "
                    "pre-training 48.2 %, CAE 50.6 %, dual-path CAE 55.2 % ('nearly 5 %' over "
                    "the CAE); on CIFAR-10 the initialisation's effect is 'extremely small'.",
        left_open=f"{_OPEN}; the activation, the kernel depth of layers 2-3 ('5*5*3' for all "
                  "three), the auxiliary widths.",
        choices=f"ReLU, 32 kernels per layer, 32 auxiliary filters, lambda = 1 at every layer, "
                f"crops in pre-training and fine-tuning; {_CHOSEN}. Published from seed 0 "
                "and seeds 1-2 run apart and combined (`--combine`).",
        data=_DATA + " (1,000 labels matches a thesis fold)",
        experiment="saliency_pretraining",
        arguments=("--model", "cnn", "--seeds", "0-2"),
        quick=("--model", "cnn", "--seeds", "0", "--methods", "none", "dae", "dual_path",
               "--pretrain-epochs", "1", "--finetune-epochs", "10", "--label-draws", "2"),
        claims=(
            Claim("the CAE beats random initialisation", metric="test_accuracy", arm="method",
                  treatment="dae", control="none", paper=(50.6, 48.2), better="higher",
                  pair_by=_PAIRS, results=("cnn_runs.csv",)),
            Claim("the dual-path CAE beats the CAE", metric="test_accuracy", arm="method",
                  treatment="dual_path", control="dae", paper=(55.2, 50.6), better="higher",
                  pair_by=_PAIRS, results=("cnn_runs.csv",),
                  note="15 epochs per layer (seed 0): still -0.55 ± 0.79"),
        ),
        published={"cnn_runs.csv": ("saliency_pretraining/cnn_runs.csv",)},
    ),
)
