"""The hostile reviewer: challenges every finding, then every PASS.

Findings pass (after the evidence node): quote re-read from disk (mismatch ⇒ dropped, logged),
test-only (dropped from counting), duplicates (merged), reachability and guards (re-ranked with
the reason cited), suppressions (in-tree ones rejected; the certifier's baseline accepts).
PASS pass (after the matrix nodes): a PASS cell without evidence ids, or whose code evidence no
longer matches the file, becomes NOT VERIFIED. Every challenge is recorded.
An optional LLM challenge (agents/llm/review.py: llm_challenge) may add `noted` records; it can
never raise a severity, drop a finding or turn anything into PASS.
"""

from __future__ import annotations

import time
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.passages import PassageSearch
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.review.guards import find_guards
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.policy import downgrade
from dwagent.models import SEVERITY_ORDER, Evidence, Finding, ReviewRecord, Suppression
from dwagent.tools.retrieve.hits import Filters
from dwagent.tools.verify import check_quote

# Categories whose risk an environment/option guard genuinely limits (a dev-only TLS bypass is
# less severe than an unconditional one); a guarded hard-coded secret is still in the binary.
GUARDABLE = frozenset({"tls-bypass", "weak-crypto", "secret-logging", "hardcoded-tuning", "fake-async-delay", "unsafe-assembly-load"})


# Findings that are themselves about wiring: "unreachable" is their subject, not a mitigation.
WIRING_CATEGORIES = frozenset({"dead-code", "unwired-component", "orphan-topic"})


def _with(finding: Finding, record: ReviewRecord, **changes) -> Finding:
    return finding.model_copy(update={"review": (*finding.review, record), **changes})


def _check_hops(root: Path, f: Finding) -> Finding:
    """Re-read every data-flow hop (related code evidence) from disk: matching hops are marked
    verified; a hop that no longer matches is removed and noted (the path is then incomplete)."""
    hops = [e for e in f.related if e.kind == "code" and e.file and e.excerpt and e.note.startswith(("flow step", "caller step"))]
    if not hops:
        return f
    kept, stale = [], []
    for e in f.related:
        if e in hops:
            q = check_quote(root, e.file, e.start_line, e.end_line, e.excerpt)
            if not q.ok:
                stale.append(f"{e.file}:{e.start_line}")
                continue
            e = e.model_copy(update={"verified": True})
        kept.append(e)
    f = f.model_copy(update={"related": tuple(kept)})
    if stale:
        f = _with(
            f, ReviewRecord(challenge="quote-check", outcome="noted", detail=f"data-flow hops no longer match the file: {', '.join(stale[:5])}")
        )
    return f


def _downgraded(finding: Finding, steps: int, record: ReviewRecord, **changes) -> Finding:
    props = dict(finding.properties)
    props.setdefault("original_severity", finding.severity)
    new = downgrade(finding.severity, steps)
    outcome = "downgraded" if new != finding.severity else "upheld"
    record = record.model_copy(update={"outcome": outcome})
    return _with(finding, record, severity=new, properties=props, **changes)


def _judge_stub(finding: Finding, sources: Sources | None) -> Finding:
    """A NotImplementedException finding weighed by its callers (code graph): lowered, with the
    reason in its message, when no call reaches it or only base-typed calls do; else the caller
    that fails is written into the message."""
    judged = sources.stub_judgement(finding) if sources is not None and finding.category == "not-implemented" else None
    if judged is None:
        return finding
    message = f"{finding.message} ({judged.reason})"
    lower = judged.severity is not None and SEVERITY_ORDER[judged.severity] > SEVERITY_ORDER[finding.severity]
    if not lower:
        return _with(finding, ReviewRecord(challenge="callers", outcome="noted", detail=judged.reason), message=message)
    props = dict(finding.properties)
    props.setdefault("original_severity", finding.severity)
    record = ReviewRecord(challenge="callers", outcome="downgraded", detail=judged.reason)
    return _with(finding, record, severity=judged.severity, properties=props, message=message)


def _merge_duplicates(findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """Same category, same file, overlapping lines ⇒ one finding (the most severe) keeps the rest
    as related evidence, with their own related evidence (a hop path) carried over."""
    log: list[str] = []
    ordered = sorted(findings, key=lambda f: (f.file, f.category, f.start_line, SEVERITY_ORDER[f.severity], f.rule))
    kept: list[Finding] = []
    for f in ordered:
        prev = kept[-1] if kept else None
        if prev and prev.file == f.file and prev.category == f.category and f.start_line <= prev.end_line:
            best, other = (prev, f) if SEVERITY_ORDER[prev.severity] <= SEVERITY_ORDER[f.severity] else (f, prev)
            ev = Evidence(
                id=Evidence.make_id(other.file, other.start_line, other.end_line, other.excerpt),
                file=other.file,
                start_line=other.start_line,
                end_line=other.end_line,
                excerpt=other.excerpt,
                note=f"duplicate {other.rule}: {other.message}",
            )
            rec = ReviewRecord(challenge="duplicate", outcome="noted", detail=f"merged {other.rule} {other.id}", evidence_ids=(ev.id,))
            # the merged finding's own path (e.g. DWA-360's hops from an action to a write) stays readable
            carried = tuple(r for r in other.related if r.id not in {x.id for x in best.related} and r.id != ev.id)
            kept[-1] = _with(best, rec, related=(*best.related, ev, *carried), end_line=best.end_line)
            log.append(f"duplicate merged: {other.id} into {best.id}")
        else:
            kept.append(f)
    return kept, log


def review_findings(findings: list[Finding], ctx: RunContext, sources: Sources | None = None) -> tuple[list[Finding], list[Finding], list[str]]:
    """Challenge each finding; returns (kept, dropped, log lines). Kept includes accepted ones."""
    policy = ctx.rubric.rubric.policy
    kept: list[Finding] = []
    dropped: list[Finding] = []
    log: list[str] = []
    root = Path(ctx.root)
    for f in findings:
        quote = check_quote(root, f.file, f.start_line, f.end_line, f.excerpt)
        if not quote.ok:
            dropped.append(_with(f, ReviewRecord(challenge="quote-check", outcome="dropped", detail=quote.reason)))
            log.append(f"quote-check dropped {f.id} {f.file}:{f.start_line}: {quote.reason}")
            continue
        f = _with(f, ReviewRecord(challenge="quote-check", outcome="upheld", detail="excerpt matches the file"))
        f = _check_hops(root, f)
        if f.scope != "production":
            dropped.append(_with(f, ReviewRecord(challenge="test-only", outcome="dropped", detail=f"scope {f.scope}")))
            continue
        kept.append(f)
    kept, dup_log = _merge_duplicates(kept)
    log.extend(dup_log)
    reviewed: list[Finding] = []
    for f in kept:
        reach = sources.reachability(f) if sources else f.reachability
        if reach == "unreachable" and f.category not in WIRING_CATEGORIES:
            f = _downgraded(
                f,
                policy.unreachable_downgrade,
                ReviewRecord(challenge="reachability", outcome="downgraded", detail="enclosing code is never instantiated or called"),
                reachability="unreachable",
            )
        elif reach != f.reachability:
            f = f.model_copy(update={"reachability": reach})
        f = _judge_stub(f, sources)
        guards = f.guards or (find_guards(sources, f) if sources and f.category in GUARDABLE else ())
        if guards:
            f = _downgraded(
                f,
                policy.guard_downgrade,
                ReviewRecord(
                    challenge="guard",
                    outcome="downgraded",
                    detail=f"{guards[0].note or 'guarded'} at {guards[0].file}:{guards[0].start_line}",
                    evidence_ids=tuple(g.id for g in guards),
                ),
                guards=guards,
            )
        if f.fingerprint in ctx.baseline:
            sup = Suppression(kind="certifier-baseline", justification=ctx.baseline[f.fingerprint], location=ctx.baseline_source)
            f = _with(f, ReviewRecord(challenge="suppression", outcome="noted", detail="accepted by the certifier's baseline"), suppression=sup)
        elif f.suppression is not None:
            f = _with(
                f,
                ReviewRecord(
                    challenge="suppression",
                    outcome="rejected-argument",
                    detail=f"{f.suppression.kind} suppression inside the audited tree does not change verdicts",
                ),
            )
        reviewed.append(f)
    reviewed.sort(key=Finding.sort_key)
    dropped.sort(key=Finding.sort_key)
    return reviewed, dropped, sorted(log)


# Severe findings whose enclosing member is searched for elsewhere in the tree (its possible
# callers), most severe first: a bounded number of index queries on any tree size.
CALLER_QUERIES = 12
CALLER_SEVERITIES = frozenset({"critical", "high"})
# A call by name says which member it reaches only when few members share the name: past this
# many declarations (`GetAsync`, `CreateAsync`...) a name match is noise, and no search is spent.
MAX_SAME_NAME = 3


def _declarations(sources: Sources, name: str) -> int:
    row = sources.conn.execute(
        "SELECT COUNT(*) FROM symbols WHERE name = ? AND kind IN ('method', 'function', 'constructor', 'property')", (name,)
    ).fetchone()
    return int(row[0]) if row else 0


def cite_callers(findings: list[Finding], sources: Sources) -> tuple[list[Finding], dict[str, dict], str]:
    """Findings with retrieved passages that name their enclosing member outside it (lexical,
    not resolved: a possible caller), the passages by id, and why dense ranking did not join
    ('' when it did). Nothing about a finding's severity or status changes."""
    search = PassageSearch(sources, CALLER_QUERIES)
    evidence: dict[str, dict] = {}
    by_member: dict[tuple[str, int], list[Evidence]] = {}
    out: list[Finding] = []
    for f in findings:  # already in Finding.sort_key order: most severe first
        if f.suppression is not None or f.severity not in CALLER_SEVERITIES:
            out.append(f)
            continue
        member = sources.enclosing_member(f.file, f.start_line)
        if not member:
            out.append(f)
            continue
        key = (f.file, int(member["start_line"]))
        if key not in by_member and _declarations(sources, member["name"]) > MAX_SAME_NAME:
            by_member[key] = []
        if key not in by_member:
            by_member[key] = search.naming(
                member["name"],
                note=f"calls {member['name']}, the {member['kind']} around this finding (by name: a possible caller)",
                filters=Filters(role="production"),
                exclude=(f.file, int(member["start_line"]), int(member["end_line"])),
                calls_only=True,
            )
        found = by_member[key]
        if not found:
            out.append(f)
            continue
        ids = tuple(e.id for e in found)
        for e in found:
            evidence[e.id] = e.model_dump(mode="json")
        record = ReviewRecord(
            challenge="callers", outcome="noted", detail=f"{len(found)} retrieved passage(s) call {member['name']} (by name)", evidence_ids=ids
        )
        out.append(_with(f, record, evidence_ids=tuple(sorted({*f.evidence_ids, *ids}))))
    return out, evidence, search.dense_reason if search.used else ""


def _llm_pass(kept: list[Finding], ctx: RunContext, sources, retrieved: dict[str, dict]) -> tuple[list[Finding], dict]:
    from dwagent.agents.nodes.llm_stages import announce_llm_plan, llm_review

    announce_llm_plan(kept, ctx.gateway, ctx.rubric.rubric)
    # the call sites cite_callers retrieved, per finding: context for the model's challenge
    callers = {f.id: tuple(Evidence.model_validate(retrieved[i]) for i in f.evidence_ids if i in retrieved) for f in kept}
    out, evidence = llm_review(kept, ctx.gateway, Path(ctx.root), sources, {k: v for k, v in callers.items() if v})
    out.sort(key=Finding.sort_key)
    return out, evidence


def findings_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: the findings pass."""
    started = time.perf_counter()
    raw = [Finding.model_validate(d) for d in state.get("raw_findings", [])]
    with Sources.open(ctx) as sources:
        kept, dropped, log = review_findings(raw, ctx, sources)
        kept, retrieved, dense_reason = cite_callers(kept, sources)
        llm_evidence: dict = {}
        if ctx.gateway is not None:
            kept, llm_evidence = _llm_pass(kept, ctx, sources, retrieved)
    evidence = {**retrieved, **llm_evidence}
    for f in kept:
        for ev in (*f.guards, *f.related):
            evidence[ev.id] = ev.model_dump(mode="json")
    return {
        "findings": [f.model_dump(mode="json") for f in kept],
        "dropped": [f.model_dump(mode="json") for f in dropped],
        "evidence": evidence,
        "log": log,
        "timings": {"hostile_reviewer.findings": round(time.perf_counter() - started, 3)},
        **({"optional": {"dense": dense_reason}} if dense_reason else {}),
    }


def challenge_cell(cell: dict, evidence: dict[str, dict], root: Path, where: str) -> tuple[dict, dict | None]:
    """Challenge one PASS cell: no evidence ids, or a code excerpt that no longer matches the file,
    makes it NOT VERIFIED. Returns (cell, challenge record or None)."""
    # NOT APPLICABLE rests on cited lines just like PASS: it is challenged the same way.
    if cell.get("status") not in ("PASS", "NOT APPLICABLE"):
        return cell, None
    ids = cell.get("evidence_ids") or []
    if not ids:
        new = {**cell, "status": "NOT VERIFIED", "reason": f"{cell['status']} without evidence ({cell.get('reason', '')})".strip()}
        return new, {"where": where, "outcome": "NOT VERIFIED", "detail": "no evidence ids"}
    for eid in ids:
        ev = evidence.get(eid)
        if ev is None:
            new = {**cell, "status": "NOT VERIFIED", "reason": f"evidence {eid} is not in the evidence table"}
            return new, {"where": where, "outcome": "NOT VERIFIED", "detail": f"unknown evidence {eid}"}
        if ev.get("kind") == "code" and ev.get("file") and ev.get("excerpt"):
            q = check_quote(root, ev["file"], ev["start_line"], ev["end_line"], ev["excerpt"])
            if not q.ok:
                new = {**cell, "status": "NOT VERIFIED", "reason": f"evidence {eid} does not match the file ({q.reason})"}
                return new, {"where": where, "outcome": "NOT VERIFIED", "detail": f"quote {q.reason} for {eid}"}
    return cell, {"where": where, "outcome": "upheld", "detail": f"{len(ids)} evidence id(s) verified"}


def _walk_cells(tree: dict, evidence: dict, root: Path, prefix: str, records: list[dict]) -> dict:
    out = {}
    for key in sorted(tree):
        row = dict(tree[key])
        cells = row.get("cells")
        if isinstance(cells, dict):
            new_cells = {}
            for name in sorted(cells):
                new_cells[name], rec = challenge_cell(cells[name], evidence, root, f"{prefix}.{key}.{name}")
                if rec:
                    records.append(rec)
            row["cells"] = new_cells
        if "status" in row:
            checked, rec = challenge_cell(row, evidence, root, f"{prefix}.{key}")
            row = checked
            if rec:
                records.append(rec)
        out[key] = row
    return out


def passes_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: challenge every PASS of the plugin, flow and tier matrices."""
    started = time.perf_counter()
    evidence = state.get("evidence", {})
    records: list[dict] = []
    root = Path(ctx.root)
    update = {
        "plugins": _walk_cells(state.get("plugins", {}), evidence, root, "plugin", records),
        "flows": _walk_cells(state.get("flows", {}), evidence, root, "flow", records),
        "tiers": _walk_cells(state.get("tiers", {}), evidence, root, "tier", records),
    }
    # A row whose cells were downgraded cannot stay PASS.
    for table in update.values():
        for row in table.values():
            cells = row.get("cells") or {}
            if row.get("status") == "PASS" and any(c.get("status") not in ("PASS", "NOT APPLICABLE") for c in cells.values()):
                row["status"] = "NOT VERIFIED"
                row["reason"] = "a cell of this row could not be verified"
    update["challenges"] = sorted(records, key=lambda r: r["where"])
    update["timings"] = {"hostile_reviewer.passes": round(time.perf_counter() - started, 3)}
    return update
