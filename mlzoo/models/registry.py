"""The model registry: every family by name (timm's `list_models` / `create_model`).

Examples:
    >>> import mlzoo
    >>> "self_organizing_map" in mlzoo.models.names()
    True
    >>> som = mlzoo.models.get("self_organizing_map", rows=4, cols=4, input_dim=8)
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

import keras


@dataclass(frozen=True)
class ModelEntry:
    """One registered model: its name, the builder that makes it and a one-line summary."""

    name: str
    builder: Callable[..., keras.Model]
    summary: str


_ENTRIES: dict[str, ModelEntry] = {}


def register(name: str, summary: str | None = None):
    """Decorator registering a builder (function or `ZooModel` class) under `name`.

    The summary defaults to the first line of the builder's docstring.
    """

    def decorate(builder):
        if name in _ENTRIES:
            raise ValueError(f"A model named {name!r} is registered already.")
        text = summary or (builder.__doc__ or "").strip().splitlines()[0]
        _ENTRIES[name] = ModelEntry(name, builder, text)
        return builder

    return decorate


def names(pattern: str | None = None) -> list[str]:
    """Registered model names, sorted; `pattern` filters them shell-style ("sharing_*")."""
    found = sorted(_ENTRIES)
    return [n for n in found if fnmatch.fnmatch(n, pattern)] if pattern else found


def entry(name: str) -> ModelEntry:
    """The registry entry of `name`."""
    if name not in _ENTRIES:
        close = difflib.get_close_matches(name, _ENTRIES, n=3)
        suggestion = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"No mlzoo model is named {name!r}.{suggestion} mlzoo.models.names() lists them."
        )
    return _ENTRIES[name]


def get(name: str, **kwargs) -> keras.Model:
    """Build the model registered as `name` with `kwargs` (the builder's arguments)."""
    return entry(name).builder(**kwargs)
