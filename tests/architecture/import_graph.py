"""The package's own import graph, read from the source with `ast` (never by importing it).

Every `import dwagent...` / `from dwagent... import` / relative import counts, at any depth:
module level, inside functions and under `if TYPE_CHECKING:` (a lazy import is still a
dependency; hiding one inside a function does not change the direction it points)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "dwagent"


@dataclass(frozen=True)
class ImportEdge:
    importer: str  # module name, e.g. dwagent.agents.nodes.evidence
    imported: str  # the most specific dwagent module or package named by the import
    path: str  # repository-relative path of the importing file
    line: int


def module_name(path: Path) -> str:
    """dwagent.x.y for src/dwagent/x/y.py (and dwagent.x for src/dwagent/x/__init__.py)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package_of(path: Path, module: str) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _known(name: str, modules: set[str]) -> str:
    """The longest prefix of `name` that is a module or package of ours (a `from x import y`
    may name a module `x.y` or an attribute `y` of `x`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


@lru_cache(maxsize=1)  # one parse of the tree for every test that reads it
def own_imports() -> tuple[ImportEdge, ...]:
    """Every import of one of our modules, in every file under src/dwagent, sorted."""
    files = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    modules = {module_name(p) for p in files}
    edges: list[ImportEdge] = []
    for path in files:
        importer = module_name(path)
        rel = path.relative_to(SRC.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = _package_of(path, importer).split(".")
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                names = [f"{prefix}.{a.name}" for a in node.names] if prefix.startswith("dwagent") else []
            for name in names:
                target = _known(name, modules) if name.split(".")[0] == "dwagent" else ""
                if target:
                    edges.append(ImportEdge(importer, target, rel, node.lineno))
    return tuple(sorted(set(edges), key=lambda e: (e.path, e.line, e.imported)))
