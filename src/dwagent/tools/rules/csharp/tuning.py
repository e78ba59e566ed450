"""Hard-coded tuning in C#: a configured level (compression level, quality) that exists in the
class but is ignored where the work is done, in favour of a literal."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    ancestor,
    enclosing_member,
    enclosing_type,
    hit,
    name_of,
    nodes,
    text,
    unwrap,
)

TUNED_ENUM = re.compile(r"^\w*CompressionLevel$")
TUNED_LABEL = re.compile(r"(?i)^(quality|compressionlevel|compression_level|level)$")
CONFIGURED_NAME = re.compile(r"(?i)(compressionlevel|quality)$|^_?level$")


def _configured_names(ctx: FileContext, owner) -> set[str]:
    """Names in the class that hold a configured level: declared members/parameters of a tuned
    enum type or named like one, and option members read through `x.Name`."""
    names: set[str] = set()
    stack = [owner]
    while stack:
        n = stack.pop()
        if n.type in ("property_declaration", "parameter"):
            typ = text(ctx, n.child_by_field_name("type"))
            nm = name_of(ctx, n)
            if TUNED_ENUM.match(typ) or (CONFIGURED_NAME.search(nm) and typ in ("int", "int?", "byte", "long")):
                names.add(nm)
        elif n.type == "variable_declaration":
            typ = text(ctx, n.child_by_field_name("type"))
            for d in n.named_children:
                if d.type == "variable_declarator" and (TUNED_ENUM.match(typ) or CONFIGURED_NAME.search(name_of(ctx, d))):
                    if typ != "var":
                        names.add(name_of(ctx, d))
        elif n.type == "member_access_expression":
            nm = text(ctx, n.child_by_field_name("name"))
            recv = text(ctx, n.child_by_field_name("expression"))
            if CONFIGURED_NAME.search(nm) and not TUNED_ENUM.match(recv):
                names.add(nm)
        stack.extend(n.named_children)
    return names


def _reads_any(ctx: FileContext, member, names: set[str]) -> bool:
    # enum literals like `CompressionLevel.Optimal` name the type, not the configured member
    body = re.sub(r"(?<![.\w])\w*CompressionLevel\.[A-Z]\w*", "", text(ctx, member))
    return any(re.search(rf"\b{re.escape(n)}\b", body) for n in names)


@file_rule(
    id="DWA-208",
    title="Configured level ignored by a hard-coded value",
    category="hardcoded-tuning",
    severity="medium",
    languages=("csharp",),
    domains=("readiness", "performance"),
)
def ignored_level(ctx: FileContext) -> Iterable[Hit]:
    """A class holds a configured compression level or quality (an option member, a field or a
    constructor parameter such as `_options.CompressionLevel` or `int quality`), yet a method does
    its work with a literal (`CompressionLevel.Optimal`, `quality: 100`) and never reads the
    configured value: the setting users tune has no effect.

    Declarations and defaults of the option itself, mapping methods that return the level type,
    and classes with no configured level are not reported.
    """
    # substring checks first: a regex alternation over every file costs more than the rule
    source = ctx.text
    if "CompressionLevel" not in source and not (("uality" in source or "evel" in source) and re.search(r"(?i)(quality|level)\s*:\s*\d", source)):
        return
    candidates = []
    for m in nodes(ctx, "member_access_expression"):
        if TUNED_ENUM.match(text(ctx, m.child_by_field_name("expression")).split(".")[-1]):
            candidates.append((m, text(ctx, m)))
    for arg in nodes(ctx, "argument"):
        label = arg.child_by_field_name("name")
        val = unwrap(arg.named_children[-1]) if arg.named_children else None
        if label is not None and val is not None and TUNED_LABEL.match(text(ctx, label)) and val.type == "integer_literal":
            candidates.append((arg, text(ctx, arg)))
    cache: dict[int, set[str]] = {}
    for node, literal in candidates:
        member = enclosing_member(node)
        owner = enclosing_type(node)
        if member is None or owner is None or member.type not in ("method_declaration", "constructor_declaration", "local_function_statement"):
            continue
        returns = text(ctx, member.child_by_field_name("returns") or member.child_by_field_name("type"))
        if TUNED_ENUM.match(returns) or ancestor(node, ("switch_expression", "switch_section")) is not None:
            continue
        key = owner.start_byte
        if key not in cache:
            cache[key] = _configured_names(ctx, owner)
        configured = cache[key]
        if configured and not _reads_any(ctx, member, configured):
            shown = ", ".join(sorted(configured)[:3])
            yield hit(node, f"`{literal}` is hard-coded while the configured `{shown}` is never read here", max_lines=1)
