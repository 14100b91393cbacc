"""Presets of seed 001, joint learning of weights and adaptive activations (2016 draft).

Common to every preset (sections 2-4, figure 3.1): logistic units
y = 1 / (1 + e^-(αu + β)) whose slope α and offset β follow Bell and
Sejnowski's infomax rule, Δα ∝ 1/α + u(1 - 2y), Δβ ∝ 1 - 2y (eqs. 3.9-3.10),
computed from the same forward pass of a batch as the BP update of the weights
(steps 1-5); α = 1, β = 0 at the start. The seed gives no dataset, size, rate
or figure: its experiment (section 4, figure 4.1) "did not converge well". Its
method is mlzoo's rule `infomax` (weights by the task loss, α and β by infomax
only); `joint` adds the task gradient on α and β, `task` learns them by the task
loss alone, `fixed` is the plain sigmoid. Every rule of a repetition starts from
the same initial weights and batch order.
"""

from __future__ import annotations

from mlzoo.presets.claim import Claim
from mlzoo.presets.preset import Preset
from mlzoo.presets.registry import register

SOURCE = "seed 001 (joint learning conjecture, 2016)"
_OPEN = ("every quantitative setting: data, hidden width k, the rates of the weights and of α, "
         "β, batch size, epochs, initial-weight law, the loss over a batch and over several "
         "outputs, the stopping thresholds")
_CHOSEN = ("30 hidden units, SGD rate 0.1 and momentum 0.9 for the weights, α and β at 0.01 "
           "of that rate (`--ip-rate 0.01`), Glorot-uniform kernels with Keras' zero biases "
           "(the paper has no biases), one sigmoid unit per class on one-hot targets, Keras "
           "mse (mean over outputs and batch), a fixed epoch budget")
_PROTOCOL = {
    "initialisation": "Glorot uniform kernels, zero biases (not given; the paper has none), "
                      "α = 1, β = 0 (step 1); the same for every rule",
    "loss": "Keras mse: squared error averaged over outputs and batch (eq. 3.4: ½(d - y)², "
            "one output, one sample)",
    "optimizer": "SGD, rate 0.1, momentum 0.9 (not given); α, β: infomax at 0.01 x that "
                 "rate (not given)",
}
_DATA = {  # sizes and the data used
    "digits": "scikit-learn's 8 x 8 digits, 1,222 / 575 (one fixed split)",
    "iris": "scikit-learn's iris, 150 rows, 90 / 60, a new split per repetition",
    "wine": "scikit-learn's wine, 178 rows, 90 / 88, a new split per repetition",
    "waveform": "Breiman's generator (mlzoo.datasets.make_waveform), 5,000 rows, 3,000 / "
                "2,000, a new split per repetition",
    "mnist": "MNIST with 5,000 training digits (500 per class) and the full test set",
}
_SPLIT = {"digits": (), "mnist": ()}  # the others: --split-per-seed
_RESULTS = ("joint_learning_summary.csv",)


def _quick(arguments: tuple[str, ...]) -> tuple[str, ...]:
    """The protocol's arguments with one repetition (seed 0): seconds to a few minutes."""
    i = arguments.index("--seeds")
    return (*arguments[:i + 1], "0", *arguments[i + 2:])


def _claims(rules: tuple[str, ...], note: str = "") -> tuple[Claim, ...]:
    """The seed's conjecture: adaptive units beat fixed sigmoid units (test error)."""
    what = {"infomax": "joint learning as written (BP weights, infomax α, β)",
            "joint": "joint learning with the task gradient on α, β too"}
    return tuple(
        Claim(f"{what[rule]} has a lower test error than fixed sigmoid units",
              metric="test_error", arm="rule", treatment=rule, control="fixed",
              results=_RESULTS, note=note)
        for rule in rules
    )


def _fig41(dataset: str) -> Preset:
    split = _SPLIT.get(dataset, ("--split-per-seed",))
    arguments = ("--dataset", dataset, "--rules", "fixed", "infomax", "joint", "task", "triesch",
                 "--seeds", "0-4", "--epochs", "30", *split)
    return Preset(
        name=f"joint_fig41_adaptive_output_{dataset}",
        title=f"Figure 3.1 as written (adaptive hidden and output units) on {dataset}: "
              "figure 4.1's comparison",
        source=f"{SOURCE}, section 3 (figure 3.1, steps 1-5) and section 4 (figure 4.1)",
        protocol={
            "architecture": "n-30-C, adaptive logistic units in the hidden AND output layers "
                            "(figure 3.1: n-k-1, one output)",
            **_PROTOCOL,
            "batch_size": "32 (the paper: 'a batch')",
            "epochs": "30 (the paper: until Δe is small or a maximum iteration count)",
            "plan": "rules fixed, infomax, joint, task and Triesch's (mean 0.2)",
            "data": _DATA[dataset],
            "repetitions": "5, paired (same initial weights and batch order for every rule)",
        },
        paper_gives="the network, the rules and the five steps; no data, setting or figure. "
                    "Section 4: 'the algorithm did not converge well (figure 4.1), possibly "
                    "an implementation error'.",
        left_open=f"{_OPEN}; whether the output units adapt in a multi-class net.",
        choices=f"{_CHOSEN}; output units adaptive as figure 3.1 draws them (infomax then "
                "pulls every output unit towards mean 0.5, against one-hot targets).",
        data=_DATA[dataset],
        experiment="joint_learning",
        arguments=arguments,
        quick=_quick(arguments),
        claims=_claims(("infomax", "joint"), note="the conjecture that the seed's figure 4.1 "
                                                  "failed to show (no convergence)"),
        published={_RESULTS[0]: (f"joint/joint_{dataset}_adaptive_output_summary.csv",)},
    )


_BUDGETS = {  # epochs, batch size (the final protocol, docs/benchmarks.md)
    "digits": ("30", "32"), "iris": ("200", "10"), "wine": ("100", "10"),
    "waveform": ("100", "32"), "mnist": ("30", "100"),
}


def _hidden_only(dataset: str) -> Preset:
    epochs, batch = _BUDGETS[dataset]
    split = _SPLIT.get(dataset, ("--split-per-seed",))
    arguments = ("--dataset", dataset, "--rules", "fixed", "infomax", "joint", "task",
                 "--output-activation", "sigmoid", "--seeds", "0-9", "--epochs", epochs,
                 *(() if batch == "32" else ("--batch-size", batch)), *split)
    return Preset(
        name=f"joint_hidden_only_{dataset}",
        title=f"Section 3's conjecture with adaptive hidden units only, on {dataset}",
        source=f"{SOURCE}, section 3 (the conjecture, eq. 3.9, steps 1-5)",
        protocol={
            "architecture": "n-30-C, adaptive logistic hidden units, a plain sigmoid output "
                            "layer (figure 3.1 adapts the output unit too)",
            **_PROTOCOL,
            "batch_size": f"{batch} (not given)",
            "epochs": f"{epochs} (not given)",
            "plan": "rules fixed, infomax, joint, task; α, β at a constant rate",
            "data": _DATA[dataset],
            "repetitions": "10, paired (same initial weights and batch order for every rule)",
        },
        paper_gives="the conjecture that infomax-adapted activations plus BP weights are 'more "
                    "advantageous' than fixed units (they keep inputs from saturating so more "
                    "information passes); no figure.",
        left_open=f"{_OPEN}.",
        choices=f"{_CHOSEN}; output units plain sigmoid (adaptive ones do not converge: "
                f"joint_fig41_adaptive_output_*); per-dataset budgets. A rate decaying to 0 "
                "over the first 30 % of the epochs is published beside it "
                f"(joint/final/decay_{dataset}_summary.csv).",
        data=_DATA[dataset],
        experiment="joint_learning",
        arguments=arguments,
        quick=_quick(arguments),
        claims=_claims(("infomax", "joint")),
        published={_RESULTS[0]: (f"joint/final/final_{dataset}_summary.csv",)},
    )


_CONCENTRATED = ("--dataset", "digits", "--concentrate", "0.1", "--rules", "fixed", "infomax",
                 "joint", "task", "--seeds", "0-4", "--epochs", "100", "--output-activation",
                 "sigmoid", "--ip-rate", "1.0", "--ip-schedule", "linear", "--ip-decay-epochs",
                 "30")

register(
    *(_fig41(dataset) for dataset in ("digits", "iris", "wine", "waveform")),
    *(_hidden_only(dataset) for dataset in _BUDGETS),
    Preset(
        name="joint_section3_concentrated",
        title="Section 3's extreme case: inputs near 1 saturate fixed units, infomax restores them",
        source=f"{SOURCE}, section 3 (inputs in [0, 1] all close to 1)",
        protocol={
            "architecture": "64-30-10, adaptive logistic hidden units, plain sigmoid outputs",
            **_PROTOCOL,
            "optimizer": "SGD, rate 0.1, momentum 0.9; α, β: infomax at 1.0 x that rate, "
                         "decaying linearly to 0 over the first 30 epochs",
            "batch_size": "32",
            "epochs": "100",
            "plan": "rules fixed, infomax, joint, task",
            "data": "digits mapped to [0.9, 1] (x <- 0.9 + 0.1 x), 1,222 / 575",
            "repetitions": "5, paired",
        },
        paper_gives="the case in words: fixed units saturate when all inputs lie near 1, so "
                    "little information passes; infomax reshapes the units to the inputs. No "
                    "experiment.",
        left_open=f"how near 1 the inputs are, and {_OPEN}.",
        choices=f"inputs in [0.9, 1]; α, β at 100 x the other presets' rate (at 0.01 nothing "
                f"moves within 30 epochs: 84.87 against 89.25 % error); otherwise {_CHOSEN}.",
        data="scikit-learn's digits, concentrated (`--concentrate 0.1`)",
        experiment="joint_learning",
        arguments=_CONCENTRATED,
        quick=_quick(_CONCENTRATED),
        claims=_claims(("infomax", "joint"), note="fixed and task units stay at chance level"),
        published={_RESULTS[0]: ("joint/final/conc_final_summary.csv",)},
    ),
)
