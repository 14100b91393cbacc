"""The phase variables that mutual-learning callbacks drive; the epoch count they plan for."""

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


def check_total_epochs(callback_name: str, total_epochs: int, params: dict | None) -> None:
    """Raise `ValueError` unless `fit` runs the `total_epochs` the schedule was made for."""
    epochs = (params or {}).get("epochs")
    if epochs is not None and epochs != total_epochs:
        raise ValueError(
            f"{callback_name} was built for total_epochs={total_epochs}, but fit runs "
            f"epochs={epochs}: its schedule would be wrong. Pass the same number to both "
            f"(e.g. {callback_name}(..., total_epochs={epochs}))."
        )
