"""Presets of seed 002, Zhou Zhihua's lecture on neural networks (BP and the classic models).

Common to the BP items: a d-q-l network of sigmoid units, the per-example error
E_k = ½ Σ_j (ŷ_j - y_j)², gradient descent at a rate η in (0, 1) ("neither too
large nor too small"), all weights and thresholds drawn at random in (0, 1),
repeated until a stopping condition. mlzoo's network is `build_lecture_mlp`:
E_k as Keras mse weighted by l/2 (batch mean), plain SGD, and Keras' default
initial weights (Glorot uniform, zero thresholds) instead of U(0, 1). The
lecture has no dataset, setting or figure: every claim here is qualitative
(paper=None), and items that make no comparative claim have none. ART
(competitive learning) has no preset: its only measurement is a benchmark
against artlib (`mlzoo bench art_speed`, docs/results/art/art_speed.json),
not an `mlzoo run` experiment.
"""

from __future__ import annotations

from mlzoo.presets.claim import Claim
from mlzoo.presets.preset import Preset
from mlzoo.presets.registry import register

SOURCE = "seed 002 (Zhou Zhihua, lecture 5: neural networks)"
_INIT = "Keras default: Glorot uniform weights, zero thresholds (the lecture: U(0, 1))"
_LOSS = "E_k = ½ Σ_j (ŷ_j - y_j)² per example (Keras mse weighted by l/2), batch mean"
_DIGITS = "scikit-learn's 8 x 8 digits, 1,222 / 575"
_WAVEFORM = "Breiman's generator (mlzoo.datasets.make_waveform), 3,000 / 2,000"
_FULL = {"digits": "1222", "waveform": "3000"}  # accumulated BP: one batch of the training set
_VARIANTS = ("variants_runs.csv",)
_XOR = ("xor_runs.csv",)
_REG = ("regularization_runs.csv",)
_XOR_ARMS = {"random perturbation": "random perturbation",
             "annealed perturbation, revert if worse": "simulated annealing (annealed "
                                                       "perturbation, revert if worse)",
             "random restarts": "different initial parameters (random restarts)"}


def _variant(dataset: str, setting: str) -> Claim:
    rate = "the same η: standard BP's tuned one" if setting == "same" else "η tuned per batch size"
    return Claim(f"standard BP ends at a lower accumulated error than accumulated BP "
                 f"({dataset}, {rate})", metric="final_train_E", arm="batch_size",
                 treatment="1", control=_FULL[dataset], pair_by=("seed",),
                 where={"dataset": dataset, "setting": setting}, results=_VARIANTS,
                 note="at equal training time (4 s a run)")


def _regularization(treatment: str, statement: str, metric: str = "test_error") -> Claim:
    return Claim(statement, metric=metric, arm="arm", treatment=treatment, control="λ=1",
                 pair_by=("seed",), results=_REG,
                 note="against λ = 1 (no penalty), 300 epochs")


register(
    Preset(
        name="bp_standard_vs_accumulated",
        title="Standard BP (per example) against accumulated BP (per pass), and mini-batches",
        source=f"{SOURCE}, 'standard BP vs accumulated BP'",
        protocol={
            "architecture": "d-30-C, sigmoid hidden and output units",
            "initialisation": _INIT,
            "loss": _LOSS,
            "optimizer": "plain SGD; η from {0.3, 1, 3, 10, 30} tuned per batch size (1.5 s "
                         "on seed 100), or standard BP's tuned η for every batch size",
            "batch_size": "1 (standard BP), 10, 100, the whole training set (accumulated BP)",
            "epochs": "4 s of training per run (equal wall time)",
            "data": f"{_DIGITS}; {_WAVEFORM}",
            "repetitions": "3 seeds, paired (same initial weights for every batch size)",
        },
        paper_gives="standard BP updates per example (frequent updates that may cancel, many "
                    "iterations); accumulated BP once per pass on the accumulated error; 'in "
                    "many tasks the accumulated error, after falling to some level, falls very "
                    "slowly; standard BP then often gets a better solution, especially when "
                    "the training set is very large'. No data or figure.",
        left_open="the data, q, η, what budget the two share (updates, passes or time), what "
                  "'a better solution' measures, how large 'very large' is.",
        choices="equal training time; 'better' = a lower accumulated error E at the end; both "
                "a shared η and a tuned one; the training-set size effect is not measured.",
        data=f"{_DIGITS}; {_WAVEFORM}",
        experiment="bp_variants",
        arguments=("--dataset", "digits", "waveform", "--seeds", "0-2", "--hidden", "30",
                   "--batch-sizes", "1", "10", "100", "0", "--seconds", "4"),
        quick=("--dataset", "digits", "waveform", "--seeds", "0", "--batch-sizes", "1", "0",
               "--seconds", "1", "--tuning-seconds", "0.5"),
        claims=tuple(_variant(d, s) for d in ("digits", "waveform") for s in ("same", "tuned")),
        published={_VARIANTS[0]: ("bp_variants/variants_runs.csv",)},
    ),
    Preset(
        name="bp_regularization_early_stopping",
        title="The lecture's remedies for overfitting: its L2 objective and two early stops",
        source=f"{SOURCE}, 'mitigating overfitting'",
        protocol={
            "architecture": "64-30-10, sigmoid hidden and output units",
            "initialisation": _INIT,
            "loss": f"E = λ (1/m) Σ_k E_k + (1 - λ) Σ_i w_i² (thresholds included), λ in "
                    f"{{1, 1 - 1e-6, 1 - 1e-5, 1 - 1e-4, 1 - 1e-3}}; {_LOSS}",
            "optimizer": "plain SGD, η 3.0",
            "batch_size": "10",
            "epochs": "300; early stops: validation loss rising (patience 10, 20 % held "
                      "out), training loss changing < b = 1e-4 for a = 5 rounds",
            "data": f"the first 300 training images of {_DIGITS}",
            "repetitions": "3 seeds, paired",
        },
        paper_gives="early stopping (training error changes < b for a rounds; or validation "
                    "error rising while training error falls) and E = λ (1/m) Σ E_k + (1 - λ) "
                    "Σ w_i², which 'prefers small weights and thresholds, a smoother output'. "
                    "No data or figure.",
        left_open="λ, a, b, the data, whether Σ w² includes the thresholds.",
        choices="300 images (to leave room for overfitting), thresholds in Σ w², a = 5, b = "
                "1e-4; the claims compare λ = 1 - 1e-4, the strongest penalty that still fits "
                "the training set (λ = 1 - 1e-3 underfits: 10 % training error), and each "
                "early stop with the unpenalised 300-epoch run.",
        data=f"the first 300 training images of {_DIGITS} (all 575 test images)",
        experiment="bp_regularization",
        arguments=("--dataset", "digits", "--seeds", "0-2", "--train-size", "300", "--epochs",
                   "300", "--batch-size", "10", "--learning-rate", "3.0"),
        quick=("--dataset", "digits", "--seeds", "0", "--train-size", "300", "--epochs", "100",
               "--batch-size", "10", "--learning-rate", "3.0"),
        claims=(
            _regularization("λ=0.9999", "the regularised objective prefers smaller weights "
                            "and thresholds", metric="sum_w2"),
            _regularization("λ=0.9999", "the regularised objective lowers the test error "
                            "(mitigates overfitting)"),
            _regularization("early stop: val_loss", "early stopping on a validation set "
                            "lowers the test error"),
            _regularization("early stop: loss", "stopping when the training error changes "
                            "< b for a rounds lowers the test error"),
        ),
        published={_REG[0]: ("bp_variants/regularization_runs.csv",)},
    ),
    Preset(
        name="bp_local_minima_xor",
        title="Escaping BP's local minima on XOR: perturbation, annealing, restarts",
        source=f"{SOURCE}, 'global minimum vs local minima'",
        protocol={
            "architecture": "2-2-1, sigmoid hidden and output units",
            "initialisation": _INIT,
            "loss": _LOSS,
            "optimizer": "plain SGD, η 1.0, the 4 patterns as one batch",
            "schedule": "plateau rule: E changes < b = 1e-3 for a = 2 rounds; then a random "
                        "perturbation (scale 1.0), an annealed one (scale x 0.9 each time, "
                        "reverted if no better 5 rounds later) or a restart",
            "epochs": "50 rounds of 200 updates = 10,000 updates per arm, restarts included; "
                      "stop once all 4 patterns are right",
            "data": "XOR, 4 patterns",
            "repetitions": "50 seeds (1000-1049), paired (same initial weights in every arm)",
        },
        paper_gives="several local minima, one global minimum; escapes: different initial "
                    "parameters, simulated annealing, random perturbation, evolutionary "
                    "algorithms. No data or figure.",
        left_open="the problem, the escape schedules and their scales, the budget.",
        choices="XOR with two hidden units (it has local minima), one budget of updates for "
                "every arm; evolutionary algorithms are not implemented. The claims measure "
                "the share of seeds solved (McNemar's exact test in xor_summary.csv: "
                "perturbation p = 0.022, annealing p = 0.065, restarts p = 0.002).",
        data="the 4 XOR patterns",
        experiment="bp_local_minima",
        arguments=("--seeds", "1000-1049", "--epochs", "50", "--updates-per-round", "200",
                   "--learning-rate", "1.0"),
        quick=("--seeds", "1000-1009", "--epochs", "50", "--updates-per-round", "200",
               "--learning-rate", "1.0"),
        claims=tuple(
            Claim(f"escaping local minima by {label}: XOR solved from more initial weights "
                  "than by plain BP",
                  metric="solved", arm="arm", treatment=arm, control="plain BP",
                  better="higher", pair_by=("seed",), results=_XOR)
            for arm, label in _XOR_ARMS.items()
        ),
        published={_XOR[0]: ("bp_variants/xor_runs.csv",)},
    ),
    Preset(
        name="rbf_vs_mlp",
        title="RBF network (Gaussian units, centres by sampling or k-means, then BP) against "
              "a sigmoid MLP",
        source=f"{SOURCE}, 'RBF neural network'",
        protocol={
            "architecture": "d-60-C: 60 Gaussian units ρ = exp(-β_i ‖x - c_i‖²), softmax "
                            "output (the lecture: a linear output); the MLP: sigmoid hidden "
                            "units, the same parameter count (4,510 digits, 1,503 waveform)",
            "initialisation": "centres: k-means or random training samples (step 1); widths "
                              "from the nearest centre",
            "loss": "cross-entropy",
            "optimizer": "Adam 0.01, centres, widths and weights all by BP (step 2)",
            "batch_size": "32",
            "epochs": "50",
            "data": f"{_DIGITS}; {_WAVEFORM}",
            "repetitions": "10 seeds",
        },
        paper_gives="the network (single hidden layer of radial units, linear output) and its "
                    "two training steps; 'besides BP, the most used in classification'. No "
                    "comparative claim, data or figure.",
        left_open="q, the initial β, the loss and optimizer, how centres are clustered.",
        choices="60 units, k-means and random-sample centres both, an MLP of equal size as "
                "reference. No claim: the lecture compares neither centre rule nor RBF with "
                "BP nets (published: rbf/rbf_network_summary.csv; MLP 1.88 % against RBF "
                "2.31-2.37 % on digits, all within 0.15 point on waveform).",
        data=f"{_DIGITS}; {_WAVEFORM}",
        experiment="rbf_network",
        arguments=("--dataset", "digits", "waveform", "--seeds", "0-9", "--units", "60",
                   "--epochs", "50"),
        quick=("--dataset", "digits", "waveform", "--seeds", "0", "--units", "60",
               "--epochs", "10"),
    ),
    Preset(
        name="som_maps",
        title="Self-organizing maps of digits and Fashion-MNIST",
        source=f"{SOURCE}, 'SOM neural network'",
        protocol={
            "architecture": "12 x 12 map (digits), 20 x 20 (Fashion-MNIST)",
            "initialisation": "the PCA plane",
            "schedule": "σ from half the map's side to 1 and η from 0.5 to 0.01, both "
                        "decaying exponentially; the winner and its neighbours move towards "
                        "the input (winner-takes-all)",
            "batch_size": "128 (batched updates)",
            "epochs": "10",
            "data": f"{_DIGITS}; Fashion-MNIST 60,000 / 10,000",
            "repetitions": "1 (seed 0)",
        },
        paper_gives="a competitive, unsupervised network mapping high-dimensional data to a "
                    "2-D grid that keeps the topology; 'one of the most used clustering "
                    "methods'. No comparative claim, data or figure.",
        left_open="the map size, neighbourhood, rate schedule and initialisation.",
        choices="a Gaussian neighbourhood, exponential decays; maps drawn as U-matrix, hit "
                "and class maps. "
                "No claim (published: som/som.json: digits QE 1.403, TE 0.0104, unit-majority "
                "accuracy 90.4 %; Fashion QE 4.364, TE 0.0264, 73.4 %).",
        data=f"{_DIGITS}; Fashion-MNIST from the data folder",
        experiment="som",
        arguments=("--dataset", "digits", "fashion_mnist", "--epochs", "10"),
        quick=("--dataset", "digits", "--epochs", "2"),
    ),
    Preset(
        name="cascade_two_spirals",
        title="Cascade-correlation grows hidden units one by one on two-spirals",
        source=f"{SOURCE}, 'cascade-correlation network' (and Fahlman & Lebiere 1990)",
        protocol={
            "architecture": "2 inputs, 1 sigmoid output, tanh hidden units added one at a "
                            "time (each sees the inputs and every earlier unit), at most 40",
            "loss": "binary cross-entropy; candidates maximise the correlation of their "
                    "output with the network's error",
            "optimizer": "Adam 0.05 in both phases, 8 candidates per unit, patience 30 "
                         "epochs at 1 %",
            "batch_size": "the whole set",
            "epochs": "until 100 % training accuracy (threshold 0.5)",
            "data": "two-spirals, 194 points",
            "repetitions": "10 seeds",
        },
        paper_gives="start with the input and output layers only; add hidden units one by "
                    "one (cascade), each maximising the correlation between its output and "
                    "the network's error. No data or figure.",
        left_open="the problem, the candidate pool, the optimiser and stopping rules.",
        choices="Fahlman & Lebiere's two-spirals with Adam for Quickprop and a looser stop "
                "(their outputs within 0.4 of the targets). No claim: the only comparison is "
                "with their 100 / 100 trials solved with 15.2 hidden units (12-19), an "
                "external figure, not an arm of our results; ours: 10 / 10 solved, 10.7 ± 0.9 "
                "units (9-12) (cascade/two_spirals.json, cascade/paper.json).",
        data="two-spirals, generated",
        experiment="cascade_correlation",
        arguments=("--seeds", "0-9", "--candidates", "8", "--max-hidden-units", "40"),
        quick=("--seeds", "0", "--candidates", "8", "--max-hidden-units", "40"),
    ),
    Preset(
        name="elman_xor_letters",
        title="Elman network: temporal XOR and next-letter prediction (Elman 1990)",
        source=f"{SOURCE}, 'Elman network' (and Elman 1990)",
        protocol={
            "architecture": "Elman network: hidden outputs fed back as context; 1-2-1 "
                            "(temporal XOR), 6-20-6 (letters ba, dii, guuu)",
            "loss": "mse on the next element",
            "optimizer": "Adam 0.05 (XOR), 0.02 (letters); BP through time in 12-step pieces",
            "batch_size": "25 parallel sub-streams",
            "epochs": "200 passes (XOR), 100 (letters)",
            "data": "generated streams, a fresh test stream",
            "repetitions": "5 seeds",
        },
        paper_gives="a recurrent network whose hidden outputs return as inputs, trained by "
                    "generalised BP; 'the most used recurrent network'. No data or figure.",
        left_open="the task, sizes, optimiser and how far BP runs back in time.",
        choices="Elman's (1990) two tasks. No claim: his results are qualitative (error low "
                "where the stream is predictable) and are not two arms of our results; "
                "ours (elman/elman.json): XOR bit 3 0.105 ± 0.036 against 0.270 and 0.282 on "
                "the random bits; consonants 0.448 (best 0.444), vowels 0.001.",
        data="generated streams",
        experiment="elman",
        arguments=("--seeds", "0-4", "--xor-passes", "200", "--letters-passes", "100"),
        quick=("--seeds", "0", "--xor-passes", "20", "--letters-passes", "20"),
    ),
    Preset(
        name="dbn_pretraining",
        title="Pre-training + fine-tuning: a DBN's RBM stack against random initialisation",
        source=f"{SOURCE}, 'tricks: pre-training + fine-tuning' (Hinton et al. 2006)",
        protocol={
            "architecture": "784-500-500-10, sigmoid hidden units, softmax output",
            "initialisation": "greedy CD-1 RBMs, one hidden layer at a time (SGD 0.1, "
                              "momentum 0.5), against Keras' Glorot initialisation",
            "loss": "cross-entropy (fine-tuning)",
            "optimizer": "SGD 0.1, momentum 0.9, the same batch order for both starts",
            "batch_size": "100",
            "epochs": "MNIST: 10 per RBM, 20 fine-tuning; Fashion-MNIST: 3 per RBM, 10 "
                      "fine-tuning",
            "data": "MNIST with 5,000 training digits, full test set; Fashion-MNIST 60,000 / "
                    "10,000",
            "repetitions": "3 seeds, paired",
        },
        paper_gives="pre-training trains one layer of hidden units at a time, then fine-tuning "
                    "trains the whole network ('find good local settings for each group of "
                    "parameters, then optimise globally'). No data or figure.",
        left_open="the layer model, sizes, budgets; the lecture's text reads 'supervised "
                  "layer-wise' where the textbook (Zhou 2016, 5.6) has unsupervised.",
        choices="Hinton et al.'s unsupervised RBM stack; short, equal fine-tuning budgets "
                "(the random-init curves still fall at the end).",
        data="MNIST 5k (stand-in for the full set) and Fashion-MNIST from the data folder",
        experiment="dbn",
        arguments=("--dataset", "mnist", "fashion_mnist", "--seeds", "0-2", "--hidden", "500",
                   "500"),
        quick=("--dataset", "mnist", "fashion_mnist", "--seeds", "0", "--hidden", "64", "64"),
        claims=tuple(
            Claim("pre-training + fine-tuning has a lower test error than fine-tuning from "
                  f"random weights ({name})", metric="test_error_percent", arm="start",
                  treatment="dbn", control="random", pair_by=("seed",),
                  where={"dataset": dataset}, results=("dbn_runs.csv",),
                  note="equal, short fine-tuning budgets")
            for dataset, name in (("mnist", "MNIST 5k"), ("fashion_mnist", "Fashion-MNIST"))
        ),
        published={"dbn_runs.csv": ("rbm/dbn_runs.csv",)},
    ),
)
