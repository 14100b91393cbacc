"""The five training modes of Table 1 (Liu et al. 2017, section 7.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras

from mlzoo._checks import check_fraction, check_positive_int
from mlzoo._rounding import round_half_up
from mlzoo.callbacks.alternating_direction import AlternatingDirection
from mlzoo.callbacks.conversion_rate_scheduler import ConversionRateScheduler

MODES = ("STD-PL", "EP-ML", "EPT-ML", "EI-ML", "EIT-ML")
_ALIASES = {"STD-BP": "STD-PL"}


@dataclass
class TrainingPlan:
    """Epochs and callbacks that realise one mode of Table 1.

    Attributes:
        mode: STD-PL, EP-ML, EPT-ML, EI-ML or EIT-ML.
        mutual_iterations: mutual learning iterations (a positive and a
            negative epoch each), Table 1 row "ML".
        positive_iterations: standard positive epochs after them ("PL").
        epochs: the `epochs` to pass to `fit`; equals the learning processes
            (one pass over the data in one direction each).
        time_factor: training time relative to STD-PL's T (learning processes / K).
        callbacks: the callbacks that set the phase; add your own beside them.
    """

    mode: str
    mutual_iterations: int
    positive_iterations: int
    epochs: int
    time_factor: float
    callbacks: list[keras.callbacks.Callback] = field(default_factory=list)

    @property
    def learning_processes(self) -> int:
        """Passes over the training data, positive and negative together."""
        return self.epochs


def training_plan(mode: str, K: int, rate: float = 0.05) -> TrainingPlan:
    """Epochs and callbacks of one training mode of Table 1, for a STD-PL budget K.

    | mode   | ML iterations | PL iterations | learning processes |
    |--------|---------------|---------------|--------------------|
    | STD-PL | 0             | K             | K                  |
    | EP-ML  | K/2           | 0             | K                  |
    | EPT-ML | εK            | (1 - 2ε)K     | K                  |
    | EI-ML  | K             | 0             | 2K                 |
    | EIT-ML | εK            | (1 - ε)K      | (1 + ε)K           |

    Iteration counts are rounded to whole epochs, halves up (an odd K gives EP-ML one
    positive epoch at the end).

    Args:
        mode: one of `MODES` (case-insensitive; "STD-BP" is accepted for STD-PL).
        K: iterations of standard positive training, >= 1.
        rate: the conversion rate ε of EPT-ML (at most 0.5) and EIT-ML, in [0, 1].

    Examples:
        >>> plan = training_plan("EPT-ML", K=1000, rate=0.05)   # the paper's MNIST run
        >>> plan.mutual_iterations, plan.positive_iterations, plan.epochs
        (50, 900, 1000)
        >>> [type(callback).__name__ for callback in plan.callbacks]   # for fit(epochs=plan.epochs)
        ['AlternatingDirection', 'ConversionRateScheduler']
    """
    name = str(mode).upper()
    name = _ALIASES.get(name, name)
    if name not in MODES:
        raise ValueError(f"`mode` must be one of {', '.join(MODES)}; received mode={mode!r}.")
    K = check_positive_int("K", K)
    rate = check_fraction("rate", rate, high=0.5 if name == "EPT-ML" else 1.0)

    if name == "STD-PL":
        mutual, positive = 0, K
    elif name == "EP-ML":
        mutual, positive = K // 2, K % 2
    elif name == "EPT-ML":
        mutual = min(round_half_up(rate * K), K // 2)  # 2 epochs per iteration fit in K
        positive = K - 2 * mutual
    elif name == "EI-ML":
        mutual, positive = K, 0
    else:
        mutual = round_half_up(rate * K)
        positive = K - mutual
    epochs = 2 * mutual + positive
    callbacks: list[keras.callbacks.Callback] = []
    if mutual:
        callbacks.append(AlternatingDirection(period=1))
    callbacks.append(ConversionRateScheduler(rate=2 * mutual / epochs, total_epochs=epochs))
    return TrainingPlan(name, mutual, positive, epochs, epochs / K, callbacks)
