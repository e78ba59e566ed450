"""Python runtime readiness: sleeps standing in for work, module-level collections that only grow."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import is_constant
from dwagent.tools.syntax.tree import hit, nodes, text

WAIT_NAMES = re.compile(r"(?i)sleep|wait|delay|backoff|retry|throttl|poll|pause|debounce|jitter|cooldown|heartbeat|tick")
CONSTANT_RETURN = re.compile(r"^return(\s+(True|False|None|-?\d+(\.\d+)?|['\"].*['\"]|\w+|\{\}|\[\]|\(\)))?$", re.S)


def _statements(block) -> list:
    return [s for s in block.named_children if s.type != "comment"] if block is not None else []


SLEEP = re.compile(r"^(await\s+)?(asyncio\.|time\.|anyio\.|trio\.)?sleep\((.*)\)$", re.S)
LITERAL_VALUE = re.compile(r"^(True|False|None|-?\d+(\.\d+)?|[rbu]?['\"].*['\"]|\{\}|\[\]|\(\)|[A-Z][A-Z0-9_]*)$", re.S)
LOG_CALL = re.compile(r"^(print|(self\.)?_?(log|logger|LOG|LOGGER|logging)\.\w+)\(", re.S)
# Iterables that do no work of their own: names, ranges, ordering/wrapping builtins, dict views.
ITERABLE = re.compile(
    r"^[\w.]+$|^range\([\w.\s,+*-]*\)$|^(sorted|list|reversed|enumerate|set|tuple|zip)\([\w.\s,]*\)$|"
    r"^[\w.]+\.(items|keys|values)\(\)$"
)


def _literal(ctx: FileContext, node) -> bool:
    """A literal, or a dict/list/tuple/set display made only of literals (`{"rotated": True}`)."""
    if node is None:
        return False
    if node.type == "dictionary":
        return all(
            p.type == "pair" and _literal(ctx, p.child_by_field_name("key")) and _literal(ctx, p.child_by_field_name("value"))
            for p in node.named_children
            if p.type != "comment"
        )
    if node.type in ("list", "tuple", "set"):
        return all(_literal(ctx, c) for c in node.named_children if c.type != "comment")
    return is_constant(ctx, node)


def _pretends(ctx: FileContext, stmts, sleeps: list) -> bool:
    """True if `stmts` only sleep, log, set literals (`done[k] = "ok"`, `x = {}`), loop over a plain
    iterable doing the same, or return a literal / a name: no call that could do the work."""
    for s in stmts:
        t = re.sub(r"\s+", " ", text(ctx, s)).strip()
        if s.type == "pass_statement":
            continue
        if s.type == "return_statement":
            value = s.named_children[0] if s.named_children else None
            if not (CONSTANT_RETURN.match(t) or re.fullmatch(r"return [\w.]+ ?", t) or _literal(ctx, value)):
                return False
            continue
        if s.type == "for_statement":
            right = s.child_by_field_name("right")
            if right is None or not ITERABLE.match(text(ctx, right)) or s.child_by_field_name("alternative") is not None:
                return False
            if not _pretends(ctx, _statements(s.child_by_field_name("body")), sleeps):
                return False
            continue
        if s.type != "expression_statement" or not s.named_children:
            return False
        expr = s.named_children[0]
        if SLEEP.match(t):
            sleeps.append(s)
        elif LOG_CALL.match(t):
            continue
        elif (
            expr.type == "assignment"
            and expr.child_by_field_name("right") is not None
            and LITERAL_VALUE.match(text(ctx, expr.child_by_field_name("right")).strip())
            and expr.child_by_field_name("left").type in ("identifier", "subscript", "attribute")
        ):
            continue
        else:
            return False
    return True


@file_rule(
    id="DWA-413",
    title="asyncio.sleep standing in for work (Python)",
    category="fake-async-delay",
    severity="medium",
    languages=("python",),
)
def fake_sleep(ctx: FileContext) -> Iterable[Hit]:
    """A function that sleeps (`await asyncio.sleep(...)`, `time.sleep(...)`) and otherwise only
    produces constants: it simulates latency instead of doing the work its name promises. The body
    (after an optional docstring) may log, set literals (`result[key] = "synced"`), loop over a
    plain iterable doing only that, and return a literal or the constant-filled local. An `async
    def` is reported with or without a return; a synchronous function only when it returns a value
    (a bare `time.sleep` pause is often deliberate). Functions named for waiting (`*sleep*`,
    `*backoff*`, `*retry*`, `*poll*`...), sleeps whose duration is a parameter, and loops with any
    real call inside (a retry that calls the service) are not reported. Test code is excluded.
    """
    if "sleep" not in ctx.text:
        return
    for f in nodes(ctx, "function_definition"):
        is_async = text(ctx, f).startswith("async")
        if WAIT_NAMES.search(text(ctx, f.child_by_field_name("name"))):
            continue
        stmts = _statements(f.child_by_field_name("body"))
        if stmts and stmts[0].type == "expression_statement" and stmts[0].named_children and stmts[0].named_children[0].type == "string":
            stmts = stmts[1:]  # docstring
        sleeps: list = []
        if not stmts or not _pretends(ctx, stmts, sleeps) or not sleeps:
            continue
        returns_value = any(s.type == "return_statement" and text(ctx, s).strip() != "return" for s in stmts)
        if not is_async and not returns_value:
            continue
        params = set(re.findall(r"\w+", text(ctx, f.child_by_field_name("parameters"))))
        arg = SLEEP.match(re.sub(r"\s+", " ", text(ctx, sleeps[0])).strip()).group(3).strip()
        if arg in params or arg.startswith("self."):
            continue
        name = text(ctx, f.child_by_field_name("name"))
        yield hit(sleeps[0], f"`{name}` only sleeps and returns constants: simulated work", max_lines=1)


GROW = frozenset({"add", "append", "extend", "update", "setdefault", "insert", "appendleft"})
SHRINK = frozenset({"remove", "discard", "pop", "popitem", "clear", "popleft", "difference_update", "intersection_update"})
EMPTY_COLLECTION = re.compile(r"^(set|dict|list|defaultdict|OrderedDict|Counter|deque)\((?!.*maxlen).*\)$|^\{\}$|^\[\]$", re.S)
# memo tables and lookups keyed by a small domain (platform facts, formats, types) and UPPER_CASE
# module registries are bounded by the program, not by traffic
BOUNDED_NAME = re.compile(
    r"(?i)(cache|caches|memo|locks?|map|mapping|table|lookup|index|types|classes|funcs|"
    r"functions|validators|formats|codecs|converters|adapters|aliases|names)$"
)
REGISTRY_NAME = re.compile(r"(?i)handler|subscriber|listener|callback|plugin|registry|registr|hook|route|command|strateg")


def _in_function(bodies: list[tuple[int, int]], offset: int) -> bool:
    """Is the byte `offset` inside a top-level function or class?"""
    return any(start <= offset < end for start, end in bodies)


@file_rule(
    id="DWA-414",
    title="Module-level collection that only grows (Python)",
    category="unbounded-growth",
    severity="medium",
    confidence="medium",
    cwe=(770,),
    languages=("python",),
    domains=("readiness", "performance"),
)
def module_collection_grows(ctx: FileContext) -> Iterable[Hit]:
    """A module-level (process-lifetime) set, dict, list or deque without `maxlen` that functions
    add to (`add`, `append`, `update`, `setdefault`, item assignment) but nothing ever removes from,
    clears or rebinds: it grows with every request or record until the process dies. Registries of
    handlers, plugins, routes or hooks, UPPER_CASE module tables, memo caches/lookup tables (which
    grow with the code or a small key domain, not the traffic), collections that are passed
    elsewhere, and collections grown only by top-level statements (a script's one run, not a
    service's traffic) are not reported.
    """
    if not re.search(r"\.(add|append|extend|update|setdefault|appendleft)\(|\]\s*=", ctx.text):
        return
    root = ctx.tree.root_node
    bodies = [
        (n.start_byte, n.end_byte) for n in root.named_children if n.type in ("function_definition", "class_definition", "decorated_definition")
    ]
    for stmt in root.named_children:
        if stmt.type != "expression_statement" or not stmt.named_children or stmt.named_children[0].type != "assignment":
            continue
        a = stmt.named_children[0]
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            continue
        name = text(ctx, left)
        if (
            REGISTRY_NAME.search(name)
            or BOUNDED_NAME.search(name)
            or name.strip("_").isupper()
            or not EMPTY_COLLECTION.match(text(ctx, right).strip())
        ):
            continue
        uses = [m for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b(\s*\.\s*(\w+)|\s*\[[^\]]*\]\s*=(?!=)|)", ctx.text)]
        kinds = []
        for m in uses[1:]:
            method = m.group(2)
            grows = (method in GROW) if method else m.group(1).strip().endswith("=")
            if grows and not _in_function(bodies, m.start()):
                kinds.append("script")  # grown by top-level statements: once per run, not per request
            elif method:
                kinds.append("grow" if method in GROW else "shrink" if method in SHRINK else "read")
            elif m.group(1).strip().endswith("="):
                kinds.append("grow")
            else:
                after = ctx.text[m.end() : m.end() + 3]
                before = ctx.text[max(0, m.start() - 12) : m.start()]
                if re.search(r"\bdel\s+$", before) or re.match(r"\s*=[^=]", after) or "global" in before:
                    kinds.append("shrink")
                elif re.search(r"[(,]\s*$", before) and not re.search(r"\b(in|len|not)\s*\(?\s*$", before):
                    kinds.append("escape")
                else:
                    kinds.append("read")
        if "grow" in kinds and "shrink" not in kinds and "escape" not in kinds:
            yield hit(a, f"module-level `{name}` is only ever added to (never removed, cleared or bounded)", max_lines=1)
