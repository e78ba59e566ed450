"""Every module of the installed package imports, and every third-party package a module imports
at its top level is a declared dependency of dwagent (an undeclared one broke every usage error)."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata as md
import pkgutil
import re
import sys
from pathlib import Path

import dwagent

PACKAGE_DIR = Path(dwagent.__file__).parent


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="dwagent.") if not m.name.endswith("__main__"))


def _declared_distributions() -> set[str]:
    names = set()
    for req in md.requires("dwagent") or []:
        if "extra ==" in req and 'extra == "dev"' not in req:
            continue  # optional extras are imported lazily, inside functions
        names.add(re.split(r"[ <>=!;\[]", req, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:  # module level only: lazy imports inside functions are optional features
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_imports():
    failures = {}
    for name in _modules():
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - the test reports every failure at once
            failures[name] = f"{type(exc).__name__}: {exc}"
    assert not failures, failures


def test_top_level_imports_are_declared():
    declared = _declared_distributions()
    providers = md.packages_distributions()
    undeclared = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for top in _top_level_imports(path):
            if top == "dwagent" or top in sys.stdlib_module_names or top == "__future__":
                continue
            dists = {d.lower().replace("_", "-") for d in providers.get(top, [])}
            if not dists & declared:
                undeclared.setdefault(top, []).append(str(path.relative_to(PACKAGE_DIR)))
    assert not undeclared, undeclared


def test_cli_module_never_imports_click_directly():
    # typer >= 0.22 vendors click and does not install it: `import click` must not be needed
    assert "click" not in _top_level_imports(PACKAGE_DIR / "cli.py")
    assert "import click" not in (PACKAGE_DIR / "cli.py").read_text(encoding="utf-8")
