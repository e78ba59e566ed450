"""Verdict cells and report signatures: the non-finding half of scoring a report.

Cells (plugin, domain, tier, flow rows of the report) are compared with the labels by id. A
plugin label may name the plugin folder by its last path component ("Ledger.Plugins.Export")
or by its full path; both find the row. A report signature is what must not change when only
comments, docs or unreadable extra files change: the verdict, every cell status and every
finding's category, file, lines and severity (not the excerpt, whose text the variants alter).
"""

from __future__ import annotations

from dwagent.evals.labels import FixtureLabels
from dwagent.evals.matching import Reported, reported_findings


def _row_names(row: dict) -> set[str]:
    names = set()
    for key in ("id", "name", "path", "folder"):
        value = row.get(key)
        if isinstance(value, str) and value:
            names.add(value)
            names.add(value.rstrip("/").rsplit("/", 1)[-1])
    return names


def _find_row(rows: list[dict], name: str) -> dict | None:
    for row in rows:
        if name in _row_names(row):
            return row
    return None


def _rows(report: dict, key: str) -> list[dict]:
    value = report.get(key) or []
    if isinstance(value, dict):  # mapping id -> cell
        return [{"id": k, **v} for k, v in sorted(value.items())]
    return list(value)


def cell_results(labels: FixtureLabels, report: dict) -> dict[str, dict[str, dict]]:
    """{kind: {name: {expected, actual, ok}}} for every labelled plugin, domain, tier and flow."""
    out: dict[str, dict[str, dict]] = {}
    wanted = {
        "plugin": ("plugins", labels.plugins),
        "domain": ("domains", labels.domains),
        "tier": ("tiers", labels.tiers),
        "flow": ("flows", tuple((f.name, f.status) for f in labels.flows)),
    }
    for kind, (key, expected) in wanted.items():
        rows = _rows(report, key)
        cells = {}
        for name, status in expected:
            row = _find_row(rows, name)
            actual = row.get("status", "") if row else "(missing)"
            cells[name] = {"expected": status, "actual": actual, "ok": actual == status}
        if cells:
            out[kind] = dict(sorted(cells.items()))
    return out


def finding_signature(f: Reported) -> str:
    """A one-line, excerpt-free description of a finding for results files."""
    return f"{f.category} {f.severity} {f.file}:{f.start_line}-{f.end_line} {f.rule}".rstrip()


def report_signature(report: dict) -> tuple:
    """Everything a comment- or doc-only change must leave unchanged, as a sorted tuple.

    Files under `bad-input/` are excluded: the bad-input variant adds them, and they must be
    skipped, so any finding there already shows up as a difference elsewhere (the skips check)."""
    items: list[tuple] = [("verdict", report.get("verdict", ""))]
    for key in ("gates", "domains", "plugins", "flows", "tiers"):
        for row in _rows(report, key):
            items.append((key, str(row.get("id", "")), str(row.get("status", ""))))
    for f in reported_findings(report):
        items.append(("finding", f.category, f.file, f.start_line, f.end_line, f.severity, f.rule))
    return tuple(sorted(items))
