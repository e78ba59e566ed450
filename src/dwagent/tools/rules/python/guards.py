"""Guards around a Python node: the `if`/`elif`/`else`/conditional-expression conditions and the
earlier early exits that dominate it, with polarity, and the literal defaults of option names
declared in the same file (module constants, class attributes)."""

from __future__ import annotations

import re

import tree_sitter

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.bypass_guard import BypassGuard, judge_branches
from dwagent.tools.syntax.tree import text

_SCOPES = frozenset({"function_definition", "class_definition", "lambda", "module"})
_EXITS = frozenset({"return_statement", "raise_statement", "continue_statement", "break_statement"})


def _exits(block) -> bool:
    body = [c for c in block.named_children if c.type != "comment"] if block is not None else []
    return bool(body) and body[-1].type in _EXITS


def guarding_branches(node: tree_sitter.Node) -> list[tuple[tree_sitter.Node, bool]]:
    """(condition, polarity) of each enclosing branch, innermost first, up to the function: True
    when `node` runs only if the condition holds; False in an `else`, for the earlier conditions
    of an `elif` chain, and after an earlier `if cond: return`."""
    out = []
    child, cur = node, node.parent
    while cur is not None and cur.type not in _SCOPES:
        if cur.type in ("if_statement", "elif_clause"):
            cond = cur.child_by_field_name("condition")
            cons = cur.child_by_field_name("consequence")
            if cond is not None and cons is not None and cons.start_byte <= child.start_byte < cons.end_byte:
                out.append((cond, True))
            elif cond is not None and child != cond:
                out.append((cond, False))  # in an elif/else hanging off this if
        elif cur.type == "conditional_expression" and len(cur.named_children) == 3:
            value, cond, other = cur.named_children
            if child == value:
                out.append((cond, True))
            elif child == other:
                out.append((cond, False))
        elif cur.type == "block":
            for stmt in reversed([s for s in cur.named_children if s.end_byte <= child.start_byte]):
                if (
                    stmt.type == "if_statement"
                    and stmt.child_by_field_name("alternative") is None
                    and _exits(stmt.child_by_field_name("consequence"))
                ):
                    out.append((stmt.child_by_field_name("condition"), False))
        child, cur = cur, cur.parent
    return out


def literal_default(ctx: FileContext, name: str) -> str | None:
    """'true'/'false' when `name` is assigned a bool literal at module or class level in this file
    (`VERIFY_TLS = True`, `verify_ssl: bool = False`), None otherwise."""
    found = set(re.findall(rf"(?m)^(?:\s{{0,4}}){re.escape(name)}\s*(?::\s*[\w\[\]. ]+)?=\s*(True|False)\b", ctx.text))
    return found.pop().lower() if len(found) == 1 else None


def bypass_guard(ctx: FileContext, node: tree_sitter.Node) -> BypassGuard:
    """How the bypass at `node` is gated (see `bypass_guard.judge_branches`)."""
    branches = [(text(ctx, c), pol) for c, pol in guarding_branches(node)]
    return judge_branches(branches, lambda name: literal_default(ctx, name))
