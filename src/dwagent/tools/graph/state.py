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
        count = _counter(name)
        hits = field_hits.get(name, {})
        for qual, _n, container, path, _role, start, end, _mods, _attrs, sig in rows:
            files = {loc.file for loc in ix.types[container].locations}
            writes: list[int] = []
            reads = 0
            for file, line in sorted((f, n) for f in files for n in hits.get(f, ())):
                if file == path and start <= line <= end:
                    continue
                w, n = count(src.line(file, line))
                if w:
                    writes.append(line)
                reads += max(n - w, 0)
            initialised = "=" in sig or "=" in src.excerpt(path, start, end).split(name, 1)[-1]
            out.append(FieldUse(qual, name, path, start, end, tuple(writes), reads, initialised))
    return out


# One pattern for every field name (compiling two patterns per private field was a third of the
# graph build): an assignment `name =` / `name ??=` not after a word character or a dot, or
# `this.name =` (not `==`, `=>`); group 1 or 2 is the assigned name. Matches of a fixed-name
# version of the same pattern are exactly the matches here whose group is that name.
_ASSIGN = re.compile(r"(?<![\w.])(\w+)\s*(?:=(?![=>])|\?\?=)|this\.(\w+)\s*=(?![=>])")
_WORD = re.compile(r"\w+")


def _counter(name: str):
    """`line -> (assignments of name, whole-word occurrences of name)`."""
    if _WORD.fullmatch(name) is None:  # not a plain identifier: the fixed-name patterns
        assign = re.compile(rf"(?<![\w.]){re.escape(name)}\s*(?:=(?![=>])|\?\?=)|this\.{re.escape(name)}\s*=(?![=>])")
        occurs = re.compile(rf"(?<![\w]){re.escape(name)}(?!\w)")
        return lambda text: (len(assign.findall(text)), len(occurs.findall(text)))

    def count(text: str) -> tuple[int, int]:
        if name not in text:
            return 0, 0
        writes = sum(1 for a, b in _ASSIGN.findall(text) if (a or b) == name)
        return writes, _WORD.findall(text).count(name)

    return count


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
