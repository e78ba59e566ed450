"""Claims checker: claims the tree's own documents make, each confirmed (the matching checks ran
and found nothing), contradicted (with the findings) or unverifiable. Claims are data: they can
lower a verdict by being contradicted, never raise one."""

from __future__ import annotations

import re
import time

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.globs import match_path
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.cells import absence, code_evidence, evidence_table
from dwagent.agents.verdict.policy import counts, finding_effect
from dwagent.models import SECURITY_CATEGORIES

STUBS = ("not-implemented", "stub-return", "fake-async-delay", "todo-marker", "placeholder-test")
# (claim pattern, categories whose counted findings contradict it, also contradicted by any P0)
TOPICS: tuple[tuple[re.Pattern, tuple[str, ...], bool], ...] = tuple(
    (re.compile(p, re.IGNORECASE), cats, p0)
    for p, cats, p0 in (
        (r"(?:hard[- ]?coded|embedded|plain[- ]?text)\s+(?:passwords?|secrets?|credentials?|keys?)", ("hardcoded-secret",), False),
        (r"\b(?:TODO|FIXME|HACK)s?\b", ("todo-marker",), False),
        (r"sync[- ]over[- ]async|blocking (?:calls?|waits?)|fully async", ("sync-over-async",), False),
        (r"\bTLS\b|\bHTTPS\b|encrypted in transit|certificate validation", ("tls-bypass",), False),
        (r"\bFIPS\b|strong (?:crypto|encryption)|weak (?:crypto|ciphers?|hash)", ("weak-crypto",), False),
        (r"sql injection", ("sql-injection",), False),
        (r"path traversal", ("path-traversal",), False),
        (r"stubs?\b|placeholders?|not ?implemented|mock implementations?|simulated", STUBS, False),
        (r"secure by default|zero (?:known )?vulnerabilit|no (?:known )?vulnerabilit|security[- ]hardened", tuple(sorted(SECURITY_CATEGORIES)), True),
        (
            r"production[- ]ready|100\s*%|fully (?:implemented|complete|functional)|feature[- ]complete|\ball\b.*\b(?:complete|implemented|done)\b",
            STUBS,
            True,
        ),
    )
)
_CLAIM = re.compile(
    r"(?:\b100\s*%|\bzero\b|\bno\b|\bnever\b|\ball\b|\bfully\b|\bcomplete\b|\bproduction[- ]ready\b|\bevery\b|\bsecure by default\b|\bwithout\b)",
    re.IGNORECASE,
)
_MAX_CLAIMS = 200


def extract_claims(sources: Sources, globs: tuple[str, ...]) -> list[dict]:
    """Lines of the tree's documents that assert something checkable or absolute."""
    claims = []
    for row in sources.files():
        if row["language"] in ("csharp", "python") or not match_path(globs, row["path"]):
            continue
        for no, line in enumerate(sources.lines(row["path"]), start=1):
            text = line.strip()
            if len(text) < 8 or not _CLAIM.search(text):
                continue
            topics = [(cats, p0) for rx, cats, p0 in TOPICS if rx.search(text)]
            if not topics:
                continue
            claims.append({"file": row["path"], "line": no, "text": text[:240], "topics": topics})
            if len(claims) >= _MAX_CLAIMS:
                return claims
    return claims


def judge_claims(sources: Sources, claims: list[dict], findings: list[dict], categories_ran: set[str], policy) -> tuple[list[dict], list]:
    """Mark each claim confirmed / contradicted / unverifiable with the deciding evidence."""
    out, evidence = [], []
    counted = [f for f in findings if counts(f)]
    for c in claims:
        ev = code_evidence(sources, c["file"], c["line"], note="claim")
        ev = ev.model_copy(update={"kind": "doc-claim"})
        evidence.append(ev)
        cats = sorted({cat for cats, _ in c["topics"] for cat in cats})
        wants_p0 = any(p0 for _, p0 in c["topics"])
        against = [f for f in counted if f["category"] in cats or (wants_p0 and finding_effect(f["severity"], policy) == "block")]
        covered = [cat for cat in cats if cat in categories_ran]
        if against:
            status, reason = "contradicted", f"{len(against)} counted finding(s): " + ", ".join(sorted({f["category"] for f in against}))
            ids = [ev.id]
        elif covered and len(covered) == len(cats):
            ab = absence(f"{c['file']}:{c['line']}", f"rules for {', '.join(cats)} ran and found nothing counted")
            evidence.append(ab)
            status, reason, ids = "confirmed", "matching rules ran and found nothing", [ev.id, ab.id]
        else:
            status, reason, ids = "unverifiable", "no rule covers every part of this claim", [ev.id]
        out.append(
            {
                "id": ev.id,
                "file": c["file"],
                "line": c["line"],
                "text": c["text"],
                "status": status,
                "reason": reason,
                "categories": cats,
                "evidence_ids": sorted(ids),
                "finding_ids": sorted(f["id"] for f in against)[:50],
            }
        )
    return out, evidence


def claims_checker_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: claims vs evidence."""
    started = time.perf_counter()
    ran = set(state.get("rules_info", {}).get("categories", []))
    with Sources.open(ctx) as sources:
        claims = extract_claims(sources, ctx.rubric.rubric.claims.documents)
        judged, evidence = judge_claims(sources, claims, state.get("findings", []), ran, ctx.rubric.rubric.policy)
    return {"claims": judged, "evidence": evidence_table(evidence), "timings": {"claims_checker": round(time.perf_counter() - started, 3)}}
