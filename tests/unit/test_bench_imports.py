"""The benchmarks import the product's code by name; a rename in src/ must not leave one of them
broken until someone runs it (the webhook benchmark's relay loop once died on an ImportError and the
run waited ten minutes for deliveries that never came). Every ``from pmsaas... import name`` in
bench/ must resolve."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _names_imported_from_the_package() -> list[tuple[str, str, str]]:
    found = []
    for script in sorted(BENCH.rglob("*.py")):
        if ".venvs" in script.relative_to(BENCH).parts:  # the benchmarks' own virtualenvs, not their code
            continue
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pmsaas":
                found += [(script.name, node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(script.name, a.name, "") for a in node.names if a.name.split(".")[0] == "pmsaas"]
    return found


def _resolves(module: str, name: str) -> bool:
    imported = importlib.import_module(module)
    if not name or hasattr(imported, name):
        return True
    try:
        importlib.import_module(f"{module}.{name}")  # a submodule: ``from package import module``
    except ImportError:
        return False
    return True


def test_every_name_the_benchmarks_import_from_the_package_exists():
    imports = _names_imported_from_the_package()
    assert len(imports) > 20  # the walk found the benchmarks' imports
    broken = [
        f"{script}: from {module} import {name}" for script, module, name in imports if not _resolves(module, name)
    ]
    assert broken == []
