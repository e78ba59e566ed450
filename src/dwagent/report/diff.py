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
    for label, rows in (("gate", report.gates), ("domain", report.domains), ("tier", report.tiers), ("plugin", report.plugins), ("flow", report.flows)):
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
