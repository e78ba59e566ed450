"""Local "built from input" analysis for C# string sinks (SQL text, command lines).

Deliberately intra-procedural and syntactic: an expression is *built from input* when it is an
interpolation, concatenation or `string.Format`/`string.Concat` with at least one hole that is not a
constant, a numeric/Guid parameter, a length/count, `nameof`, or passed through an escaping
function. A local variable is followed one step back to its initialiser or `+=` updates.
"""

from __future__ import annotations

import re

from dwagent.tools.dataflow.constants import NUMERIC_TYPE, _constant_choice, _constant_choice_local, _constant_map  # noqa: F401
from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    const_names,
    enclosing_member,
    interpolations,
    is_constant_expr,
    name_of,
    text,
    unwrap,
)

ESCAPER = re.compile(r"(?i)escape|quote|sanitiz|encode|parameter|bracket")
HARMLESS_MEMBER = re.compile(r"\.(Length|Count|Id)$")


def _param_types(ctx: FileContext, member) -> dict[str, str]:
    params = member.child_by_field_name("parameters") if member is not None else None
    out = {}
    for p in params.named_children if params is not None else ():
        if p.type == "parameter":
            out[text(ctx, p.child_by_field_name("name"))] = text(ctx, p.child_by_field_name("type"))
    return out


def _hole_is_input(ctx: FileContext, hole, consts, params) -> bool:
    hole = unwrap(hole)
    if is_constant_expr(ctx, hole, consts):
        return False
    t = text(ctx, hole)
    if HARMLESS_MEMBER.search(t):
        return False
    if hole.type == "identifier" and t in params and NUMERIC_TYPE.match(params[t]):
        return False
    if hole.type == "identifier" and _constant_choice_local(ctx, hole, consts):
        return False
    if hole.type == "invocation_expression":
        name = callee(ctx, hole)[1]
        if ESCAPER.search(name) or name in ("nameof", "ToString") and NUMERIC_TYPE.match(params.get(t.split(".")[0], "")):
            return False
    if hole.type == "conditional_expression":
        return any(_hole_is_input(ctx, hole.child_by_field_name(f), consts, params) for f in ("consequence", "alternative"))
    return True


def hole_is_input(ctx: FileContext, node) -> bool:
    """Whether `node`, used as a hole in a string, can carry input (judged in its own member)."""
    return _hole_is_input(ctx, node, const_names(ctx), _param_types(ctx, enclosing_member(node)))


def built_from_input(ctx: FileContext, expr, *, follow_locals: bool = True) -> str:
    """The first non-constant hole of a string built by interpolation/concatenation/Format, or ''."""
    if expr is None:
        return ""
    expr = unwrap(expr)
    member = enclosing_member(expr)
    consts = const_names(ctx)
    params = _param_types(ctx, member)
    holes: list = []
    if expr.type == "interpolated_string_expression":
        holes = interpolations(expr)
    elif expr.type == "binary_expression" and text(ctx, expr.child_by_field_name("operator")) == "+":
        stack = [expr]
        while stack:
            n = unwrap(stack.pop())
            if n.type == "binary_expression" and text(ctx, n.child_by_field_name("operator")) == "+":
                stack.extend([n.child_by_field_name("right"), n.child_by_field_name("left")])
            elif n.type == "interpolated_string_expression":
                holes.extend(interpolations(n))
            else:
                holes.append(n)
    elif expr.type == "invocation_expression":
        recv, name = callee(ctx, expr)
        if recv in ("string", "String") and name in ("Format", "Concat", "Join"):
            holes = arguments(expr)[1:] if name != "Concat" else arguments(expr)
    elif expr.type == "identifier" and follow_locals and member is not None:
        return _local_built(ctx, member, text(ctx, expr), expr.start_byte)
    for h in holes:
        if _hole_is_input(ctx, h, consts, params):
            return text(ctx, h)
    return ""


def local_build_site(ctx: FileContext, ident):
    """The statement that builds local `ident` from input (its declaration or an assignment in the
    same member, before the use), or None: where a fix belongs when the SQL is executed later."""
    ident = unwrap(ident)
    member = enclosing_member(ident)
    if ident.type != "identifier" or member is None:
        return None
    name, site = text(ctx, ident), None
    stack = [member]
    while stack:
        n = stack.pop()
        if n.start_byte >= ident.start_byte:
            continue
        value = None
        if n.type == "variable_declarator" and name_of(ctx, n) == name and len(n.named_children) > 1:
            value = n.named_children[-1]
        elif n.type == "assignment_expression" and text(ctx, n.child_by_field_name("left")) == name:
            value = n.child_by_field_name("right")
        if value is not None and built_from_input(ctx, value, follow_locals=False):
            if site is None or n.start_byte > site.start_byte:
                site = n
        stack.extend(n.named_children)
    while site is not None and site.parent is not None and site.type not in ("local_declaration_statement", "expression_statement"):
        site = site.parent
    return site


def _local_built(ctx: FileContext, member, name: str, before: int) -> str:
    stack = [member]
    while stack:
        n = stack.pop()
        if n.start_byte >= before:
            continue
        if n.type == "variable_declarator" and name_of(ctx, n) == name:
            init = [c for c in n.named_children if c.type != "identifier" or c != n.child_by_field_name("name")]
            for value in init[-1:]:
                found = built_from_input(ctx, value, follow_locals=False)
                if found:
                    return found
        elif n.type == "assignment_expression" and text(ctx, n.child_by_field_name("left")) == name:
            found = built_from_input(ctx, n.child_by_field_name("right"), follow_locals=False)
            if not found and text(ctx, n.child_by_field_name("operator")) == "+=":
                right = unwrap(n.child_by_field_name("right"))
                if not is_constant_expr(ctx, right, const_names(ctx)) and _hole_is_input(ctx, right, const_names(ctx), _param_types(ctx, member)):
                    found = text(ctx, right)
            if found:
                return found
        stack.extend(n.named_children)
    return ""
