"""Read a written report folder back and check that every number agrees across CERTIFICATION.md,
FINDINGS.md, findings.json, report.html, findings.sarif and run.json.

All of them render `Report.counts` (report/counts.py); this module is the independent reader
that proves it: it recounts from the files themselves (SARIF results, table rows, headings, the
HTML's data block) rather than trusting the counts dict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from dwagent.report.counts import compute_counts
from dwagent.report.html import read_deferred_block
from dwagent.report.model import Report

_DATA = re.compile(r'<script type="application/json" id="data">(.*?)</script>', re.S)
_DEFERRED = re.compile(r'<script type="application/x-gzip-base64" id="data-findings">(.*?)</script>', re.S)


def _agree(problems: list[str], what: str, values: dict[str, object]) -> None:
    distinct = {json.dumps(v, sort_keys=True) for v in values.values()}
    if len(distinct) > 1:
        problems.append(f"{what}: " + ", ".join(f"{k}={v}" for k, v in values.items()))


def _one(pattern: str, text: str) -> int | None:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else None


def crosscheck(out_dir: Path) -> list[str]:
    """Every disagreement found (empty when all numbers agree)."""
    problems: list[str] = []
    data = json.loads((out_dir / "findings.json").read_text(encoding="utf-8"))
    report = Report.model_validate(data)
    c = report.counts
    recount = compute_counts(report)
    if recount != c:
        problems.append("findings.json: counts differ from a recount of its own content")
    md = (out_dir / "CERTIFICATION.md").read_text(encoding="utf-8")
    appendix = (out_dir / "FINDINGS.md").read_text(encoding="utf-8")
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    html_data: dict = {}
    for block in _DATA.findall(page):
        html_data.update(json.loads(block))
    for block in _DEFERRED.findall(page):
        html_data.update(read_deferred_block(block))
    blocking = [rc for rc in report.root_causes if rc.effect == "block"]
    block_section = md.split("## Blocking root causes", 1)[-1].split("\n## ", 1)[0]
    blocking_table = md.split("## Why each root cause blocks", 1)[-1].split("\n## ", 1)[0] if blocking else ""
    _agree(
        problems,
        "blocking root causes",
        {
            "findings.json root_causes": len(blocking),
            "findings.json p0": len(report.p0),
            "counts": c.get("root_causes", {}).get("block"),
            "CERTIFICATION.md heading": _one(r"## Blocking root causes \((\d+)\)", md),
            "CERTIFICATION.md page-one lines": len(re.findall(r"^\d+\. \*\*", block_section, re.M)),
            "CERTIFICATION.md blocking table rows": len(re.findall(r"^\| \d+ \|", blocking_table, re.M)),
            "CERTIFICATION.md decision": _one(r"\*\*\w[\w ]*\.\*\* (\d+) blocking root cause", md) if blocking else 0,
            "report.html nav": _one(r"Root causes \((\d+) blocking\)", page),
            "report.html data": sum(1 for rc in html_data.get("root_causes", []) if rc["effect"] == "block"),
            "run.json": run.get("counts", {}).get("p0"),
        },
    )
    _agree(
        problems,
        "blocking locations",
        {
            "counts": c.get("blocking_locations"),
            "findings.json": sum(rc.count for rc in blocking),
            "CERTIFICATION.md": _one(r"blocking root cause\(s\) at (\d+) location", md) if blocking else 0,
        },
    )
    sarif = json.loads((out_dir / "findings.sarif").read_text(encoding="utf-8")) if (out_dir / "findings.sarif").exists() else None
    results = sarif["runs"][0]["results"] if sarif else None
    _agree(
        problems,
        "findings",
        {
            "findings.json": len(report.findings),
            "counts": c.get("findings", {}).get("total"),
            "findings.sarif results": len(results) if results is not None else len(report.findings),
            "FINDINGS.md": len(re.findall(r"^### F-", appendix, re.M)),
            "report.html nav": _one(r"Findings \((\d+)\)", page),
            "report.html data": len(html_data.get("findings", [])),
            "run.json": run.get("counts", {}).get("findings"),
        },
    )
    if results is not None:
        in_sarif = sum(1 for r in results if r.get("properties", {}).get("rootCause"))
        _agree(
            problems,
            "findings grouped into root causes",
            {
                "findings.json": len({fid for rc in report.root_causes for fid in rc.finding_ids} & {f.id for f in report.findings}),
                "findings.sarif rootCause": in_sarif,
            },
        )
    _agree(
        problems,
        "counted findings",
        {
            "counts": c.get("findings", {}).get("counted"),
            "CERTIFICATION.md": _one(r"Counted findings: (\d+)", md),
            "findings.sarif unsuppressed-or-in-source": sum(
                1
                for r in results
                if not any(
                    s["kind"] == "external" and s.get("properties", {}).get("dwagentKind") == "certifier-baseline" for s in r.get("suppressions", [])
                )
            )
            if results is not None
            else c.get("findings", {}).get("counted"),
        },
    )
    _agree(
        problems,
        "conditions",
        {
            "findings.json": len(report.conditions),
            "counts": c.get("conditions"),
            "run.json": run.get("counts", {}).get("conditions"),
            "CERTIFICATION.md": _one(r"conditions: (\d+) · notes", md),
        },
    )
    _agree(problems, "counts block", {"findings.json": c, "report.html data": html_data.get("counts"), "run.json": run.get("report_counts")})
    _agree(
        problems,
        "verdict",
        {
            "findings.json": report.verdict,
            "run.json": run.get("verdict"),
            "report.html data": html_data.get("verdict"),
            "CERTIFICATION.md": (re.search(r"\*\*Verdict: ([A-Z ]+)\*\*", md) or [None, None])[1],
        },
    )
    gate = c.get("gate_values", {}).get("placeholder-tests")
    if gate is not None:
        said = {
            f"{name}: {n}"
            for name, text in (("CERTIFICATION.md", md), ("report.html", page))
            for n in re.findall(r"(\d+) placeholder tests?\b", text)
        }
        for entry in sorted(said):
            if int(entry.rsplit(": ", 1)[1]) != gate:
                problems.append(f"placeholder tests: gate {gate}, {entry}")
    return problems
