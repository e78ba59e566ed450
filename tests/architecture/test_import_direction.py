"""Dependencies point one way: core <- tools <- rubric <- report <- agents.llm <- competitors <- agents
<- evals <- commands <- cli, and no two packages import each other (directly or round a cycle).

Read from the source (tests/architecture/import_graph.py), so a lazy import inside a function counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .import_graph import ImportEdge, own_imports

# Lowest first. A module may import its own layer or a lower one, never a higher one. The longest
# matching prefix decides (dwagent.agents.llm is its own layer below the rest of dwagent.agents:
# the gateway is used by the competitor prose and the agents, and itself uses only core and tools).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("dwagent", "dwagent.models", "dwagent.errors", "dwagent.config"),
    ("dwagent.tools",),
    ("dwagent.rubric", "dwagent.prompts"),
    ("dwagent.report",),
    ("dwagent.agents.llm",),
    ("dwagent.competitors",),
    ("dwagent.agents",),
    ("dwagent.evals",),
    ("dwagent.commands",),
    ("dwagent.cli", "dwagent.__main__"),
)


def layer_of(module: str) -> tuple[int, str]:
    """(rank, prefix) of the longest LAYERS prefix covering `module`."""
    best = (-1, "")
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            covers = module == prefix or (prefix != "dwagent" and module.startswith(prefix + "."))
            if covers and len(prefix) > len(best[1]):
                best = (rank, prefix)
    if best[0] < 0 and module.count(".") == 1:
        best = (0, "dwagent")  # a new top-level module (dwagent.x) is core until placed
    return best


def _fmt(e: ImportEdge) -> str:
    return f"{e.path}:{e.line}: {e.importer} -> {e.imported}"


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({e.importer for e in own_imports() if layer_of(e.importer)[0] < 0})
    assert not unplaced, f"add these packages to LAYERS: {unplaced}"


def test_no_import_points_up() -> None:
    upward = [e for e in own_imports() if layer_of(e.importer)[0] < layer_of(e.imported)[0]]
    assert not upward, "imports that point up the layers:\n" + "\n".join(map(_fmt, upward))


def _package(module: str, packages: set[str]) -> str:
    return module if module in packages else module.rpartition(".")[0]


def _related(a: str, b: str) -> bool:
    """A sub-package using its parent's contract modules (state, context) while the parent's
    wiring module uses the sub-package is nesting, not a cycle between packages."""
    return a.startswith(b + ".") or b.startswith(a + ".")


def package_cycles(edges: Iterable[ImportEdge], packages: set[str]) -> list[list[str]]:
    """Strongly connected groups of two or more packages (Tarjan), each sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        a, b = _package(e.importer, packages), _package(e.imported, packages)
        if a != b and not _related(a, b):
            graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _packages() -> set[str]:
    from .import_graph import PACKAGE, module_name

    return {module_name(p) for p in PACKAGE.rglob("__init__.py")}


def test_no_cycle_between_packages() -> None:
    edges, packages = own_imports(), _packages()
    cycles = package_cycles(edges, packages)
    detail = [
        _fmt(e)
        for e in edges
        for group in cycles
        if _package(e.importer, packages) in group
        and _package(e.imported, packages) in group
        and _package(e.importer, packages) != _package(e.imported, packages)
    ]
    assert not cycles, f"package cycles {cycles}:\n" + "\n".join(detail)


def test_the_checks_can_fail() -> None:
    """The cycle finder and the layer order catch a planted violation."""
    planted = [ImportEdge("dwagent.tools.a.m", "dwagent.tools.b.n", "x.py", 1), ImportEdge("dwagent.tools.b.n", "dwagent.tools.a.m", "y.py", 2)]
    assert package_cycles(planted, {"dwagent.tools.a", "dwagent.tools.b"}) == [["dwagent.tools.a", "dwagent.tools.b"]]
    assert layer_of("dwagent.tools.rules.engine")[0] < layer_of("dwagent.agents.nodes.evidence")[0]
    assert layer_of("dwagent.agents.llm.ledger")[0] < layer_of("dwagent.agents.nodes.evidence")[0]
    assert layer_of("dwagent.report.write")[0] < layer_of("dwagent.agents.llm.ledger")[0]
