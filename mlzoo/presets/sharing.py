"""Presets of seed 004, deep sharing ensembles (Du et al.): figure 2 and Tables 3 to 7.

Common to every table (sections 3, 4): heads are independent fully connected
softmax layers on hidden layers (eq. 3-4), trained on the sum of their
cross-entropies (eq. 7-8) and voting by their summed outputs (eq. 5-6), with
equal weights. Except in the MNIST depth study: a pyramid shrinking by
sqrt(2) per layer, 3 x 3 same convolutions, stride-2 convolutions instead of
pooling, batch normalisation on every layer, leaky ReLU, 5 heads every two
layers, weights initialised with variance 0.5, Adam from 0.5 down to 0.001,
exponential decay. The plain net is the same backbone with one head on top,
from the same initial weights (paired by seed).
"""

from __future__ import annotations

from mlzoo.presets.claim import Claim
from mlzoo.presets.preset import Preset
from mlzoo.presets.registry import register

SOURCE = "seed 004 (Du et al., deep sharing ensembles)"
_OPEN = ("the epochs, batch sizes (but section 4.1's), the leaky slope, the vote weights used, "
         "the number of runs, a validation split")
_PROTOCOL = {
    "architecture": "fully connected pyramid, width / sqrt(2) per layer, BN, leaky ReLU; "
                    "5 softmax heads every two layers (20 for 8 layers)",
    "initialisation": "weights of variance 0.5 (here hidden kernels ~ N(0, 0.5), "
                      "`--paper-init`; heads Glorot uniform)",
    "loss": "sum of the heads' cross-entropies, equal weights (eq. 7-8)",
    "optimizer": "Adam",
    "schedule": "rate 0.5 decaying exponentially to 0.001 over the run",
    "batch_size": "not given; here 128",
    "epochs": "not given; here 30",
    "plan": "plain DNN (one head on top) against the same DNN with the sharing ensemble, "
            "equal soft vote; here also a deeply-supervised net and the ensemble's hard, "
            "accuracy-weighted, best-head and top-tap votes",
    "repetitions": "not given; here 5 (seeds 0-4: initial weights and validation hold-out)",
}
_UCI_CHOICES = ("depth 8, first width 512 (512, 362, 256, 181, 128, 91, 64, 45), batch 128, "
                "30 epochs, 10 % of the training rows held out (for the weighted vote and the "
                "best head only), 5 seeds")
_LETTER = ("tabular", "--dataset", "letter", "--seeds", "0-4")
_LETTER_RESULTS = ("sharing_tabular_letter_summary.csv",)
_PAPER_RATES = ("--lr", "0.5", "--min-lr", "0.001", "--paper-init")
_LETTER_NOTE = "the published summary's std is the population std (ddof 0); its runs not kept"


def _letter_claim(note: str = "") -> Claim:
    """Table 7's LETTER claim, read off the run's summary (the tabular runs table is wide)."""
    return Claim("the DNN with the sharing ensemble beats the plain DNN", metric="test_accuracy",
                 arm="model", treatment="ensemble", control="plain", paper=(96.88, 95.70),
                 better="higher", results=_LETTER_RESULTS, note=note)


def _depth_claim(depth: int) -> Claim:
    return Claim("the sharing ensemble keeps its accuracy where the plain tanh CNN degrades",
                 metric="test_accuracy", arm="model", treatment="ensemble", control="plain",
                 better="higher", pair_by=("seed",), where={"depth": depth},
                 results=("sharing_depth_mnist_runs.csv",))


def _absent(name: str, title: str, section: str, paper_gives: str, data: str,
            architecture: str, missing: str) -> Preset:
    """A table whose data is not here (nothing downloads at run time)."""
    return Preset(
        name=name, title=title, source=f"{SOURCE}, {section}",
        protocol={"architecture": architecture, "initialisation": "weights of variance 0.5",
                  **{k: _PROTOCOL[k] for k in ("loss", "optimizer", "schedule")}, "data": data},
        paper_gives=paper_gives,
        left_open=f"the depths and widths, {_OPEN}.",
        choices="as the LETTER presets, were the data supplied.",
        data="absent: not in the data folder and nothing downloads.",
        not_runnable=f"{missing} not in the data folder and nothing downloads",
    )


_SMALL = {  # the bundled small sets: batch and epochs for about 1,000-2,000 updates per net
    "iris": ("16", "200"), "wine": ("16", "200"), "breast_cancer": ("32", "100"),
    "digits": ("32", "40"), "waveform": ("64", "30"),
}
_VOTES = {"ensemble": "the equal soft vote of the 20 heads",
          "accuracy_weighted_vote": "the vote weighted by each head's validation accuracy",
          "top_tap_vote": "the vote of the top tap's 5 heads"}


def _small(dataset: str) -> Preset:
    """Issue 18's study: do the ensemble's votes beat the plain DNN on a small table?"""
    batch, epochs = _SMALL[dataset]
    results = f"sharing_tabular_{dataset}_runs.csv"
    return Preset(
        name=f"sharing_small_{dataset}",
        title=f"Study: the ensemble's votes against the plain DNN on {dataset}",
        source=f"{SOURCE}, section 4.6 (Table 7's protocol); a study of mlzoo (issue 18), "
               "not a table of the paper",
        protocol={**_PROTOCOL, "initialisation": "Glorot uniform",
                  "schedule": "Adam 1e-3 decaying exponentially to 1e-5",
                  "batch_size": batch, "epochs": epochs,
                  "data": f"scikit-learn's / the generated {dataset}, min-max scaled, 10 % of "
                          "the training rows held out for the vote weights",
                  "repetitions": "5 (seeds 0-4), paired: the votes read off one ensemble, the "
                                 "plain net from the same seed"},
        paper_gives="equal votes usually; votes weighted by validation accuracy where the "
                    "heads differ (section 3).",
        left_open="when heads 'differ' enough to weight them.",
        choices=f"{_UCI_CHOICES.replace('batch 128, 30 epochs', f'batch {batch}, {epochs} epochs')}"
                "; the rate a practitioner would pick (Adam 1e-3).",
        data=f"{dataset}, bundled (no download)",
        experiment="sharing_ensemble",
        arguments=("tabular", "--dataset", dataset, "--seeds", "0-4", "--batch-size", batch,
                   "--epochs", epochs),
        quick=("tabular", "--dataset", dataset, "--seeds", "0", "--batch-size", batch,
               "--epochs", "3"),
        claims=tuple(Claim(f"{vote} beats the plain DNN", metric="test_accuracy", arm=None,
                           treatment=column, control="plain", better="higher",
                           results=(results,))
                     for column, vote in _VOTES.items()),
        published={results: (f"sharing/small/{results}",)},
        study=True,
    )


register(
    Preset(
        name="sharing_fig2_depth",
        title="Figure 2: plain tanh CNN against the sharing ensemble CNN, 2 to 12 layers",
        source=f"{SOURCE}, section 4.1, figure 2",
        protocol={
            "architecture": "2, 4, ... 12 layers of 3 x 3 x 64 same convolutions, stride 1, "
                            "no pooling, no BN, tanh; plain: one softmax on the last layer; "
                            "ensemble: 5 softmax heads every two layers, equal vote",
            "initialisation": "not given; Glorot uniform, the same backbone for both models",
            "loss": "cross-entropy (plain); the heads' summed cross-entropies (ensemble)",
            "optimizer": "Adam",
            "schedule": "0.1 decaying exponentially to 0.001 (here 0.01 to 0.001)",
            "batch_size": "100",
            "epochs": "not given; here 5",
            "data": "MNIST 60,000 / 10,000 at 28 x 28 (here 2,000 / 2,000 at 14 x 14)",
            "repetitions": "not given; here 3 (seeds 0-2), paired",
        },
        paper_gives="the convolutions, tanh, the heads, batch 100, Adam 0.1 -> 0.001; the "
                    "claim: the ensemble 'effectively mitigates vanishing gradients' at large "
                    "depth, 'its generalisation is not damaged as depth grows'. No figures in "
                    "the text.",
        left_open="the depths, epochs, initialisation, normalisation, the number of runs, "
                  "whether the plain CNN's 'softmax every two layers' are read-outs of each "
                  "depth or heads of one net.",
        choices="plain = one softmax on the last layer; 2,000 training digits drawn from the "
                "5,000 file and the first 2,000 test digits, mean-pooled to 14 x 14 (CPU); "
                "rate 0.01 -> 0.001 (at the paper's 0.1 the plain net fails at every depth, "
                "2 included: 6.00 %, ensemble 75.45 %, one pilot run).",
        data="MNIST with 5,000 training digits (2,000 used) and the first 2,000 test digits, "
             "mean-pooled to 14 x 14",
        experiment="sharing_ensemble",
        arguments=("depth", "--seeds", "0-2", "--lr", "0.01", "--min-lr", "0.001"),
        quick=("depth", "--seeds", "0", "--depths", "8", "12", "--lr", "0.01", "--min-lr",
               "0.001", "--epochs", "2", "--train-size", "500", "--test-size", "500"),
        claims=tuple(_depth_claim(depth) for depth in (8, 12)),
        published={"sharing_depth_mnist_runs.csv": ("sharing/sharing_depth_mnist_runs.csv",)},
    ),
    Preset(
        name="sharing_table7_letter",
        title="Table 7 on LETTER at the paper's protocol: DNN against DNN + sharing ensemble",
        source=f"{SOURCE}, section 4.6, Table 7",
        protocol={**_PROTOCOL,
                  "data": "LETTER, 16 features, 16,000 / 4,000 (the official split)"},
        paper_gives="the sizes, section 4's settings; test accuracy gcForest 97.40, random "
                    "forest 96.50, DNN 95.70, DNN + sharing ensemble 96.88 %.",
        left_open=f"the depth and first width, {_OPEN}.",
        choices=f"{_UCI_CHOICES}. The rates alone without the initialisation "
                "(`--lr 0.5 --min-lr 0.001`, published sharing_letter_paper_lr_summary.csv): "
                "plain 93.66, ensemble 94.37 %.",
        data="LETTER (letter.npz), the official split",
        experiment="sharing_ensemble",
        arguments=(*_LETTER, *_PAPER_RATES),
        quick=("tabular", "--dataset", "letter", "--seeds", "0", *_PAPER_RATES,
               "--epochs", "3"),
        claims=(_letter_claim(_LETTER_NOTE),),
        published={_LETTER_RESULTS[0]: ("sharing/sharing_letter_paper_protocol_summary.csv",)},
    ),
    Preset(
        name="sharing_table7_letter_tuned",
        title="Table 7 on LETTER against a tuned plain DNN (Adam 1e-3 -> 1e-5)",
        source=f"{SOURCE}, section 4.6, Table 7",
        protocol={**_PROTOCOL,
                  "initialisation": "Glorot uniform (the paper: variance 0.5)",
                  "schedule": "1e-3 decaying exponentially to 1e-5 (the paper: 0.5 -> 0.001)",
                  "data": "LETTER, 16 features, 16,000 / 4,000 (the official split)"},
        paper_gives="as sharing_table7_letter: DNN 95.70, DNN + sharing ensemble 96.88 %.",
        left_open=f"the depth and first width, {_OPEN}; whether the paper's plain DNN was "
                  "trained at rates that suit it.",
        choices=f"{_UCI_CHOICES}; Adam 1e-3 -> 1e-5 and Keras' initialisation for both nets: "
                "the baseline a practitioner would tune.",
        data="LETTER (letter.npz), the official split",
        experiment="sharing_ensemble",
        arguments=_LETTER,
        quick=("tabular", "--dataset", "letter", "--seeds", "0", "--epochs", "3"),
        claims=(_letter_claim(_LETTER_NOTE),),
        published={_LETTER_RESULTS[0]: ("sharing/sharing_letter_summary.csv",)},
    ),
    _absent("sharing_table7_adult_yeast", "Table 7 on ADULT and YEAST", "section 4.6, Table 7",
            "test accuracy DNN / DNN + sharing ensemble: ADULT 85.25 / 85.70, YEAST 55.60 / "
            "58.00 % (gcForest 86.40 / 63.45, random forest 85.49 / 61.66).",
            "ADULT and YEAST, 14 and 8 features, 32,561 / 16,281 and 1,038 / 446",
            _PROTOCOL["architecture"], "ADULT and YEAST are"),
    _absent("sharing_table6_imdb", "Table 6: DNN, 1-D CNN and LSTM, each with and without the "
            "sharing ensemble, on IMDB", "section 4.5, Table 6",
            "test accuracy plain / sharing: DNN 88.23 / 89.56, CNN 91.35 / 92.00, LSTM 93.34 "
            "/ 93.78 %. `mlzoo run sharing_ensemble text [--kind lstm]` runs it where "
            "imdb.npz is supplied.",
            "IMDB, 25,000 / 25,000 reviews (Table 1: 2,500 / 2,500), cut or zero-padded to "
            "500, tf-idf as 100-dimensional word vectors",
            "feed-forward, 1-D convolutional or LSTM, 5 heads every two layers",
            "imdb.npz is"),
    _absent("sharing_table4_gtzan", "Table 4: DNN and CNN with and without the sharing "
            "ensemble on GTZAN", "section 4.3, Table 4",
            "test accuracy plain / sharing: DNN 60.33 / 61.20, CNN 63.00 / 64.33 %.",
            "GTZAN, 700 / 300 clips of 30 s as 1280 x 3 MFCC matrices",
            "feed-forward and convolutional, 5 heads every two layers", "GTZAN is"),
    _absent("sharing_table5_semg", "Table 5: DNN and LSTM with and without the sharing "
            "ensemble on sEMG", "section 4.4, Table 5",
            "test accuracy plain / sharing: DNN 42.23 / 44.52, LSTM 47.33 / 48.00 %; the "
            "ensemble helps the LSTM little and 'sometimes hurts' it.",
            "sEMG, 1,440 / 360 rows of 3,000 features (the LSTM: 6 steps of 300 per the "
            "text's '600', open)",
            "feed-forward and LSTM, 5 heads every two layers", "sEMG is"),
    Preset(
        name="sharing_table3_cifar10",
        title="Table 3 on CIFAR-10: the DNN of Table 2 with and without the sharing ensemble",
        source=f"{SOURCE}, section 4.2, Tables 2 and 3",
        protocol={**_PROTOCOL,
                  "architecture": "DNN 3072-1024-512-512-512-256-256-128-128, BN, leaky ReLU, "
                                  "5 heads on L2, L4, L6, L8 (here the sqrt(2) pyramid 1024, "
                                  "724, 512, 362, 256, 181, 128, 91)",
                  "data": "CIFAR-10, 50,000 / 10,000, flattened (here the stand-in)"},
        paper_gives="Table 2's nets; test accuracy DNN 44.50, DNN + sharing ensemble 47.35 %; "
                    "'Deep CNN (AlexNet)' 83.00, with the ensemble 84.23 %.",
        left_open=f"{_OPEN}; whether the CNN row is AlexNet (the text) or Table 2's CNN.",
        choices="the DNN only (no accuracy run of the CNN here), mlzoo's pyramid from 1,024 "
                "units instead of Table 2's widths; batch 128, 30 epochs, 10 % of the "
                "training rows held out, 5 seeds.",
        data="CIFAR-10 small (cifar10_small.npz): 10,000 labelled training images, 5,000 "
             "test, flattened and min-max scaled; not yet run",
        experiment="sharing_ensemble",
        arguments=("tabular", "--dataset", "cifar10_small", "--seeds", "0-4", "--first-units",
                   "1024", *_PAPER_RATES),
        quick=("tabular", "--dataset", "cifar10_small", "--seeds", "0", "--first-units",
               "1024", *_PAPER_RATES, "--epochs", "2"),
        claims=(
            Claim("the DNN with the sharing ensemble beats the plain DNN",
                  metric="test_accuracy", arm="model", treatment="ensemble", control="plain",
                  paper=(47.35, 44.50), better="higher",
                  results=("sharing_tabular_cifar10_small_summary.csv",)),
        ),
    ),
    *(_small(dataset) for dataset in _SMALL),
)
