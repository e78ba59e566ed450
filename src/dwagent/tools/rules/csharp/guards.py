"""Guards around a node: the `if`/ternary conditions it sits behind, and the defaults of the
options those conditions read (looked up in the same file)."""
from __future__ import annotations

import re

import tree_sitter

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.syntax import MEMBER_TYPES, name_of, nodes, text

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
