"""Unbounded growth in C#: long-lived private collections that are only ever added to."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import enclosing_type, hit, modifiers, name_of, nodes, text

COLLECTION_TYPE = re.compile(
    r"^(System\.Collections\.(Generic|Concurrent)\.)?(List|Dictionary|ConcurrentDictionary|HashSet|ConcurrentBag|"
    r"ConcurrentQueue|Queue|Stack|ConcurrentStack|SortedDictionary|SortedList|SortedSet|LinkedList)<"
)
GROW = frozenset(
    {"Add", "TryAdd", "AddOrUpdate", "GetOrAdd", "Enqueue", "Push", "Insert", "AddRange", "AddLast", "AddFirst", "InsertRange", "UnionWith"}
)
SHRINK = re.compile(
    r"^(Remove\w*|TryRemove|Clear|Dequeue|TryDequeue|TryTake|Take|Pop|TryPop|TrimExcess|"
    r"ExceptWith|IntersectWith|Trim\w*|Evict\w*|Prune\w*)$"
)
# Element types that are bounded by the program itself: delegates, handlers and Type keys.
REGISTRATION = re.compile(
    r"<\s*(Type|System\.Type)\s*[,>]|\b(Action|Func|EventHandler|Delegate|\w*Handler|\w*Callback|"
    r"\w*Subscriber|\w*Listener|\w*Plugin|\w*Strategy|\w*Factory)\b"
)
REGISTRATION_NAME = re.compile(r"(?i)handler|subscriber|subscription|listener|callback|plugin|strateg|factor|registration")
LONG_LIVED_CLASS = re.compile(
    r"(Service|Manager|Registry|Cache|Tracker|Monitor|Broker|Bus|Store|Pool|Host|"
    r"Coordinator|Dispatcher|Hub|Router|Engine|Server|Listener|Worker|Daemon|Singleton)$"
)


def _uses(ctx: FileContext, owner, field: str):
    """Yield (kind, detail) for each use of `field` in its class: ('call', method), ('index-set', ''),
    ('count', ''), ('reassign', ''), ('escape', '')."""
    wanted = field.encode("utf-8")
    size = len(wanted)
    source = ctx.source
    stack = [owner]
    while stack:
        n = stack.pop()
        stack.extend(n.named_children)
        # compare raw bytes, length first: this walk visits every node of the class
        if n.type != "identifier" or n.end_byte - n.start_byte != size or source[n.start_byte : n.end_byte] != wanted:
            continue
        p = n.parent
        if p is not None and p.type == "member_access_expression" and p.child_by_field_name("expression") == n:
            pass
        elif p is not None and p.type == "member_access_expression" and text(ctx, p.child_by_field_name("expression")) == "this":
            n, p = p, p.parent
        elif p is not None and p.type == "variable_declarator":
            continue  # its own declaration
        if p is None:
            continue
        if p.type == "member_access_expression" and p.child_by_field_name("expression") == n:
            member = text(ctx, p.child_by_field_name("name"))
            call = p.parent
            if call is not None and call.type == "invocation_expression":
                yield "call", member
            elif member in ("Count", "Length", "LongCount"):
                yield "count", ""
            else:
                yield "read", member
        elif p.type == "element_access_expression":
            a = p.parent
            if a is not None and a.type == "assignment_expression" and a.child_by_field_name("left") == p:
                yield "index-set", ""
            else:
                yield "read", ""
        elif p.type == "assignment_expression" and p.child_by_field_name("left") == n:
            yield "reassign", ""
        elif p.type in ("for_each_statement", "foreach_statement"):
            yield "read", ""
        else:
            yield "escape", p.type


@file_rule(
    id="DWA-209",
    title="Long-lived collection that only grows",
    category="unbounded-growth",
    severity="medium",
    confidence="medium",
    cwe=(770,),
    languages=("csharp",),
    domains=("readiness", "performance"),
)
def only_grows(ctx: FileContext) -> Iterable[Hit]:
    """A private static collection, or a private collection field of a long-lived class (a
    service, manager, registry, cache, tracker, hub...), that the class adds to (`Add`, `TryAdd`,
    `GetOrAdd`, `Enqueue`, indexer writes) but never removes from, clears, replaces, or checks
    against a size bound: memory grows with traffic until the process dies.

    Collections that leave the class (passed as an argument, returned, handed to another object)
    are not reported, since the code that shrinks them may live elsewhere; nor are registries of
    handlers, delegates, plugins or `Type` keys, which grow with the code rather than with traffic.
    """
    if not re.search(r"\.(Add|TryAdd|GetOrAdd|AddOrUpdate|Enqueue|Push)\(|\]\s*=", ctx.text):
        return
    for f in nodes(ctx, "field_declaration"):
        mods = modifiers(ctx, f)
        if mods & {"public", "protected", "internal", "const"}:
            continue
        owner = enclosing_type(f)
        if owner is None:
            continue
        if "static" not in mods and not LONG_LIVED_CLASS.search(name_of(ctx, owner)):
            continue
        decl = [c for c in f.named_children if c.type == "variable_declaration"]
        if not decl:
            continue
        typ = text(ctx, decl[0].child_by_field_name("type"))
        for d in decl[0].named_children:
            if d.type != "variable_declarator":
                continue
            init = text(ctx, d)
            if not (COLLECTION_TYPE.match(typ) or re.search(r"=\s*new\s+" + COLLECTION_TYPE.pattern.lstrip("^"), init)):
                continue
            field = name_of(ctx, d)
            if REGISTRATION.search(typ + " " + init) or REGISTRATION_NAME.search(field):
                continue  # handler/type registries grow with the code, not with traffic
            if not re.search(rf"\b{re.escape(field)}\s*(\.\s*(Add|TryAdd|GetOrAdd|AddOrUpdate|Enqueue|Push)\s*\(|\[)", text(ctx, owner)):
                continue  # never grown by name in its class: nothing to walk for
            kinds = list(_uses(ctx, owner, field))
            calls = {detail for kind, detail in kinds if kind == "call"}
            grows = bool(calls & GROW) or any(k == "index-set" for k, _ in kinds)
            shrinks = any(SHRINK.match(c) for c in calls)
            bounded = any(k in ("count", "reassign", "escape") for k, _ in kinds)
            if grows and not shrinks and not bounded:
                yield hit(d, f"`{field}` is only ever added to (never removed, cleared or bounded)", max_lines=1)
