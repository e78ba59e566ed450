"""Every module of the package imports (a broken import anywhere fails here, not at a user's run)."""

from __future__ import annotations

import importlib

import pytest

from .import_graph import PACKAGE, module_name

MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_package_has_modules() -> None:
    assert "dwagent.cli" in MODULES and "dwagent.agents.graph" in MODULES and len(MODULES) > 150


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name: str) -> None:
    importlib.import_module(name)
