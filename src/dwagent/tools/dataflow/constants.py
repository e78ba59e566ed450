"""Values picked from constants: allow-list lookups in literal maps, switch expressions of literals
(C#). Input that only selects among fixed strings never reaches the text itself."""

from __future__ import annotations

import re

from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    descendants,
    enclosing_member,
    is_constant_expr,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

NUMERIC_TYPE = re.compile(r"^(int|long|short|uint|ulong|ushort|byte|Guid|bool|DateTime|DateTimeOffset|decimal|double|float|TimeSpan)\??$")


def _constant_choice_local(ctx: FileContext, ident, consts) -> bool:
    """A local whose value is picked from constants: an allow-list lookup in a read-only map of
    literals (`Map.TryGetValue(k, out var v) ? v : "x"`, `Map[k]`, `Map.GetValueOrDefault(k, "x")`) or
    a `switch` expression whose arms are all literals. Input selects among fixed strings; it never
    reaches the text itself."""
    member = enclosing_member(ident)
    if member is None:
        return False
    name = text(ctx, ident)
    stack = [member]
    while stack:
        n = stack.pop()
        if n.start_byte >= ident.start_byte:
            continue
        if n.type == "assignment_expression" and text(ctx, n.child_by_field_name("left")) == name:
            return False  # reassigned somewhere: too clever to follow
        if n.type == "variable_declarator" and name_of(ctx, n) == name and len(n.named_children) > 1:
            return _constant_choice(ctx, unwrap(n.named_children[-1]), consts)
        stack.extend(n.named_children)
    return False


def _constant_choice(ctx: FileContext, value, consts, out_vars: frozenset[str] = frozenset()) -> bool:
    if is_constant_expr(ctx, value, consts) or (value.type == "identifier" and text(ctx, value) in out_vars):
        return True
    if value.type == "switch_expression":
        arms = [a for a in value.named_children if a.type == "switch_expression_arm"]
        return bool(arms) and all(is_constant_expr(ctx, unwrap(a.named_children[-1]), consts) for a in arms)
    if value.type == "conditional_expression":
        cond = unwrap(value.child_by_field_name("condition"))
        outs = frozenset()
        if cond.type == "invocation_expression" and callee(ctx, cond)[1] == "TryGetValue" and _constant_map(ctx, callee(ctx, cond)[0]):
            outs = frozenset(text(ctx, d.named_children[-1]) for d in descendants(cond, "declaration_expression"))
        return all(_constant_choice(ctx, unwrap(value.child_by_field_name(f)), consts, outs) for f in ("consequence", "alternative"))
    if value.type == "element_access_expression":
        return _constant_map(ctx, text(ctx, value.named_children[0]))
    if value.type == "invocation_expression":
        recv, name = callee(ctx, value)
        args = arguments(value)
        return name == "GetValueOrDefault" and _constant_map(ctx, recv) and all(is_constant_expr(ctx, a, consts) for a in args[1:])
    return False


def _constant_map(ctx: FileContext, receiver: str) -> bool:
    """`receiver` names a read-only field of this file initialised with literals only."""
    name = receiver.split(".")[-1]
    if not name:
        return False
    for f in nodes(ctx, "field_declaration"):
        if "readonly" not in modifiers(ctx, f) and "const" not in modifiers(ctx, f):
            continue
        for d in descendants(f, "variable_declarator"):
            if name_of(ctx, d) != name or len(d.named_children) < 2:
                continue
            inits = descendants(d.named_children[-1], "initializer_expression")
            return bool(inits) and not any(
                descendants(i, "identifier") or descendants(i, "invocation_expression") or descendants(i, "interpolated_string_expression")
                for i in inits
            )
    return False
