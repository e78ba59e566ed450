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

A tree with no entry point at all is a library: its public types are its API surface, so they
are roots too (as compilers' and IDEs' unused-code analyses treat public members). Types deriving
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
from dwagent.tools.graph.resolve import TypeIndex


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
            return f"entry point: {name}"
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
    return ""


def is_library(graph: CodeGraph, entry_units: set[str] | frozenset[str] = frozenset()) -> bool:
    """True when the tree has no entry point: no entry-point type and no top-level program."""
    return not entry_units and not any(t.live.startswith("entry point") for t in graph.types.values())


def _library_root(q: str, graph: CodeGraph, ix: TypeIndex) -> bool:
    node = graph.types[q]
    if node.live or node.role != "production" or "public" not in node.modifiers:
        return False
    # a subclass of an in-tree production class is a plug-in point that must be reached
    return not any(graph.types[a].role == "production" and graph.types[a].kind != "interface"
                   for a in ix.ancestors(q))


def compute_liveness(graph: CodeGraph, ix: TypeIndex, type_edges: dict[str, dict[str, tuple[str, int]]],
                     test_refs: dict[str, list[str]], cfg: GraphConfig,
                     entry_units: set[str] | frozenset[str] = frozenset()) -> None:
    """Set `live`, `referrers` and `test_refs` on every type of `graph` (in place)."""
    queue: deque[str] = deque()
    for q in sorted(graph.types):
        reason = root_reason(q, graph, ix, cfg)
        if reason:
            graph.types[q].live = reason
            queue.append(q)
    if is_library(graph, entry_units):
        for q in sorted(graph.types):
            if _library_root(q, graph, ix):
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
            via = cur[len("<module:"):-1] if cur.startswith("<module:") else cur
            node.live = (f"discovered by {disc} from {via}" if disc and file in disc
                         else f"referenced from {via} at {file}:{line}")
            queue.append(target)
    reverse: dict[str, list[str]] = {}
    for src, targets in type_edges.items():
        for target, (file, line) in targets.items():
            reverse.setdefault(target, []).append(f"{src} at {file}:{line}")
    for q, node in graph.types.items():
        node.referrers = sorted(reverse.get(q, []))[:8]
        node.test_refs = sorted(test_refs.get(q, []))[:5]
