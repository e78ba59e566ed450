"""findings.json (deterministic: no timestamps, sorted keys) and run.json (the run's facts:
versions, rubric hash, per-node timings, counts, LLM usage; the one place wall-clock lives)."""

from __future__ import annotations

import json
import platform
import sys
from collections import Counter

from dwagent.report.model import Report


def dumps(data: object) -> str:
    """The house JSON form: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def findings_json(report: Report) -> str:
    """findings.json: the whole report model (verdict, matrices, findings, dropped, evidence)."""
    return dumps(report.model_dump(mode="json", by_alias=True))


def run_json(
    report: Report,
    *,
    generated_at: str,
    timings: dict[str, float],
    index_summary: dict,
    rules_info: dict,
    llm_usage: dict | None,
    resumed: bool,
    outputs: dict[str, str],
    optional: dict[str, str] | None = None,
) -> str:
    """run.json: facts about this run, including wall-clock values that reports never carry.
    `optional` maps an optional extra that did not run (e.g. dense retrieval) to why not."""
    data = {
        "schema": "dwagent.run/1",
        "generated_at": generated_at,
        "dwagent_version": report.tool_version,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "rubric": {"source": report.rubric, "sha256": report.rubric_sha256},
        "rules": {k: v for k, v in rules_info.items() if k != "categories"},
        "verdict": report.verdict,
        "counts": {
            "p0": len(report.p0),
            "conditions": len(report.conditions),
            "notes": len(report.notes),
            "findings": len(report.findings),
            "dropped": len(report.dropped),
            "evidence": len(report.evidence),
            "claims": len(report.claims),
        },
        # the report model's one counts computation, so run.json cannot disagree with the reports
        "report_counts": report.counts,
        "timings_seconds": dict(sorted(timings.items())),
        "index": index_summary,
        "llm": llm_usage or {"mode": "none", "calls": 0, "cost_usd": 0.0},
        "resumed": resumed,
        "outputs": outputs,
        "not_run": report.not_run,
        "skipped": report.inventory.get("skipped", []),  # every file not analysed, with its reason
        "entry_points": {
            "total": len(report.entry_points),
            "network": sum(1 for e in report.entry_points if e.get("network")),
            "network_unauthenticated": sum(1 for e in report.entry_points if e.get("network") and e.get("auth") == "none"),
            "by_kind": dict(sorted(Counter(e.get("kind", "") for e in report.entry_points).items())),
        },
        "optional": dict(sorted((optional or {}).items())),
    }
    return dumps(data)
