"""Which types are wired: reachability over the type-reference graph from the roots.

Roots are entry points (a configured entry method such as `Main`; an entry attribute on the type
or one of its members; an entry base type anywhere up its base chain), public API (configured
globs over qualnames or paths), generated code, and top-level/module code. A type reached from a
root through production references (including reflection discoveries and DI registrations) is
wired, with the first path step recorded as the reason. References from test code never make a
production type wired; they are kept to be named in the finding.

A C# program's top-level statements are an entry point too (`entry_units`, found by the builder).
Python module-level code is a root but does not make the tree a program: a package often ships a
small `__main__` CLI next to the library API it exports.

Types the runtime or a framework creates by themselves (exceptions, attributes, event args,
`framework_base_types`) are roots but not entry points: they say nothing about whether the tree
is a program.

A tree with no entry point at all is a library: its public types are its API surface, so they
are roots too (as compilers' and IDEs' unused-code analyses treat public members; in Python,
public means no leading underscore on the class or its modules). Types deriving
from a production class of the same tree are not: a strategy or plugin subclass is an extension
point that must still be reached (instantiated, registered or discovered), as must non-public
types. Implementing an interface of the tree does not disqualify a public type: a library's
default implementation of its own contract (`InMemoryBus : IBus`) is what its callers construct.
"""

from __future__ import annotations

import fnmatch
from collections import deque

from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.model import CodeGraph
from dwagent.tools.graph.resolve import TypeIndex, bare


def root_reason(q: str, graph: CodeGraph, ix: TypeIndex, cfg: GraphConfig) -> str:
    """Why type `q` is a root ('' when it is not)."""
    t = graph.types[q]
    if t.role == "generated":
        return "generated code"
    if t.role == "test":
        return "test code"
    for glob in cfg.public_api:
        if fnmatch.fnmatchcase(q, glob) or any(fnmatch.fnmatchcase(l.file, glob) for l in t.locations):
            return f"public API ({glob})"
    members = ix.methods_of.get(q, {})
    for name in cfg.entry_methods:
        if name in members:
            # C#'s static Main is the program; a Python class's `main` method is just a method
            return f"entry point: {name}" if cfg.language != "python" else f"defines {name}()"
    attrs = set(t.attributes)
    for ms in members.values():
        for mq in ms:
            attrs.update(graph.methods[mq].attributes)
    hit = sorted(attrs & set(cfg.entry_attributes))
    if hit:
        return f"entry point: [{hit[0]}]"
    if cfg.decorators_register:
        hit = sorted(set(t.attributes) - set(cfg.inert_decorators))
        if hit:
            return f"registered by decorator @{hit[0]}"
    bases = set(t.bases)
    for a in ix.ancestors(q):
        bases.update(graph.types[a].bases)
    hit = sorted(bases & set(cfg.entry_base_types))
    if hit:
        return f"entry point: derives from {hit[0]}"
    hit = sorted(bases & set(cfg.framework_base_types))
    if hit:
        return f"framework type: derives from {hit[0]}"
    return ""


def is_library(graph: CodeGraph, cfg: GraphConfig, entry_units: set[str] | frozenset[str] = frozenset()) -> bool:
    """True when the tree has no entry point: no entry-point type, no top-level program and no
    production function a framework serves (a route, a command: Python's module-level handlers)."""
    if entry_units or any(t.live.startswith("entry point") for t in graph.types.values()):
        return False
    # member attributes are kept bare (`@app.get` → `get`): match the configured names both ways
    wanted = set(cfg.entry_attributes) | {bare(a) for a in cfg.entry_attributes}
    return not any(m.role == "production" and wanted.intersection(m.attributes) for m in graph.methods.values())


def _python_public(q: str) -> bool:
    """No leading underscore on the class nor on any package/module it lives in."""
    return not any(part.startswith("_") and not part.startswith("__") for part in q.split("."))


def _library_root(q: str, graph: CodeGraph, ix: TypeIndex, cfg: GraphConfig) -> bool:
    node = graph.types[q]
    if node.live or node.role != "production":
        return False
    if cfg.language == "python":
        # the naming convention is Python's only visibility: a public class of a public module is
        # API, subclasses included (an exported `FloatRange(_NumberRangeBase)` is what users call)
        return _python_public(q)
    if "public" not in node.modifiers:
        return False
    # a subclass of an in-tree production class is a plug-in point that must be reached
    return not any(graph.types[a].role == "production" and graph.types[a].kind != "interface" for a in ix.ancestors(q))


def compute_liveness(
    graph: CodeGraph,
    ix: TypeIndex,
    type_edges: dict[str, dict[str, tuple[str, int]]],
    test_refs: dict[str, list[str]],
    cfg: GraphConfig,
    entry_units: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Set `live`, `referrers` and `test_refs` on every type of `graph` (in place)."""
    queue: deque[str] = deque()
    for q in sorted(graph.types):
        reason = root_reason(q, graph, ix, cfg)
        if reason:
            graph.types[q].live = reason
            queue.append(q)
    if is_library(graph, cfg, entry_units):
        for q in sorted(graph.types):
            if _library_root(q, graph, ix, cfg):
                graph.types[q].live = "public type of a library (no entry point found in the tree)"
                queue.append(q)
    for src in sorted(type_edges):
        if src.startswith("<module:"):
            queue.append(src)
    seen = set(queue)
    while queue:
        cur = queue.popleft()
        for target, (file, line) in sorted(type_edges.get(cur, {}).items()):
            if target in seen:
                continue
            seen.add(target)
            node = graph.types[target]
            disc = graph.discovered.get(target)
            via = cur[len("<module:") : -1] if cur.startswith("<module:") else cur
            node.live = f"discovered by {disc} from {via}" if disc and file in disc else f"referenced from {via} at {file}:{line}"
            queue.append(target)
    reverse: dict[str, list[str]] = {}
    for src, targets in type_edges.items():
        for target, (file, line) in targets.items():
            reverse.setdefault(target, []).append(f"{src} at {file}:{line}")
    for q, node in graph.types.items():
        node.referrers = sorted(reverse.get(q, []))[:8]
        node.test_refs = sorted(test_refs.get(q, []))[:5]
