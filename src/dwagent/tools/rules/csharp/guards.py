"""Guards around a node: the `if`/ternary conditions it sits behind, and the defaults of the
options those conditions read (looked up in the same file)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.guard_conditions import guard_atom
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
                if cond is not None and stmt.child_by_field_name("alternative") is None \
                        and _exits(stmt.child_by_field_name("consequence")):
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


@dataclass(frozen=True)
class BypassGuard:
    """How a security bypass is gated, read from its enclosing conditions with their polarity.

    kind: `none` (unconditional), `development` (dev/debug only), `environment` (an environment
    variable decides), `option-safe` (an opt-out option whose default keeps the check on),
    `option-unsafe` (the default turns the bypass on), `option-unknown` (default declared
    elsewhere: `option` and `bypass_when` let the engine resolve it), `other` (a condition that
    is not an opt-out, e.g. `if (useTls)` or a connection-state check: the bypass runs whenever
    that path does).
    """

    kind: str
    text: str = ""
    option: str = ""
    bypass_when: str = ""
    default: str = ""


def bypass_guard(ctx: FileContext, node: tree_sitter.Node, inner_option: str = "") -> BypassGuard:
    """The innermost enclosing condition that restricts the bypass at `node`, judged with polarity
    (`if (!verify)` with `verify = true` is an opt-out that is off by default). `inner_option` is
    an option read inside the callback itself (`opts.AllowX || errors == None`), which gates the
    bypass when true."""
    branches = [(inner_option, True)] if inner_option else []
    branches += [(text(ctx, c), pol) for c, pol in guarding_branches(node)]
    others = []
    for cond_text, polarity in branches:
        atom = guard_atom(cond_text, polarity)
        if atom is None:
            others.append(cond_text)
            continue
        if atom.kind != "option":
            return BypassGuard(atom.kind, atom.text)
        safe = "true" if atom.safe_default else "false"
        bypass_when = "false" if atom.safe_default else "true"
        default = bool_default(ctx, atom.option)
        if default is None:
            return BypassGuard("option-unknown", atom.text, atom.option, bypass_when)
        kind = "option-safe" if default == safe else "option-unsafe"
        return BypassGuard(kind, atom.text, atom.option, bypass_when, default)
    if others:
        return BypassGuard("other", others[0])
    return BypassGuard("none")


def guard_severity(guard: BypassGuard, base: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(severity, message suffix, finding properties) for a bypass gated by `guard`.

    Unconditional: `base`. Opt-out option whose default keeps the check: low. Development/debug
    only: low. Environment variable: medium. Option defaulting to the bypass: `base`. Option with
    its default elsewhere: medium until the engine resolves it (properties `option`, `bypass_when`).
    Any other condition: one step below `base` (critical -> high) -- it narrows when the code
    runs but nobody opted out of verification."""
    if guard.kind == "none":
        return base, " unconditionally", ()
    if guard.kind == "development":
        return "low", f" only in development/debug (`{guard.text[:60]}`)", ()
    if guard.kind == "environment":
        return "medium", f" when an environment setting says so (`{guard.text[:60]}`)", ()
    if guard.kind == "option-safe":
        return "low", (f" only when option `{guard.option}` is set to {guard.bypass_when} (default {guard.default},"
                       f" so validation is on by default)"), ()
    if guard.kind == "option-unsafe":
        return base, f" behind option `{guard.option}`, whose default {guard.default} turns the bypass on", ()
    if guard.kind == "option-unknown":
        return "medium", f" when option `{guard.option}` is {guard.bypass_when} (default not declared in this file)", \
            (("option", guard.option), ("bypass_when", guard.bypass_when))
    lowered = {"critical": "high", "high": "high", "medium": "medium"}.get(base, base)
    return lowered, (f" whenever `{guard.text[:60]}` holds -- a condition, not an opt-out of verification"), ()
