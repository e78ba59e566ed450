"""Where a value is a literal: the constant-provenance half of the data-flow core.

`csharp_literal` / `python_literal` follow an expression back to a string literal through at most
a few hops (a local's single initialiser, a `const`/`static readonly` field, a module-level
assignment), returning the literal's value and the hops, or None when any step is not a literal.
"""

from __future__ import annotations

import re

from dwagent.tools.syntax.tree import ancestor, line, modifiers, name_of, nodes, text, unwrap

MAX_HOPS = 3
_CS_STRINGS = ("string_literal", "verbatim_string_literal", "raw_string_literal")


def _cs_value(ctx, node) -> str | None:
    if node.type in _CS_STRINGS:
        return re.sub(r'^@?"+|"+$', "", text(ctx, node))
    if node.type == "interpolated_string_expression" and not any(c.type == "interpolation" for c in node.named_children):
        return re.sub(r'^\$@?"+|"+$', "", text(ctx, node))
    return None


def csharp_literal(ctx, expr, depth: int = 0):
    """(value, hops) when `expr` is, or leads to, a C# string literal; else None."""
    if expr is None or depth > MAX_HOPS:
        return None
    expr = unwrap(expr)
    value = _cs_value(ctx, expr)
    if value is not None:
        return value, ((line(expr), "a string literal"),)
    if expr.type == "binary_expression" and text(ctx, expr.child_by_field_name("operator")) == "+":
        left = csharp_literal(ctx, expr.child_by_field_name("left"), depth + 1)
        right = csharp_literal(ctx, expr.child_by_field_name("right"), depth + 1)
        if left and right:
            return left[0] + right[0], left[1]
        return None
    if expr.type not in ("identifier", "member_access_expression"):
        return None
    name = text(ctx, expr).split(".")[-1]
    fn = ancestor(expr, ("method_declaration", "constructor_declaration", "local_function_statement"))
    decls = [d for d in nodes(ctx, "variable_declarator") if name_of(ctx, d) == name and len(d.named_children) > 1]
    local = [d for d in decls if fn is not None and fn.start_byte <= d.start_byte < fn.end_byte and d.start_byte < expr.start_byte]
    if local:
        if _reassigned(ctx, fn, name):
            return None
        found = csharp_literal(ctx, local[-1].named_children[-1], depth + 1)
        return (found[0], found[1] + ((line(local[-1]), f"`{name}` holds it"),)) if found else None
    for d in decls:
        field = ancestor(d, ("field_declaration",))
        if field is not None and ({"const"} <= modifiers(ctx, field) or {"static", "readonly"} <= modifiers(ctx, field)):
            found = csharp_literal(ctx, d.named_children[-1], depth + 1)
            return (found[0], found[1] + ((line(d), f"constant `{name}`"),)) if found else None
    return None


def _reassigned(ctx, fn, name: str) -> bool:
    return any(
        text(ctx, a.child_by_field_name("left")) == name for a in nodes(ctx, "assignment_expression") if fn.start_byte <= a.start_byte < fn.end_byte
    )


def python_literal(ctx, expr, depth: int = 0):
    """(value, hops) when `expr` is, or leads to, a Python string/bytes literal; else None."""
    if expr is None or depth > MAX_HOPS:
        return None
    expr = unwrap(expr)
    if expr.type == "string" and not any(c.type == "interpolation" for c in expr.named_children):
        return re.sub(r"^[rbuRBU]*('''|\"\"\"|'|\")|('''|\"\"\"|'|\")$", "", text(ctx, expr)), ((line(expr), "a string literal"),)
    if expr.type == "tuple" and len(expr.named_children) == 2:
        return python_literal(ctx, expr.named_children[1], depth + 1)  # auth=("user", "password")
    if expr.type != "identifier":
        return None
    name = text(ctx, expr)
    fn = ancestor(expr, ("function_definition",))
    assigns = [
        a
        for a in nodes(ctx, "assignment")
        if text(ctx, a.child_by_field_name("left")) == name
        and a.start_byte < expr.start_byte
        and (ancestor(a, ("function_definition",)) is None or (fn is not None and fn.start_byte <= a.start_byte < fn.end_byte))
    ]
    if len(assigns) != 1:
        return None
    found = python_literal(ctx, assigns[0].child_by_field_name("right"), depth + 1)
    return (found[0], found[1] + ((line(assigns[0]), f"`{name}` holds it"),)) if found else None
