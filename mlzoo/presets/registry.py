"""The preset registry: every paper protocol by name (keras-hub's `from_preset` names).

Example:
    >>> import mlzoo
    >>> "mutual_table5_mnist" in mlzoo.presets.names()
    True
    >>> mlzoo.presets.names("mutual_table5*")
    ['mutual_table5_mnist', 'mutual_table5_mnist_mse', 'mutual_table5_mnist_sum']
"""

from __future__ import annotations

from mlzoo._registry import Registry
from mlzoo.presets.preset import Preset

_PRESETS: Registry[Preset] = Registry("preset", "mlzoo.presets.names()")


def register(*presets: Preset) -> None:
    """Register `presets` under their names."""
    for preset in presets:
        _PRESETS.add(preset.name, preset)


def names(pattern: str | None = None) -> list[str]:
    """Registered preset names, sorted; `pattern` filters them shell-style ("mutual_*")."""
    return _PRESETS.names(pattern)


def get(name: str) -> Preset:
    """The preset registered as `name` (a ValueError suggests close names)."""
    return _PRESETS[name]
