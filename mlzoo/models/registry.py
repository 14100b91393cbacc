"""The model registry: every family by name (timm's `list_models` / `create_model`).

Examples:
    >>> import mlzoo
    >>> "self_organizing_map" in mlzoo.models.names()
    True
    >>> som = mlzoo.models.get("self_organizing_map", rows=4, cols=4, input_dim=8)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras

from mlzoo._registry import Registry


@dataclass(frozen=True)
class ModelEntry:
    """One registered model: its name, the builder that makes it and a one-line summary."""

    name: str
    builder: Callable[..., keras.Model]
    summary: str


_ENTRIES: Registry[ModelEntry] = Registry("model", "mlzoo.models.names()")


def register(name: str, summary: str | None = None):
    """Decorator registering a builder (function or `ZooModel` class) under `name`.

    The summary defaults to the first line of the builder's docstring.
    """

    def decorate(builder):
        text = summary or (builder.__doc__ or "").strip().splitlines()[0]
        _ENTRIES.add(name, ModelEntry(name, builder, text))
        return builder

    return decorate


def names(pattern: str | None = None) -> list[str]:
    """Registered model names, sorted; `pattern` filters them shell-style ("sharing_*")."""
    return _ENTRIES.names(pattern)


def entry(name: str) -> ModelEntry:
    """The registry entry of `name`."""
    return _ENTRIES[name]


def get(name: str, **kwargs) -> keras.Model:
    """Build the model registered as `name` with `kwargs` (the builder's arguments)."""
    return entry(name).builder(**kwargs)
