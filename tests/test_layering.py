"""The package's layering: building blocks never import the models built from them."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "mlzoo"
BLOCKS = ["callbacks", "layers", "losses", "constraints", "datasets", "saliency", "visualization"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("block", BLOCKS)
def test_building_blocks_do_not_import_models(block):
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            n for n in _imports(path) if n.startswith("mlzoo.models")
        )
        for path in (PACKAGE / block).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
