"""Decay of the SOM's neighbourhood radius and learning rate over the course of training."""

from __future__ import annotations

from keras import ops

DECAYS = ("asymptotic", "linear", "exponential", "constant")


def decayed(start: float, end: float, progress, decay: str):
    """Value at `progress` = t / T in [0, 1] of a parameter decaying from `start`.

    - "asymptotic" (MiniSom's default): start / (1 + 2 t / T), reaching start / 3; `end` unused.
    - "linear": start + (end - start) t / T.
    - "exponential": start (end / start)^(t / T).
    - "constant": start.
    """
    if decay == "asymptotic":
        return start / (1.0 + 2.0 * progress)
    if decay == "linear":
        return start + (end - start) * progress
    if decay == "exponential":
        return start * ops.power(end / start, progress)
    if decay == "constant":
        return start + 0.0 * progress
    raise ValueError(f"`decay` must be one of {DECAYS}; received decay={decay!r}.")
