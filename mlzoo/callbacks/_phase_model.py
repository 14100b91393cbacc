"""The phase variables that mutual-learning callbacks drive."""

from __future__ import annotations

PHASE_VARIABLES = ("negative_phase", "direction_period_batches", "mutual_learning")


def require_phase_model(callback_name: str, model) -> None:
    """Raise `TypeError` unless `model` exposes the mutual-learning phase variables."""
    missing = [name for name in PHASE_VARIABLES if not hasattr(model, name)]
    if missing:
        raise TypeError(
            f"{callback_name} drives the phase of a mutual learning model (e.g. "
            f"mlzoo.build_mutual_mlp); model {getattr(model, 'name', model)!r} of type "
            f"{type(model).__name__} has no {', '.join(missing)} variable."
        )
