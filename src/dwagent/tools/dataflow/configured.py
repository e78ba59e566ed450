"""Dangerous configuration graded by what reaches the API it configures (deserializers, XML parsers).

A `BinaryFormatter`, a Json.NET `TypeNameHandling.All`, an XML reader with DTD processing or an
lxml parser that resolves entities is the defect's shape; whether it is critical depends on what
it is fed. `graded(...)` finds the sink sites of `category` (`models/<language>-sinks.yaml`) in the
same function as the configuration (else the same type/module), asks the data-flow core what
reaches each, and reports once at the configuration with the strongest evidence:

- an untrusted source (request data, socket bytes, a message payload, an upload) or a value read
  back from storage reaches it: the rule's `high` severity, with the path from the source to
  the sink as hops;
- a caller-supplied parameter, command-line/environment input or a value the core cannot trace:
  medium, the reason written in the message;
- only constants, configuration or object state reach it: low ("configuration-controlled");
- no consuming call in view: medium ("the payload's origin is not in view").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import csharp_sink_sites, python_sink_sites, report
from dwagent.tools.syntax.hit import Hit
from dwagent.tools.syntax.tree import ancestor
from dwagent.tools.syntax.tree import hit as make_hit

_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_SCOPES = {
    "csharp": (
        ("method_declaration", "constructor_declaration", "local_function_statement", "lambda_expression"),
        ("class_declaration", "struct_declaration", "record_declaration"),
    ),
    "python": (("function_definition",), ("class_definition", "module")),
}


def _start(node: Any) -> int:
    return node.start_byte


def _scope(node, language: str):
    fns, types = _SCOPES[language]
    return ancestor(node, fns) or ancestor(node, types)


def graded(ctx, at, category: str, *, high: str, what: str, fix: str, sites=None, max_lines: int = 2) -> Iterable[Hit]:
    """One Hit at `at` (the dangerous configuration), graded by what reaches the `category` sink
    sites in its scope (`sites` overrides the search)."""
    if sites is None:
        found = python_sink_sites(ctx, category) if ctx.language == "python" else csharp_sink_sites(ctx, category)
        scope = _scope(at, ctx.language)
        if scope is not None:
            found = [s for s in found if scope.start_byte <= _start(s.node) < scope.end_byte]
        sites = found
    flows = flows_for(ctx)
    best: Hit | None = None
    for site in sites:
        for h in report(
            ctx, flows, site, category, high=high, min_trust="unknown", message=f"{what}, fed by `{site.label}`", at=at, max_lines=max_lines, fix=fix
        ):
            if best is None or _RANK[h.severity or "medium"] < _RANK[best.severity or "medium"]:
                best = h
    if best is not None:
        yield best
    elif sites:
        yield make_hit(
            at,
            f"{what}: only constants, configuration or object state reach it (configuration-controlled); {fix}",
            severity="low",
            confidence="medium",
            max_lines=max_lines,
        )
    else:
        yield make_hit(
            at,
            f"{what}: the payload's origin is not in view (no untrusted source demonstrated); {fix}",
            severity="medium",
            confidence="medium",
            max_lines=max_lines,
        )
