"""Syntax helpers of the C# data-flow core (no state): string pieces, parameters, returns."""

from __future__ import annotations

import re
from dataclasses import replace

from dwagent.tools.dataflow.flow import Hop, Origin
from dwagent.tools.syntax.tree import line, member_body, text, unwrap

SUMMARY_DEPTH = 3  # in-file calls followed into their callees
FUNCTIONS = (
    "method_declaration",
    "constructor_declaration",
    "local_function_statement",
    "operator_declaration",
    "property_declaration",
    "accessor_declaration",
    "indexer_declaration",
)


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _splice(o: Origin, hop: Hop, identifier: bool) -> Origin:
    """`o` spliced into a string at `hop`; the innermost splice decides identifier vs value."""
    first = not _is_built(o)
    o = o.via(hop)
    return replace(o, identifier=identifier or bool(o.catalog)) if first else o


def _is_built(o: Origin) -> bool:
    return any(h.note.endswith(("spliced into a string", "starts a string", "appended")) for h in o.hops)


def _dangerous_prefix(language: str, category: str):
    """The sink category's pattern for a literal prefix after which a hole still matters (SSRF:
    the start of the URL or its authority), or None when every hole matters."""
    from dwagent.tools.dataflow.model import sinks

    spec = sinks(language).get(category) if category != "all" else None
    pattern = spec.get("dangerous_prefix") if isinstance(spec, dict) else None
    return re.compile(pattern) if pattern else None


def _formatted(hole) -> bool:
    return hole.parent is not None and any(c.type == "interpolation_format_clause" for c in hole.parent.named_children)


def _concat_parts(e) -> list:
    parts, stack = [], [e]
    while stack:
        n = unwrap(stack.pop())
        if n.type == "binary_expression" and n.child_by_field_name("operator") is not None and n.child_by_field_name("operator").type == "+":
            stack.extend([n.child_by_field_name("right"), n.child_by_field_name("left")])
        else:
            parts.append(n)
    return parts


def _literal_tail(ctx, n) -> str:
    raw = text(ctx, n)
    return raw.lstrip("@").strip('"') if n.type in ("string_literal", "verbatim_string_literal") else ""


def _literal_head(ctx, n) -> str:
    return text(ctx, n).lstrip("@").lstrip('"')[:5] if n.type in ("string_literal", "verbatim_string_literal") else ""


def _contains(outer, inner) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _arity(m) -> int:
    params = m.child_by_field_name("parameters")
    return sum(1 for p in (params.named_children if params is not None else ()) if p.type == "parameter")


def _param_names(ctx, m) -> list[str]:
    params = m.child_by_field_name("parameters")
    return [text(ctx, p.child_by_field_name("name")) for p in (params.named_children if params is not None else ()) if p.type == "parameter"]


def _param_line(m, name: str, ctx) -> int:
    params = m.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        if p.type == "parameter" and text(ctx, p.child_by_field_name("name")) == name:
            return line(p)
    return -1


def _decl_type(decl):
    return decl.child_by_field_name("type")


def _returned(method) -> list:
    body = member_body(method)
    if body is None:
        return []
    if body.type == "arrow_expression_clause":
        return [c for c in body.named_children if c.type != "comment"]
    out, stack = [], [body]
    while stack:
        n = stack.pop()
        if n.type in ("lambda_expression", "local_function_statement", "anonymous_method_expression"):
            continue
        if n.type == "return_statement":
            out.extend(c for c in n.named_children if c.type != "comment")
        stack.extend(n.named_children)
    return out
