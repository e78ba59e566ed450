"""The optional LLM passes of a certification run (agents/llm/ does the asking and checking).

Policy (docs/verdict-policy.md): a model is never the reason a verdict exists.
- Findings (inside the hostile reviewer): the challenge of severe findings and the triage of
  low-confidence hits. Verified arguments are recorded on the finding; at most they lower the
  severity by one level (a "refuted" or "false-positive" finding is kept, one level lower, with
  the argument cited). Nothing is dropped, raised or turned into PASS.
- Flows (node `llm_flows`, after the flow tracer): unresolved hops may get a model-proposed,
  verified target, marked LLM-resolved; it can only add FAILs (agents/llm/flow_assist.py).
- Prose (node `llm_prose`, after the adjudicator): cited rationales for domain and tier rows,
  kept in the usage ledger for the report's LLM section (agents/llm/rationales.py).
Without a gateway every pass returns its input unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

from dwagent.agents.verdict.policy import downgrade
from dwagent.models import Evidence, Finding


def _enclosing(sources, f: Finding) -> Evidence | None:
    if sources is None:
        return None
    member = sources.enclosing_member(f.file, f.start_line)
    if not member:
        return None
    text = sources.excerpt(f.file, member["start_line"], member["end_line"])
    return Evidence(
        id=Evidence.make_id(f.file, member["start_line"], member["end_line"], text),
        file=f.file,
        start_line=member["start_line"],
        end_line=member["end_line"],
        excerpt=text,
    )


def _bounded(f: Finding, record, lowered: bool) -> Finding:
    """The finding with `record` appended; a verified refutation, downgrade or false-positive
    lowers by exactly one level (the model cannot go further)."""
    severity = downgrade(f.severity, 1) if lowered else f.severity
    new_outcome = "downgraded" if severity != f.severity else ("noted" if record.outcome == "dropped" else record.outcome)
    props = dict(f.properties)
    if severity != f.severity:
        props.setdefault("original_severity", f.severity)
    return f.model_copy(update={"severity": severity, "review": (*f.review, record.model_copy(update={"outcome": new_outcome})), "properties": props})


def llm_review(
    findings: list[Finding], gateway, root: Path, sources=None, callers: dict[str, tuple[Evidence, ...]] | None = None
) -> tuple[list[Finding], dict[str, dict]]:
    """Challenge the selected severe findings and triage the low-confidence ones with the model;
    returns (findings, cited evidence). A finding selected for the challenge is not triaged too.
    `callers` are the call sites the reviewer retrieved per finding id: the model sees them as
    context (re-verified before sending), like the enclosing member."""
    if gateway is None:
        return findings, {}
    from dwagent.agents.llm import assist, review

    if hasattr(gateway, "register_secrets"):
        gateway.register_secrets(findings)  # the redactor must know the secrets before any prompt
    chosen = {f.id for f in review.select_for_challenge(findings)}
    to_triage = [f for f in assist.select_for_triage(findings) if f.id not in chosen]
    triaged: dict[str, assist.TriageOutcome] = {}
    for batch in assist.triage_batches(to_triage):
        contexts = [(f, review.ReviewContext(root=root, enclosing=_enclosing(sources, f), guards=f.guards)) for f in batch]
        triaged.update(assist.llm_triage_batch(gateway, contexts))
    out, evidence = [], {}
    for f in findings:
        if f.id in chosen:
            context = review.ReviewContext(root=root, enclosing=_enclosing(sources, f), guards=f.guards, callers=(callers or {}).get(f.id, ()))
            outcome = review.llm_challenge(gateway, f, context)
            lowered = outcome.status in ("refuted", "downgraded")
        elif f.id in triaged:
            outcome = triaged[f.id]
            lowered = outcome.verdict == "false-positive"
        else:
            out.append(f)
            continue
        if outcome.record is None:
            out.append(f)
            continue
        for ev in outcome.citations:
            evidence[ev.id] = ev.model_dump(mode="json")
        out.append(_bounded(f, outcome.record, lowered))
    return out, evidence


def llm_call_plan(findings: list[Finding], rubric) -> dict[str, int]:
    """How many calls of each kind this run should make: exact for the findings passes, the caps'
    bounds for flows (every waypoint unresolved), rationales and competitor paragraphs."""
    from dwagent.agents.llm import assist, review
    from dwagent.agents.llm.flow_assist import DEFAULT_HOP_CAP
    from dwagent.agents.llm.rationales import DEFAULT_ROW_CAP

    chosen = {f.id for f in review.select_for_challenge(findings)}
    triage = [f for f in assist.select_for_triage(findings) if f.id not in chosen]
    hops = sum(1 + len(flow.waypoints) for flow in rubric.flows)
    rows = len(rubric.domains) + len(rubric.tiers)
    if getattr(rubric, "derive_domains", False):
        # one derived domain per top-level project; those with findings are the rows with citations
        rows += len({f.file.split("/", 1)[0] for f in findings}) + 1
    products = 0
    if getattr(rubric, "competitive_analysis", False):
        from dwagent.competitors.loader import default_kb
        from dwagent.competitors.prose import DEFAULT_LLM_PRODUCT_CAP

        try:
            products = min(DEFAULT_LLM_PRODUCT_CAP, len(default_kb()))
        except Exception:  # no KB: no competitor calls to plan for
            products = 0
    return {
        "challenge": len(chosen),
        "triage": len(assist.triage_batches(triage)),
        "triage_items": len(triage),
        "flow": min(DEFAULT_HOP_CAP, hops),
        "rationale": min(DEFAULT_ROW_CAP, rows),
        "competitor": products,
    }


def announce_llm_plan(findings: list[Finding], gateway, rubric) -> str:
    """Show the token plan before the first model call ("~N calls, ~T tokens, ~M minutes")."""
    if gateway is None or not hasattr(gateway, "plan"):
        return ""
    if getattr(gateway, "profile", None) is not None and not gateway.profile.tokens_per_s:
        # An endpoint never measured: one tiny request negotiates the structured mode and gives
        # the rate, so the plan has minutes and the first real call a timeout that fits.
        gateway.ping(agent="endpoint_probe")
    return gateway.plan(llm_call_plan(findings, rubric))


def resume_llm(gateway, values: dict) -> None:
    """Before `--resume` continues a checkpoint: the ledger as the last completed step left it
    (usage, cited prose, budget and disabled state) and the redactor's secrets from the findings
    (the step that registered them may not run again)."""
    if gateway is None:
        return
    gateway.ledger.restore(values.get("llm_ledger") or {})
    if hasattr(gateway, "register_secrets"):
        raw = values.get("raw_findings") or values.get("findings") or []
        gateway.register_secrets([Finding.model_validate(f) for f in raw])


def _waypoint_globs(rubric) -> dict[str, dict[str, tuple[str, ...]]]:
    """flow id -> hop name -> identifier globs, from the rubric (hop names as the tracer writes them)."""
    return {flow.id: {"entry": tuple(flow.entry), **{w.name: tuple(w.symbols) for w in flow.waypoints}} for flow in rubric.flows}


def llm_flows_node(state: dict, ctx) -> dict:
    """Graph node (only wired when a gateway is configured): model-proposed targets for the
    flow hops the tracer left unresolved; see agents/llm/flow_assist.py for what counts."""
    started = time.perf_counter()
    if ctx.gateway is None:
        return {}
    from dwagent.agents.inputs.sources import Sources
    from dwagent.agents.llm.flow_assist import resolve_flow_hops
    from dwagent.agents.nodes.flow_tracer import CONTROL_CATEGORIES

    counted = [f for f in state.get("findings", []) if (f.get("suppression") or {}).get("kind") != "certifier-baseline"]
    with Sources.open(ctx) as sources:
        result = resolve_flow_hops(
            ctx.gateway, Path(ctx.root), sources, state.get("flows", {}), _waypoint_globs(ctx.rubric.rubric), counted, CONTROL_CATEGORIES
        )
    return {"flows": result.flows, "evidence": result.evidence, "log": result.log, "timings": {"llm_flows": round(time.perf_counter() - started, 3)}}


def llm_prose_node(state: dict, ctx) -> dict:
    """Graph node (only wired when a gateway is configured): cited rationales for the report's
    domain and tier rows, kept in the ledger; the report and its verdict are not touched."""
    started = time.perf_counter()
    if ctx.gateway is None:
        return {}
    from dwagent.agents.llm.rationales import write_rationales

    write_rationales(ctx.gateway, state.get("report") or {})
    return {"timings": {"llm_prose": round(time.perf_counter() - started, 3)}}
