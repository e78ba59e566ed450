"""Every number the reports print, computed once from the report model.

CERTIFICATION.md, FINDINGS.md, report.html, findings.json and run.json read `Report.counts`; none
counts for itself, so a quantity cannot have two values in two sections. `crosscheck.py` reads
the written files back and fails when any of them disagrees.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from dwagent.models import SEVERITY_ORDER
from dwagent.report.model import Report

_STATUSES = ("PASS", "CONDITIONAL", "FAIL", "NOT VERIFIED", "NOT RUN", "NOT APPLICABLE")


def _statuses(rows) -> dict[str, int]:
    got = Counter(r.status for r in rows)
    return {s: got[s] for s in _STATUSES if got[s]}


def _by_domain(report: Report, counted) -> dict[str, dict[str, int]]:
    """domain id -> counted findings by severity (a finding in two domains counts in both)."""
    out: dict[str, Counter] = {d.id: Counter() for d in report.domains}
    for f in counted:
        for dom in report.finding_domains.get(f.id, ()):
            out.setdefault(dom, Counter())[f.severity] += 1
    return {d: {s: c[s] for s in sorted(c, key=SEVERITY_ORDER.get)} for d, c in out.items()}


def compute_counts(report: Report) -> dict[str, Any]:
    """The counts dict of a report (see the module docstring)."""
    counted = [f for f in report.findings if not (f.suppression and f.suppression.kind == "certifier-baseline")]
    by_effect = Counter(rc.effect for rc in report.root_causes)
    gate_value = {g.id: g.value for g in report.gates if g.kind == "threshold" and g.value is not None}
    return {
        "verdict": report.verdict,
        "root_causes": {
            "block": by_effect["block"],
            "condition": by_effect["condition"],
            "note": by_effect["note"],
            "total": len(report.root_causes),
        },
        "blocking_locations": sum(rc.count for rc in report.root_causes if rc.effect == "block"),
        "p0": len(report.p0),
        "conditions": len(report.conditions),
        "notes": len(report.notes),
        "findings": {
            "total": len(report.findings),
            "counted": len(counted),
            "accepted": len(report.findings) - len(counted),
            "dropped": len(report.dropped),
            "production": sum(1 for f in counted if f.scope == "production"),
            "test": sum(1 for f in counted if f.scope == "test"),
            "by_severity": {s: n for s, n in sorted(Counter(f.severity for f in counted).items(), key=lambda kv: SEVERITY_ORDER[kv[0]])},
        },
        "cells": {
            "gates": _statuses(report.gates),
            "domains": _statuses(report.domains),
            "tiers": _statuses(report.tiers),
            "plugins": _statuses(report.plugins),
            "flows": _statuses(report.flows),
        },
        # threshold gates' measured values (e.g. placeholder tests): printed wherever the quantity appears
        "gate_values": dict(sorted(gate_value.items())),
        # tests that cannot fail, per test project (agents/verdict/cannot_fail.py; the placeholder-tests gate reads the same)
        "tests_cannot_fail": dict(report.quality.get("tests_cannot_fail", {})),
        "by_domain": _by_domain(report, counted),
        "evidence": len(report.evidence),
        "claims": len(report.claims),
    }


def cannot_fail_line(tests: dict) -> str:
    """The one sentence every writer prints for the tests that cannot fail (from `counts`)."""
    per = ", ".join(f"{name} {n}" for name, n in tests.get("by_project", {}).items())
    return f"Tests that cannot fail: {tests.get('total', 0)}" + (f" ({per})" if per else "") + " (per test project)"
