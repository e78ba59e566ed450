"""SARIF 2.1.0 output for findings (GitHub code scanning compatible).

Levels: critical/high -> error, medium -> warning, low -> note. Each rule carries
`properties.tags` with its CWE ids (`external/cwe/cwe-NNN`) and exactly one
`dwagent/category/<category>` tag, plus `security-severity` for security rules. Results carry a
URI relative to the scanned root, a region with a snippet, `partialFingerprints` (line-free, so
they survive unrelated edits) and `suppressions` when suppressed. Output is deterministic.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import quote

from dwagent.models import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
SUPPRESSION_KIND = {"inline": "inSource", "baseline": "external", "certifier-baseline": "external"}
FINGERPRINT_KEY = "dwagent/v1"
SRCROOT = "%SRCROOT%"


def _summary(doc: str, title: str) -> str:
    para = doc.strip().split("\n\n")[0] if doc.strip() else title
    return " ".join(para.split())


def rule_descriptor(meta) -> dict:
    """The reportingDescriptor of one rule."""
    tags = [f"external/cwe/cwe-{c}" for c in meta.cwe]
    tags.append(f"dwagent/category/{meta.category}")
    tags.append("security" if meta.security else "quality")
    props: dict = {
        "tags": tags,
        "precision": PRECISION.get(meta.confidence, "medium"),
        "problem.severity": "error" if LEVEL[meta.severity] == "error" else LEVEL[meta.severity],
    }
    if meta.security and meta.security_severity is not None:
        props["security-severity"] = f"{meta.security_severity:.1f}"
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": _summary(meta.doc, meta.title)},
        "help": {"text": meta.doc or meta.title, "markdown": f"**{meta.title}**\n\n{meta.doc}"},
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": props,
    }


def _result(f: Finding, index: dict[str, int], root_cause: str = "") -> dict:
    region: dict = {"startLine": max(1, f.start_line), "endLine": max(f.start_line, f.end_line, 1)}
    if f.excerpt:
        region["snippet"] = {"text": f.excerpt}
    location = {"physicalLocation": {"artifactLocation": {"uri": quote(f.file, safe="/"), "uriBaseId": SRCROOT}, "region": region}}
    result: dict = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"severity": f.severity, "confidence": f.confidence, "scope": f.scope, "category": f.category, "findingId": f.id},
    }
    if root_cause:  # the report's grouping: results with one root cause share this id
        result["properties"]["rootCause"] = root_cause
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    if f.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(e.file, safe="/"), "uriBaseId": SRCROOT},
                    "region": {"startLine": max(1, e.start_line), "endLine": max(1, e.start_line, e.end_line)},
                },
                "message": {"text": e.note or e.excerpt[:200] or e.file},
            }
            for i, e in enumerate(f.related)
            if e.file
        ] or None
        if result["relatedLocations"] is None:
            del result["relatedLocations"]
    if f.suppression is not None:
        result["suppressions"] = [
            {
                "kind": SUPPRESSION_KIND[f.suppression.kind],
                "status": "accepted",
                "justification": f.suppression.justification or "(no reason given)",
                "properties": {"dwagentKind": f.suppression.kind, "location": f.suppression.location},
            }
        ]
    return result


def skip_notifications(skips: Iterable[dict]) -> list[dict]:
    """SARIF `toolExecutionNotifications` for files the tool did not analyse ({path, reason, detail})."""
    out = []
    for s in sorted(skips, key=lambda s: (s["path"], s["reason"])):
        deliberate = s["reason"] in ("excluded", "ignored", "symlink-internal")
        out.append(
            {
                "level": "note" if deliberate else "warning",
                "descriptor": {"id": f"skipped/{s['reason']}"},
                "message": {"text": f"not analysed: {s['path']} ({s['reason']}{': ' + s['detail'] if s.get('detail') else ''})"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": s["path"].rstrip("/") or ".", "uriBaseId": SRCROOT}}}],
            }
        )
    return out


def to_sarif(
    findings: Iterable[Finding], rules: list, *, tool_version: str, root_cause_of: dict[str, str] | None = None, skips: Iterable[dict] = ()
) -> dict:
    """A SARIF 2.1.0 log with one run: the given rules as the driver's catalogue and the findings
    as results (sorted). Findings whose rule is not in `rules` still appear (without ruleIndex).
    Every skipped file is a `toolExecutionNotifications` entry of the run's one invocation."""
    ordered_rules = sorted(rules, key=lambda m: m.id)
    index = {m.id: i for i, m in enumerate(ordered_rules)}
    results = [
        _result(f, index, (root_cause_of or {}).get(f.id, "")) for f in sorted(findings, key=lambda f: (f.file, f.start_line, f.rule, f.fingerprint))
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dwagent",
                        "version": tool_version,
                        "rules": [rule_descriptor(m) for m in ordered_rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the scanned tree."}}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": skip_notifications(skips)}],
                "results": results,
            }
        ],
    }
