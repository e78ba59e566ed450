"""Reflection-aware wiring: assembly scans that instantiate every subtype of a base.

Modelled generically: a member that enumerates types (a configured scan call such as
`GetTypes()`/`GetExportedTypes()`), names a base type through `typeof(Base)` or a generic
argument of a filter call (`IsAssignableTo<Base>`, `OfType<Base>`), and whose type somewhere
instantiates from a `Type` (`Activator.CreateInstance`, `GetService`), discovers every concrete
subtype of `Base` (and, for an attribute base, every type carrying that attribute).
When the base is a type parameter of the scanning method (`DiscoverAll<TBase>()`), each call of
that method supplies the base through its generic argument, and the caller is the discoverer.
Top-level statements and module-level functions discover too: their "type" is the file's module
unit `<module:path>`. A base that a scan instantiates is an extension point even when no subtype
is in the tree (plugins may live in other assemblies): the scan is returned as a `Discovery` with
`target == ""`, which the builder records as a `scan` edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dwagent.tools.graph.resolve import TypeIndex


@dataclass
class ScopeScan:
    """Reflection-relevant refs seen in one member."""

    file: str = ""
    scan_line: int = 0
    bases: list[tuple[str, int]] = field(default_factory=list)  # (name, line)


@dataclass(frozen=True)
class Discovery:
    source_type: str  # the type (or `<module:path>` unit) whose code does the discovering
    target: str  # discovered type qualname ('' for the scan itself: base = the scanned base's qualname)
    file: str
    line: int
    base: str


def _type_params(signature: str, method: str) -> list[str]:
    m = re.search(rf"\b{re.escape(method)}\s*<([^>()]*)>", signature)
    return [p.strip() for p in m.group(1).split(",")] if m else []


def find_discoveries(
    index: TypeIndex,
    scans: dict[str, ScopeScan],
    instantiating_types: set[str],
    owner_of: dict[str, str],
    generic_calls: dict[str, list[tuple[str, str, int, int, str]]],
) -> list[Discovery]:
    """Every (discoverer → discovered type) pair.

    `scans`: member qualname → its scan refs; `instantiating_types`: types with an instantiate
    call anywhere; `generic_calls`: method name → (caller scope, file, line, position, type arg).
    """
    out: list[Discovery] = []
    for scope, scan in sorted(scans.items()):
        if not scan.scan_line or not scan.bases:
            continue
        owner = owner_of.get(scope, "")
        if owner not in instantiating_types:
            continue
        method = index.methods.get(scope)
        tparams = _type_params(method.signature, method.name) if method else []
        for base_name, _line in sorted(set(scan.bases)):
            if base_name in tparams and method is not None:
                pos = str(tparams.index(base_name))
                for caller, file, line, p, arg in generic_calls.get(method.name, ()):
                    if str(p) != pos:
                        continue
                    source = owner_of.get(caller) or f"<module:{file}>"
                    for bq in index.resolve_type(arg, file):
                        out.append(Discovery(source, "", file, line, bq))
                        out.extend(_subtypes(index, source, bq, file, line))
                continue
            for bq in index.resolve_type(base_name, scan.file):
                out.append(Discovery(owner, "", scan.file, scan.scan_line, bq))
                out.extend(_subtypes(index, owner, bq, scan.file, scan.scan_line))
    # A total order (every field): two scans of one target through different bases (an interface
    # and its abstract base) tie on the first four, and `set` order differs per process (string
    # hash seed), so the first reason recorded for a target flipped between a cold run and a
    # cached one.
    return sorted(set(out), key=lambda d: (d.target, d.source_type, d.file, d.line, d.base))


def _subtypes(index: TypeIndex, source: str, base_q: str, file: str, line: int) -> list[Discovery]:
    base = index.types[base_q]
    targets = list(index.concrete_descendants(base_q))
    if base.name.endswith("Attribute") or "Attribute" in [index.types[a].name for a in index.ancestors(base_q)]:
        short = base.name[: -len("Attribute")] if base.name.endswith("Attribute") else base.name
        targets += [q for q, t in index.types.items() if short in t.attributes or base.name in t.attributes]
    return [Discovery(source, t, file, line, base.name) for t in targets if t != source]
