"""Compare two certification reports: new / fixed / unchanged findings (by fingerprint, which
survives line moves) and verdict or matrix status changes."""

from __future__ import annotations

from dataclasses import dataclass

from dwagent.report.model import Report


@dataclass(frozen=True)
class ReportDiff:
    old_verdict: str
    new_verdict: str
    new: tuple[dict, ...]
    fixed: tuple[dict, ...]
    unchanged: tuple[dict, ...]
    status_changes: tuple[tuple[str, str, str], ...]  # (where, old, new)

    @property
    def verdict_changed(self) -> bool:
        return self.old_verdict != self.new_verdict


def _key(f) -> str:
    return f.fingerprint or f.id


def _brief(f) -> dict:
    return {"id": f.id, "fingerprint": _key(f), "rule": f.rule, "severity": f.severity, "file": f.file, "line": f.start_line, "message": f.message}


def _statuses(report: Report) -> dict[str, str]:
    out = {}
    for label, rows in (
        ("gate", report.gates),
        ("domain", report.domains),
        ("tier", report.tiers),
        ("plugin", report.plugins),
        ("flow", report.flows),
    ):
        for r in rows:
            out[f"{label}:{r.id}"] = r.status
    return out


def diff_reports(old: Report, new: Report) -> ReportDiff:
    """Differences between two reports of (usually) the same tree."""
    old_f = {_key(f): f for f in old.findings}
    new_f = {_key(f): f for f in new.findings}
    added = sorted((_brief(new_f[k]) for k in new_f.keys() - old_f.keys()), key=lambda d: (d["file"], d["line"], d["rule"]))
    fixed = sorted((_brief(old_f[k]) for k in old_f.keys() - new_f.keys()), key=lambda d: (d["file"], d["line"], d["rule"]))
    same = sorted((_brief(new_f[k]) for k in new_f.keys() & old_f.keys()), key=lambda d: (d["file"], d["line"], d["rule"]))
    so, sn = _statuses(old), _statuses(new)
    changes = tuple(sorted((k, so.get(k, "—"), sn.get(k, "—")) for k in so.keys() | sn.keys() if so.get(k) != sn.get(k)))
    return ReportDiff(old.verdict, new.verdict, tuple(added), tuple(fixed), tuple(same), changes)


def comparison_summary(old: Report, new: Report, source: str = "") -> dict:
    """What page one and the HTML say about a baseline report: verdict moved or not, new / fixed
    / unchanged findings, root causes that are new or fixed (by their stable id), cells that moved."""
    d = diff_reports(old, new)
    old_rc = {rc.id: rc for rc in old.root_causes}
    new_rc = {rc.id: rc for rc in new.root_causes}
    blocking_new = sorted(
        (rc for k, rc in new_rc.items() if rc.effect == "block" and (k not in old_rc or old_rc[k].effect != "block")), key=lambda r: r.id
    )
    fixed = sorted((rc for k, rc in old_rc.items() if rc.effect == "block" and (k not in new_rc or new_rc[k].effect != "block")), key=lambda r: r.id)
    return {
        "baseline": source,
        "old_verdict": d.old_verdict,
        "new_verdict": d.new_verdict,
        "new": len(d.new),
        "fixed": len(d.fixed),
        "unchanged": len(d.unchanged),
        "new_finding_ids": [b["id"] for b in d.new][:500],
        "fixed_findings": [b for b in d.fixed][:200],
        "new_root_causes": [{"id": rc.id, "title": rc.title, "count": rc.count} for rc in blocking_new],
        "fixed_root_causes": [{"id": rc.id, "title": rc.title, "count": rc.count} for rc in fixed],
        "status_changes": [list(c) for c in d.status_changes],
    }
