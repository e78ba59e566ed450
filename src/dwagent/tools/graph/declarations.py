"""Declarations of the code graph, read from the index's symbols table.

Types (partial declarations merged), members (overloads share one qualname, the first location
wins), the declared type of every field/property (for typing call receivers), and the private
fields the write-only check follows.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.model import Location, MethodNode, TypeNode
from dwagent.tools.graph.resolve import bare, declared_type

TYPE_KINDS = frozenset({"class", "interface", "struct", "record", "enum", "delegate"})
MEMBER_KINDS = frozenset({"method", "constructor", "property", "function", "event"})
_ACCESS = frozenset({"public", "protected", "internal"})


def _list(text: str) -> list:
    return [] if text == "[]" else json.loads(text)


def load_declarations(conn: sqlite3.Connection):
    """(files, types, methods, members, fields) from the symbols table."""
    files = {fid: (path, role) for fid, path, role in conn.execute("SELECT id, path, role FROM files")}
    types: dict[str, TypeNode] = {}
    methods: dict[str, MethodNode] = {}
    members: dict[str, dict[str, str]] = defaultdict(dict)
    fields: list[tuple] = []
    rows = conn.execute(
        "SELECT file_id, kind, name, qualname, container, namespace, bases, attributes, modifiers, "
        "signature, start_line, end_line FROM symbols ORDER BY file_id, start_line"
    )
    for fid, kind, name, qual, container, ns, bases, attrs, mods, sig, start, end in rows:
        path, role = files[fid]
        if kind in TYPE_KINDS:
            loc = Location(path, start, end)
            node = types.get(qual)
            if node is None:
                types[qual] = TypeNode(
                    qual,
                    name,
                    kind,
                    ns,
                    role,
                    [loc],
                    tuple(bare(b) for b in _list(bases)),
                    tuple(bare(a) for a in _list(attrs)),
                    tuple(_list(mods)),
                    sig,
                )
            else:  # partial declaration: merge
                node.locations.append(loc)
                node.locations.sort(key=lambda l: (l.file, l.start_line))
                node.bases = tuple(sorted(set(node.bases) | {bare(b) for b in _list(bases)}))
                node.attributes = tuple(sorted(set(node.attributes) | {bare(a) for a in _list(attrs)}))
                node.modifiers = tuple(sorted(set(node.modifiers) | set(_list(mods))))
        elif kind in MEMBER_KINDS:
            if kind == "property":
                members[container][name] = declared_type(sig)
            if qual not in methods or (path, start) < (methods[qual].file, methods[qual].start_line):
                methods[qual] = MethodNode(
                    qual, name, kind, container, path, role, start, end, sig, tuple(_list(mods)), tuple(bare(a) for a in _list(attrs))
                )
        elif kind in ("field", "const"):
            members[container][name] = declared_type(sig)
            if kind == "field":
                fields.append((qual, name, container, path, role, start, end, _list(mods), _list(attrs), sig))
    return files, types, methods, members, fields


def private_fields(field_rows: list[tuple], types: dict[str, TypeNode], config: GraphConfig) -> dict[str, list[tuple]]:
    """Field name → declaration rows of the private production fields worth following.

    Skipped: non-private, const, fields carrying a framework attribute (serialisers, injectors)
    and fields of attributed types (their shape is read by a framework, not by code).
    """
    out: dict[str, list[tuple]] = defaultdict(list)
    for row in field_rows:
        qual, name, container, path, role, start, end, mods, attrs, sig = row
        t = types.get(container)
        if (
            role != "production"
            or t is None
            or t.kind not in ("class", "struct", "record")
            or _ACCESS & set(mods)
            or "const" in mods
            or set(attrs) & set(config.framework_field_attributes)
            or t.attributes
        ):
            continue
        out[name].append(row)
    return out
