"""Guards around a node: the `if`/ternary conditions it sits behind, and the defaults of the
options those conditions read (looked up in the same file)."""

from __future__ import annotations

import re

import tree_sitter

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.bypass_guard import BypassGuard, judge_branches
from dwagent.tools.syntax.tree import MEMBER_TYPES, name_of, nodes, text

_STOP = MEMBER_TYPES | {"lambda_expression", "anonymous_method_expression"}


def guarding_conditions(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """Conditions of the enclosing `if` statements / ternaries whose *taken* branch holds `node`,
    innermost first, up to the enclosing member."""
    out = []
    child, cur = node, node.parent
    while cur is not None and cur.type not in MEMBER_TYPES:
        if cur.type == "if_statement":
            cond = cur.child_by_field_name("condition")
            if cond is not None and child != cond:
                out.append(cond)
        elif cur.type == "conditional_expression":
            cond = cur.child_by_field_name("condition")
            if cond is not None and child != cond:
                out.append(cond)
        elif cur.type == "switch_section":
            out.append(cur)
        child, cur = cur, cur.parent
    return out


def condition_names(ctx: FileContext, cond: tree_sitter.Node) -> list[str]:
    """Option-like names a condition reads: `_opts.AllowInvalidCerts` -> ['AllowInvalidCerts']."""
    skip = {"true", "false", "null", "if", "is", "not", "and", "or", "var", "this", "case", "default", "Value"}
    # the last segment of each dotted chain is the option (`options.Value.AllowX` -> AllowX)
    chains = re.findall(r"[A-Za-z_][A-Za-z0-9_]*(?:\s*\??\.\s*[A-Za-z_][A-Za-z0-9_]*)*", text(ctx, cond))
    names = []
    for chain in chains:
        parts = [p.strip(" ?") for p in chain.split(".") if p.strip(" ?") not in skip]
        if parts:
            names.append(parts[-1])
    return names


def bool_default(ctx: FileContext, name: str) -> str | None:
    """'true'/'false' for a bool property/field named `name` declared in this file (C# default of an
    uninitialised bool is false), or None when the file does not declare it."""
    for prop in nodes(ctx, "property_declaration"):
        if name_of(ctx, prop) == name:
            init = [c for c in prop.named_children if c.type == "boolean_literal"]
            if init:
                return text(ctx, init[-1])
            return "false" if text(ctx, prop.child_by_field_name("type")) in ("bool", "Boolean") else None
    for decl in nodes(ctx, "variable_declarator"):
        if name_of(ctx, decl) == name:
            vals = [c for c in decl.named_children if c.type == "boolean_literal"]
            vdecl = decl.parent
            typ = text(ctx, vdecl.child_by_field_name("type")) if vdecl is not None else ""
            if vals:
                return text(ctx, vals[-1])
            if typ in ("bool", "Boolean") and len(decl.named_children) == 1:
                return "false"
    return None


def guarding_branches(node: tree_sitter.Node) -> list[tuple[tree_sitter.Node, bool]]:
    """(condition, polarity) of each enclosing `if` / ternary and of each earlier early-exit `if`
    of an enclosing block, innermost first, up to the member: polarity is True when `node` runs
    only if the condition holds, False when it runs only if it does not (`else` branch, or after
    `if (cond) return;`). Switch sections are not conditions on a value the rule can read."""
    out = []
    child, cur = node, node.parent
    while cur is not None and cur.type not in MEMBER_TYPES:
        if cur.type in ("if_statement", "conditional_expression"):
            cond = cur.child_by_field_name("condition")
            if cond is not None and child != cond:
                alt = cur.child_by_field_name("alternative")
                in_else = alt is not None and alt.start_byte <= child.start_byte and child.end_byte <= alt.end_byte
                out.append((cond, not in_else))
        elif cur.type == "block":
            # `if (useTls) return secure;` earlier in the block: what follows runs only when it is false
            for stmt in reversed([s for s in cur.named_children if s.end_byte <= child.start_byte]):
                cond = stmt.child_by_field_name("condition") if stmt.type == "if_statement" else None
                if cond is not None and stmt.child_by_field_name("alternative") is None and _exits(stmt.child_by_field_name("consequence")):
                    out.append((cond, False))
        child, cur = cur, cur.parent
    return out


def _exits(stmt) -> bool:
    """Does this statement always leave the block (return / throw, or a block ending in one)?"""
    if stmt is None:
        return False
    if stmt.type in ("return_statement", "throw_statement"):
        return True
    if stmt.type == "expression_statement" and stmt.named_children and stmt.named_children[0].type == "throw_expression":
        return True
    if stmt.type == "block":
        body = [c for c in stmt.named_children if c.type != "comment"]
        return bool(body) and _exits(body[-1])
    return False


def bypass_guard(ctx: FileContext, node: tree_sitter.Node, inner_option: str = "") -> BypassGuard:
    """The innermost enclosing condition that restricts the bypass at `node`, judged with polarity
    (`if (!verify)` with `verify = true` is an opt-out that is off by default). `inner_option` is
    an option read inside the callback itself (`opts.AllowX || errors == None`), which gates the
    bypass when true. Option defaults come from this file's bool declarations."""
    branches = [(inner_option, True)] if inner_option else []
    branches += [(text(ctx, c), pol) for c, pol in guarding_branches(node)]
    return judge_branches(branches, lambda name: bool_default(ctx, name))
