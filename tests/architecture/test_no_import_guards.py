"""No silent seams: an import of one of our own modules is never wrapped in a `try` whose handler
would swallow its failure (a rename must fail loudly, not turn a check into NOT RUN), and no
`find_spec` probe decides whether our own code exists. Guards stay legal around optional extras
(chromadb, onnxruntime, tokenizers...), where the reason is recorded in run.json."""

from __future__ import annotations

import ast
from pathlib import Path

from .import_graph import PACKAGE, SRC

SWALLOWING = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _caught(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return {"BaseException"}
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else "" for t in types}


def _own_import(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] == "dwagent" for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "dwagent"
    if isinstance(node, ast.Call):  # importlib.import_module("dwagent...") / find_spec("dwagent...")
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0] if node.args else None
        return (
            name in ("import_module", "find_spec", "__import__") and isinstance(first, ast.Constant) and str(first.value).split(".")[0] == "dwagent"
        )
    return False


def guarded_own_imports(source: str, filename: str = "<src>") -> list[int]:
    """Line numbers of own-module imports inside a try body whose handlers swallow import errors,
    and of every find_spec probe of an own module wherever it is."""
    lines: set[int] = set()
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_caught(h) & SWALLOWING for h in node.handlers):
            for stmt in node.body:
                lines.update(n.lineno for n in ast.walk(stmt) if _own_import(n))
        if isinstance(node, ast.Call) and _own_import(node) and getattr(node.func, "attr", "") == "find_spec":
            lines.add(node.lineno)
    return sorted(lines)


def test_no_guarded_own_import() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line in guarded_own_imports(path.read_text(encoding="utf-8"), str(path)):
            found.append(f"{path.relative_to(SRC.parent).as_posix()}:{line}")
    assert not found, "own modules imported under a guard that hides their failure:\n" + "\n".join(found)


def test_the_check_can_fail() -> None:
    planted = (
        "try:\n    from dwagent.tools.graph import api\nexcept ImportError:\n    api = None\n"
        "def f():\n    try:\n        import chromadb\n    except ImportError:\n        return None\n"
        "import importlib.util\nok = importlib.util.find_spec('dwagent.tools.graph.api')\n"
        "try:\n    from . import sibling\nexcept Exception:\n    pass\n"
    )
    assert guarded_own_imports(planted) == [2, 11, 13]  # chromadb (an optional extra) stays legal


def test_src_is_where_the_package_is() -> None:
    assert (Path(SRC) / "dwagent" / "__init__.py").is_file()
