"""Every conformance spec: one module per family in this folder, each with `SPECS`."""

import importlib
import pkgutil
from pathlib import Path


def all_specs() -> list:
    folder = Path(__file__).parent
    specs = []
    for module in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if not module.name.startswith("_"):
            specs.extend(importlib.import_module(module.name).SPECS)
    return specs


def spec_named(name: str):
    return next(spec for spec in all_specs() if spec.name == name)
