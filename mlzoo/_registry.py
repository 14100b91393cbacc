"""A name -> object table with shell-style listing and "did you mean" lookups.

Both of mlzoo's registries (models, presets) are one of these.

Example:
    >>> table = Registry("model", "names()")
    >>> table.add("joint_mlp", 1)
    >>> table.names("joint_*"), table["joint_mlp"]
    (['joint_mlp'], 1)
    >>> table["joint_mpl"]
    Traceback (most recent call last):
    ...
    ValueError: No mlzoo model is named 'joint_mpl'. Did you mean 'joint_mlp'? names() lists them.
"""

from __future__ import annotations

import difflib
import fnmatch
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Registered objects by name; `kind` and `lister` word the error of an unknown name."""

    def __init__(self, kind: str, lister: str):
        self.kind, self.lister = kind, lister
        self._entries: dict[str, T] = {}

    def add(self, name: str, value: T) -> None:
        """Register `value` as `name` (a name is registered once)."""
        if name in self._entries:
            raise ValueError(f"A {self.kind} named {name!r} is registered already.")
        self._entries[name] = value

    def names(self, pattern: str | None = None) -> list[str]:
        """Registered names, sorted; `pattern` filters them shell-style ("sharing_*")."""
        found = sorted(self._entries)
        return [n for n in found if fnmatch.fnmatch(n, pattern)] if pattern else found

    def __getitem__(self, name: str) -> T:
        if name not in self._entries:
            close = difflib.get_close_matches(name, self._entries, n=3)
            suggestion = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ValueError(
                f"No mlzoo {self.kind} is named {name!r}.{suggestion} {self.lister} lists them."
            )
        return self._entries[name]
