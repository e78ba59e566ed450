"""Smaller LLM helpers: triage of low-confidence hits, flow-hop interpretation, cited prose.

Same contract as the challenge: the model proposes, the verifier disposes. Each helper returns
a value the caller can use as is, or the deterministic default when the model is absent, failed,
or argued from citations that do not check out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

from dwagent.agents.llm.citations import CitedText, keep_cited, verify_citations
from dwagent.agents.llm.review import ReviewContext, context_blocks, finding_summary
from dwagent.agents.llm.schemas import FlowHopReply, ProseReply, TriageBatchReply, TriageReply
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Evidence, Finding, ReviewRecord

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway

DEFAULT_TRIAGE_CAP = 100  # keeps a DW-sized audit within ~$3 on a mid-tier model (docs/llm.md, Cost)
TRIAGE_BATCH_SIZE = 8  # hits per triage call: the system prompt is paid once, answers stay short
DEFAULT_OUTPUT_TOKENS = 700  # the gateway's per-call default (gateway.DEFAULT_MAX_OUTPUT_TOKENS)
BATCH_OUTPUT_TOKENS_PER_ITEM = 350  # one verdict, a short argument and a citation or two


@dataclass(frozen=True)
class TriageOutcome:
    """`verdict` is "uncertain" unless the model argued with verified citations."""

    verdict: Literal["true-positive", "false-positive", "uncertain"]
    record: ReviewRecord | None
    citations: tuple[Evidence, ...] = ()


def select_for_triage(findings: Iterable[Finding], cap: int = DEFAULT_TRIAGE_CAP) -> list[Finding]:
    """Low-confidence, unsuppressed findings, deterministic order, at most `cap`."""
    chosen = [f for f in findings if f.confidence == "low" and f.suppression is None]
    return sorted(chosen, key=Finding.sort_key)[:cap]


def llm_triage(gateway: LLMGateway | None, finding: Finding, context: ReviewContext) -> TriageOutcome:
    """Judge a low-confidence rule hit; anything unverified stays 'uncertain'."""
    if gateway is None:
        return TriageOutcome("uncertain", None)
    reply = gateway.complete_structured(
        "triage", "triage", {"finding": finding_summary(finding), "code": context_blocks(finding, context)}, TriageReply
    )
    if reply is None:
        return TriageOutcome("uncertain", None)
    return _judged(gateway, context, reply.verdict, reply.argument, reply.citations)


def _judged(gateway: LLMGateway, context: ReviewContext, verdict: str, argument: str, citations: Sequence[Any]) -> TriageOutcome:
    """One verdict (single or batched) through the citation check; unverified stays 'uncertain'."""
    reply = TriageReply(verdict=verdict, argument=argument, citations=list(citations))  # type: ignore[arg-type]
    if reply.verdict == "uncertain":
        return TriageOutcome("uncertain", None)
    check = verify_citations(context.root, reply.citations)
    if not check.all_ok:
        gateway.ledger.record_rejected_argument("triage")
        detail = f"LLM triage said {reply.verdict}; citations failed: " + "; ".join(check.problems or ("none given",))
        return TriageOutcome("uncertain", ReviewRecord(challenge="llm-triage", outcome="rejected-argument", detail=detail[:600]))
    ids = tuple(e.id for e in check.verified)
    outcome = "upheld" if reply.verdict == "true-positive" else "dropped"
    record = ReviewRecord(challenge="llm-triage", outcome=outcome, detail=reply.argument[:600], evidence_ids=ids)
    return TriageOutcome(reply.verdict, record, check.verified)


def triage_batches(findings: Sequence[Finding], size: int = TRIAGE_BATCH_SIZE) -> list[list[Finding]]:
    """The hits in finding-id order, cut into calls of at most `size` (deterministic)."""
    ordered = sorted(findings, key=lambda f: f.id)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def llm_triage_batch(gateway: LLMGateway | None, batch: Sequence[tuple[Finding, ReviewContext]]) -> dict[str, TriageOutcome]:
    """Judge several hits in one call; outcomes by finding id. A batch of one is a single call.

    Each item is mapped back by its finding id and checked on its own: an id the model left out,
    gave twice, or did not ask about, and a reply that is malformed (None from the gateway), leave
    the hit 'uncertain', exactly like a failed single call; the fallback is counted in the ledger."""
    if gateway is None or not batch:
        return {f.id: TriageOutcome("uncertain", None) for f, _ in batch}
    if len(batch) == 1:
        finding, context = batch[0]
        return {finding.id: llm_triage(gateway, finding, context)}
    findings = [finding_summary(f) for f, _ in batch]
    code = [replace(block, id=f"{f.id}/{block.id}") for f, context in batch for block in context_blocks(f, context)]
    allowance = max(DEFAULT_OUTPUT_TOKENS, BATCH_OUTPUT_TOKENS_PER_ITEM * len(batch))
    reply = gateway.complete_structured("triage", "triage_batch", {"findings": findings, "code": code}, TriageBatchReply, allowance)
    outcomes = {f.id: TriageOutcome("uncertain", None) for f, _ in batch}
    if reply is None:
        return outcomes
    counts: dict[str, int] = {}
    for item in reply.items:
        counts[item.finding_id] = counts.get(item.finding_id, 0) + 1
    for finding, context in batch:
        item = next((i for i in reply.items if i.finding_id == finding.id), None)
        if item is None or counts[finding.id] != 1:
            gateway.ledger.record_fallback("triage", "batch-item-missing" if item is None else "batch-item-duplicated")
            continue
        outcomes[finding.id] = _judged(gateway, context, item.verdict, item.argument, item.citations)
    return outcomes


@dataclass(frozen=True)
class FlowHopOutcome:
    """A hop the graph could not resolve; `target` set only when the model's pick verified."""

    resolved: bool
    target: CodeBlock | None
    explanation: str
    citations: tuple[Evidence, ...] = ()


def interpret_flow_hop(
    gateway: LLMGateway | None,
    root: Any,
    source: CodeBlock,
    candidates: Sequence[CodeBlock],
    question: str,
) -> FlowHopOutcome:
    """Ask which candidate (if any) the source hands off to; verified against the files."""
    if gateway is None or not candidates:
        return FlowHopOutcome(False, None, "")
    reply = gateway.complete_structured(
        "flow_tracer",
        "flow_interpreter",
        {"question": question, "source": source, "candidates": list(candidates)},
        FlowHopReply,
    )
    return _verified_pick(gateway, root, candidates, reply)


def pick_flow_entry(
    gateway: LLMGateway | None,
    root: Any,
    candidates: Sequence[CodeBlock],
    question: str,
) -> FlowHopOutcome:
    """Ask which candidate (if any) is where a flow starts, when the tracer found no entry;
    same verification as a hop: an offered candidate, cited inside, quote verified."""
    if gateway is None or not candidates:
        return FlowHopOutcome(False, None, "")
    reply = gateway.complete_structured(
        "flow_tracer",
        "flow_entry",
        {"question": question, "candidates": list(candidates)},
        FlowHopReply,
    )
    return _verified_pick(gateway, root, candidates, reply)


def _verified_pick(gateway: LLMGateway, root: Any, candidates: Sequence[CodeBlock], reply: FlowHopReply | None) -> FlowHopOutcome:
    """The model's pick when it is one of `candidates` and a citation inside it verifies."""
    if reply is None or not reply.resolved:
        return FlowHopOutcome(False, None, reply.explanation if reply else "")
    by_id = {c.id: c for c in candidates}
    target = by_id.get(reply.target_id)
    check = verify_citations(root, reply.citations)
    cited_target = target is not None and any(e.file == target.file and target.start_line <= e.start_line <= target.end_line for e in check.verified)
    if target is None or not check.all_ok or not cited_target:
        gateway.ledger.record_rejected_argument("flow_tracer")
        return FlowHopOutcome(False, None, "unverified: " + "; ".join(check.problems or ("target not cited",)))
    return FlowHopOutcome(True, target, reply.explanation, check.verified)


def write_prose(
    gateway: LLMGateway | None,
    agent: str,
    prompt_name: str,
    facts: Mapping[str, Any],
    evidence: Sequence[Evidence],
) -> CitedText | None:
    """Narrative for `agent` (e.g. prompt "rationale" or "competitor_prose"), cited sentence by
    sentence; sentences without valid evidence ids are dropped and counted in the ledger.
    None means: use the deterministic text."""
    if gateway is None:
        return None
    items = [
        {"id": e.id, "file": e.file, "lines": f"{e.start_line}-{e.end_line}", "excerpt": e.excerpt, "note": e.note}
        for e in sorted(evidence, key=lambda e: e.id)
    ]
    reply = gateway.complete_structured(agent, prompt_name, {"facts": dict(facts), "evidence": items}, ProseReply)
    if reply is None:
        return None
    cited = keep_cited(reply.sentences, (e.id for e in evidence))
    if cited.dropped:
        gateway.ledger.record_uncited(agent, cited.dropped)
    return cited
