"""Python runtime readiness: sleeps standing in for work, module-level collections that only grow."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import hit, nodes, text

WAIT_NAMES = re.compile(r"(?i)sleep|wait|delay|backoff|retry|throttl|poll|pause|debounce|jitter|cooldown|heartbeat|tick")
CONSTANT_RETURN = re.compile(r"^return(\s+(True|False|None|-?\d+(\.\d+)?|['\"].*['\"]|\w+|\{\}|\[\]|\(\)))?$", re.S)


def _statements(block) -> list:
    return [s for s in block.named_children if s.type != "comment"] if block is not None else []


@file_rule(
    id="DWA-413",
    title="asyncio.sleep standing in for work (Python)",
    category="fake-async-delay",
    severity="medium",
    languages=("python",),
)
def fake_sleep(ctx: FileContext) -> Iterable[Hit]:
    """An `async def` whose body (after an optional docstring) is only `await asyncio.sleep(...)`
    and an optional constant `return`: it simulates latency instead of doing the work its name
    promises. Functions named for waiting (`*sleep*`, `*backoff*`, `*retry*`, `*poll*`...) and
    sleeps whose duration is a parameter are not reported. Test code is excluded.
    """
    if "sleep" not in ctx.text:
        return
    for f in nodes(ctx, "function_definition"):
        if not text(ctx, f).startswith("async") or WAIT_NAMES.search(text(ctx, f.child_by_field_name("name"))):
            continue
        stmts = _statements(f.child_by_field_name("body"))
        if stmts and stmts[0].type == "expression_statement" and stmts[0].named_children and stmts[0].named_children[0].type == "string":
            stmts = stmts[1:]  # docstring
        sleeps = [s for s in stmts if re.match(r"^await\s+(asyncio\.)?sleep\(", text(ctx, s))]
        if not sleeps or len(stmts) > 2:
            continue
        params = set(re.findall(r"\w+", text(ctx, f.child_by_field_name("parameters"))))
        arg = re.sub(r"^await\s+(asyncio\.)?sleep\(|\)$", "", text(ctx, sleeps[0])).strip()
        if arg in params or arg.startswith("self."):
            continue
        others = [s for s in stmts if s is not sleeps[0]]
        if all(s.type == "return_statement" and CONSTANT_RETURN.match(text(ctx, s)) or s.type == "pass_statement" for s in others):
            name = text(ctx, f.child_by_field_name("name"))
            yield hit(sleeps[0], f"`{name}` only sleeps and returns: simulated work", max_lines=1)


GROW = frozenset({"add", "append", "extend", "update", "setdefault", "insert", "appendleft"})
SHRINK = frozenset({"remove", "discard", "pop", "popitem", "clear", "popleft", "difference_update", "intersection_update"})
EMPTY_COLLECTION = re.compile(r"^(set|dict|list|defaultdict|OrderedDict|Counter|deque)\((?!.*maxlen).*\)$|^\{\}$|^\[\]$", re.S)
# memo tables and lookups keyed by a small domain (platform facts, formats, types) and UPPER_CASE
# module registries are bounded by the program, not by traffic
BOUNDED_NAME = re.compile(r"(?i)(cache|caches|memo|locks?|map|mapping|table|lookup|index|types|classes|funcs|"
                          r"functions|validators|formats|codecs|converters|adapters|aliases|names)$")
REGISTRY_NAME = re.compile(r"(?i)handler|subscriber|listener|callback|plugin|registry|registr|hook|route|command|strateg")


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
    grow with the code or a small key domain, not the traffic) and collections that are passed
    elsewhere are not reported.
    """
    if not re.search(r"\.(add|append|extend|update|setdefault|appendleft)\(|\]\s*=", ctx.text):
        return
    root = ctx.tree.root_node
    for stmt in root.named_children:
        if stmt.type != "expression_statement" or not stmt.named_children or stmt.named_children[0].type != "assignment":
            continue
        a = stmt.named_children[0]
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            continue
        name = text(ctx, left)
        if REGISTRY_NAME.search(name) or BOUNDED_NAME.search(name) or name.strip("_").isupper() \
                or not EMPTY_COLLECTION.match(text(ctx, right).strip()):
            continue
        uses = [m for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b(\s*\.\s*(\w+)|\s*\[[^\]]*\]\s*=(?!=)|)", ctx.text)]
        kinds = []
        for m in uses[1:]:
            method = m.group(2)
            if method:
                kinds.append("grow" if method in GROW else "shrink" if method in SHRINK else "read")
            elif m.group(1).strip().endswith("="):
                kinds.append("grow")
            else:
                after = ctx.text[m.end(): m.end() + 3]
                before = ctx.text[max(0, m.start() - 12): m.start()]
                if re.search(r"\bdel\s+$", before) or re.match(r"\s*=[^=]", after) or "global" in before:
                    kinds.append("shrink")
                elif re.search(r"[(,]\s*$", before) and not re.search(r"\b(in|len|not)\s*\(?\s*$", before):
                    kinds.append("escape")
                else:
                    kinds.append("read")
        if "grow" in kinds and "shrink" not in kinds and "escape" not in kinds:
            yield hit(a, f"module-level `{name}` is only ever added to (never removed, cleared or bounded)", max_lines=1)
