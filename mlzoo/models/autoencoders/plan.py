"""Which saliency terms each greedy stage uses, for the thesis's five pre-training methods."""

from __future__ import annotations

from dataclasses import dataclass

from mlzoo._checks import check_choice, check_non_negative, check_positive_int

METHODS = ("dae", "foreground", "saliency_first", "saliency_all", "dual_path")


@dataclass(frozen=True)
class StagePlan:
    """The loss of one stage (layer) of greedy pre-training.

    Attributes:
        foreground: reconstruct with `ForegroundWeightedMSE` (section 2.3.2.1).
        saliency: None, "map" (a head reconstructs the saliency map, section
            2.3.2.2) or "auxiliary" (a head reconstructs the auxiliary stack's
            layer below; the map itself at the first layer — figure 2-28).
        saliency_weight: lambda of the saliency term.
        auxiliary: train the auxiliary stack's layer at this depth alongside.
    """

    foreground: bool = False
    saliency: str | None = None
    saliency_weight: float = 0.0
    auxiliary: bool = False


def stage_plans(
    method: str,
    num_layers: int,
    saliency_weight: float = 1.0,
    saliency_weight_decay: float = 0.1,
) -> list[StagePlan]:
    """One `StagePlan` per layer.

    - "dae": plain denoising autoencoders (section 2.2.4).
    - "foreground": foreground-weighted reconstruction at the first layer.
    - "saliency_first": saliency reconstruction at the first layer (lambda).
    - "saliency_all": saliency reconstruction at every layer (figure 2-27).
    - "dual_path": layer i reconstructs the main layer i-1 and the auxiliary
      layer i-1 with lambda_i = lambda - decay * (i - 1), floored at 0 (figure
      2-28; the thesis: lambda = 1, decay 0.1); the auxiliary stack trains
      on the maps alongside, one layer per stage (the top one is never a target).

    Examples:
        >>> [p.saliency_weight for p in stage_plans("dual_path", 3)]
        [1.0, 0.9, 0.8]
    """
    check_choice("method", method, METHODS)
    num_layers = check_positive_int("num_layers", num_layers)
    lam = check_non_negative("saliency_weight", saliency_weight)
    decay = check_non_negative("saliency_weight_decay", saliency_weight_decay)
    plans = []
    for i in range(num_layers):
        if method == "foreground":
            plan = StagePlan(foreground=i == 0)
        elif method == "saliency_first":
            plan = StagePlan(saliency="map", saliency_weight=lam) if i == 0 else StagePlan()
        elif method == "saliency_all":
            plan = StagePlan(saliency="map", saliency_weight=lam)
        elif method == "dual_path":
            weight = round(max(lam - decay * i, 0.0), 12)
            plan = StagePlan(
                saliency="auxiliary", saliency_weight=weight, auxiliary=i < num_layers - 1
            )
        else:
            plan = StagePlan()
        plans.append(plan)
    return plans
