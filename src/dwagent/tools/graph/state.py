"""Write-only state: private field uses split into writes and reads; preset option sites.

Both read the source line of every use (from the index's chunks): a use is a write when the name
is the left side of `=` / `??=` (not `==`, `=>`); every other occurrence on the line is a read, so
`_x += 1`, `ref _x` and `_x.Add(...)` count as reads (conservative: fewer findings).
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict

from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.model import FieldUse, OptionSite
from dwagent.tools.graph.resolve import TypeIndex
from dwagent.tools.graph.source import SourceLines

MAX_READ_SITES = 3  # read sites kept per option (one is enough to prove it is read)


def globs_match(name: str, patterns: tuple[str, ...]) -> bool:
    """True when `name` matches any glob."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def field_uses(ix: TypeIndex, src: SourceLines, private_fields: dict[str, list[tuple]], field_hits: dict[str, dict[str, set[int]]]) -> list[FieldUse]:
    """Writes and reads of each private field within the files declaring its type."""
    out: list[FieldUse] = []
    for name, rows in sorted(private_fields.items()):
        assign = re.compile(rf"(?<![\w.]){re.escape(name)}\s*(?:=(?![=>])|\?\?=)|this\.{re.escape(name)}\s*=(?![=>])")
        occurs = re.compile(rf"(?<![\w]){re.escape(name)}(?!\w)")
        hits = field_hits.get(name, {})
        for qual, _n, container, path, _role, start, end, _mods, _attrs, sig in rows:
            files = {loc.file for loc in ix.types[container].locations}
            writes: list[int] = []
            reads = 0
            for file, line in sorted((f, n) for f in files for n in hits.get(f, ())):
                if file == path and start <= line <= end:
                    continue
                text = src.line(file, line)
                w = len(assign.findall(text))
                if w:
                    writes.append(line)
                reads += max(len(occurs.findall(text)) - w, 0)
            initialised = "=" in sig or "=" in src.excerpt(path, start, end).split(name, 1)[-1]
            out.append(FieldUse(qual, name, path, start, end, tuple(writes), reads, initialised))
    return out


def option_sites(
    ix: TypeIndex, src: SourceLines, cfg: GraphConfig, option_types: set[str], option_hits: list[tuple[str, str, str, int, str]]
) -> list[OptionSite]:
    """Option properties set inside preset factories, and read anywhere else in production code."""
    props: dict[str, list[str]] = defaultdict(list)
    for q in option_types:
        for members in ix.methods_of.get(q, {}).values():
            for mq in members:
                if ix.methods[mq].kind == "property":
                    props[ix.methods[mq].name].append(mq)
    presets = {
        q
        for q, m in ix.methods.items()
        if m.kind == "method"
        and m.container in ix.types
        and globs_match(ix.types[m.container].name, cfg.preset_classes)
        and globs_match(m.name, cfg.preset_methods)
    }
    out: list[OptionSite] = []
    reads: dict[str, int] = defaultdict(int)
    members_of = {name: set(members) for name, members in props.items()}
    # per name, how many of its properties are still below MAX_READ_SITES (reads only grow, so this
    # counter answers "are they all saturated?" without re-checking every property on every hit)
    open_props: dict[str, int] = {name: len(members) for name, members in members_of.items()}
    patterns: dict[str, tuple[re.Pattern, re.Pattern]] = {}
    for name, scope, file, line, role in option_hits:
        if name not in props or role != "production" or scope in members_of[name]:
            continue
        in_preset = scope in presets
        if not in_preset and open_props[name] == 0:
            continue  # a few read sites prove the option is read; common names would explode
        if name not in patterns:
            patterns[name] = (re.compile(rf"(?<![\w]){re.escape(name)}\s*=(?![=>])"), re.compile(rf"(?<![\w]){re.escape(name)}(?!\w)"))
        assign_rx, occurs_rx = patterns[name]
        text = src.line(file, line)
        assign = assign_rx.search(text)
        total = len(occurs_rx.findall(text))
        for prop in props[name]:
            if in_preset and assign:
                out.append(OptionSite(prop, "set", file, line, scope))
            elif not in_preset and total - (1 if assign else 0) > 0 and reads[prop] < MAX_READ_SITES:
                reads[prop] += 1
                if reads[prop] == MAX_READ_SITES:
                    open_props[name] -= 1
                out.append(OptionSite(prop, "read", file, line, scope))
    return sorted(set(out), key=lambda o: (o.option, o.kind, o.file, o.line, o.scope))  # total order: set order is per-process
