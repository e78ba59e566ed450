"""Cross-file lookup of option defaults for findings that a per-file rule could only half-judge.

A per-file rule that sees a bypass behind `if (options.AllowX)` records `properties["option"]`
when `AllowX` is declared in another file. After the per-file pass, the engine resolves the
option's default here from the index (property/field declarations and their initialisers, read
from disk) and adjusts severity: a default other than `properties["bypass_when"]` (true unless the
rule says otherwise, e.g. false for `if (!opts.VerifySsl)`) keeps validation on (low), the
bypass value turns the bypass on (critical). Unresolved or ambiguous options keep the rule's severity.
"""

from __future__ import annotations

import re
from pathlib import Path

from dwagent.models import Evidence, Finding
from dwagent.tools.source_text import read_text, source_lines

_INIT = re.compile(r"=\s*(true|false)\s*;")


def _default_of(store, name: str) -> tuple[str, Evidence] | None:
    rows = store.conn.execute(
        "SELECT f.path, s.start_line, s.end_line, s.signature FROM symbols s JOIN files f ON f.id = s.file_id "
        "WHERE s.name = ? AND s.kind IN ('property', 'field') AND f.role = 'production' ORDER BY f.path, s.start_line",
        (name,),
    ).fetchall()
    found: set[str] = set()
    evidence = None
    for path, start, end, signature in (tuple(r) for r in rows):
        try:
            lines = source_lines(read_text(Path(store.root) / path))
        except OSError:
            continue
        text = "\n".join(lines[start - 1 : end])
        m = _INIT.search(text)
        if m:
            value = m.group(1)
        elif re.search(r"\bbool\b|\bBoolean\b", signature or text):
            value = "false"
        else:
            continue
        found.add(value)
        if evidence is None:
            excerpt = "\n".join(lines[start - 1 : end])
            evidence = Evidence(
                id=Evidence.make_id(path, start, end, excerpt),
                file=path,
                start_line=start,
                end_line=end,
                excerpt=excerpt,
                kind="config",
                note=f"option {name} defaults to {value}",
            )
    if len(found) != 1 or evidence is None:
        return None
    return found.pop(), evidence


def resolve_option_defaults(findings: list[Finding], store) -> list[Finding]:
    """Adjust findings carrying `properties["option"]` using the option's default from the index."""
    cache: dict[str, tuple[str, Evidence] | None] = {}
    out = []
    for f in findings:
        name = f.properties.get("option", "")
        if not name or "option_default" in f.properties:
            out.append(f)
            continue
        if name not in cache:
            cache[name] = _default_of(store, name)
        resolved = cache[name]
        if resolved is None:
            out.append(f)
            continue
        value, ev = resolved
        where = f"{ev.file}:{ev.start_line}"
        # the value that turns the bypass on: true for `if (opts.AllowX)`, false for `if (!opts.VerifyX)`
        bypass_when = f.properties.get("bypass_when", "true")
        if value != bypass_when:
            msg = f.message.replace("(default not declared in this file)", f"(default {value} at {where}, so validation is on by default)")
            sev = "low"
        else:
            msg = f.message.replace("(default not declared in this file)", f"(defaults to {value} at {where}: bypass on by default)")
            sev = "critical"
        props = {**f.properties, "option_default": value}
        out.append(f.model_copy(update={"message": msg, "severity": sev, "properties": props, "related": tuple(f.related) + (ev,)}))
    return out


def drop_subclassed(findings: list[Finding], store) -> list[Finding]:
    """Drop findings marked `properties["abstract_if_subclassed"] = Class` when any indexed class
    derives from `Class`: its raising method is then abstract by convention, not a stub."""
    cache: dict[str, bool] = {}
    out = []
    for f in findings:
        name = f.properties.get("abstract_if_subclassed", "")
        if name:
            if name not in cache:
                row = store.conn.execute(
                    "SELECT 1 FROM symbols WHERE kind = 'class' AND (bases LIKE ? OR bases LIKE ?) LIMIT 1",
                    (f'%"{name}"%', f'%.{name}"%'),
                ).fetchone()
                cache[name] = row is not None
            if cache[name]:
                continue
        out.append(f)
    return out
