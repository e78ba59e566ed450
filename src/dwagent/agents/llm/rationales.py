"""LLM-written rationales for domain and tier rows, cited sentence by sentence.

The verdict of every row is already decided; the model only explains it, from the row's facts
and the evidence and findings the row cites. Each kept sentence carries ids that exist in the
report (evidence ids or finding ids); sentences without them are dropped and counted in the
ledger (`uncited_dropped`). Kept text goes to the ledger's prose, which CERTIFICATION.md renders
in its "LLM assistance" section next to (never instead of) the deterministic reasons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from dwagent.agents.llm.assist import write_prose
from dwagent.models import Evidence

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway

AGENT = "rationale"
MAX_ITEMS = 12  # evidence items per row sent to the model
DEFAULT_ROW_CAP = 40
MAX_EXCERPT_CHARS = 600


def _row_ids(row: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(evidence ids, finding ids) a row and its cells cite, sorted, unique."""
    ev, fi = set(row.get("evidence_ids") or ()), set(row.get("finding_ids") or ())
    for c in (row.get("cells") or {}).values():
        ev |= set(c.get("evidence_ids") or ())
        fi |= set(c.get("finding_ids") or ())
    return sorted(ev), sorted(fi)


def row_evidence(row: Mapping[str, Any], evidence: Mapping[str, Any], findings: Mapping[str, Any]) -> list[Evidence]:
    """The evidence items a row may be explained from: its cited evidence and its findings (a
    finding is cited by its own id, its excerpt as the text). At most MAX_ITEMS, findings first."""
    ev_ids, finding_ids = _row_ids(row)
    items: list[Evidence] = []
    for fid in finding_ids:
        f = findings.get(fid)
        if f is not None:
            items.append(
                Evidence(
                    id=fid,
                    file=f["file"],
                    start_line=f["start_line"],
                    end_line=f["end_line"],
                    excerpt=f["excerpt"][:MAX_EXCERPT_CHARS],
                    note=f"finding {f['rule']} {f['severity']}: {f['message']}"[:300],
                )
            )
    for eid in ev_ids:
        e = evidence.get(eid)
        if e is not None:
            item = Evidence.model_validate(e) if not isinstance(e, Evidence) else e
            items.append(item.model_copy(update={"excerpt": item.excerpt[:MAX_EXCERPT_CHARS]}))
    return items[:MAX_ITEMS]


def _facts(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    cells = {name: {"status": c.get("status"), "reason": str(c.get("reason", ""))[:300]} for name, c in sorted((row.get("cells") or {}).items())}
    return {
        "kind": kind,
        "id": row.get("id"),
        "name": row.get("name"),
        "status": row.get("status"),
        "reason": str(row.get("reason", ""))[:400],
        "cells": cells,
    }


def write_rationales(gateway: LLMGateway | None, report: Mapping[str, Any], cap: int = DEFAULT_ROW_CAP) -> dict[str, str]:
    """Cited rationales for the report's domain and tier rows ("domain:ID" -> text), also kept
    in the ledger's prose. Rows with nothing to cite are skipped (no call); without a gateway,
    or when every call falls back, the result is empty and the deterministic reasons stand."""
    if gateway is None:
        return {}
    evidence = report.get("evidence") or {}
    findings = {f["id"]: f for f in (*report.get("findings", ()), *report.get("dropped", ()))}
    out: dict[str, str] = {}
    asked = 0
    for kind, rows in (("domain", report.get("domains") or ()), ("tier", report.get("tiers") or ())):
        for row in sorted(rows, key=lambda r: str(r.get("id"))):
            items = row_evidence(row, evidence, findings)
            if not items or asked >= cap:
                continue
            asked += 1
            cited = write_prose(gateway, AGENT, "rationale", _facts(kind, row), items)
            if cited is None or not cited.kept:
                continue
            key = f"{kind}:{row.get('id')} {row.get('status')}"
            out[key] = cited.text
            gateway.ledger.record_prose(AGENT, key, cited.text)
    return dict(sorted(out.items()))
