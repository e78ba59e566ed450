"""Smaller LLM helpers: triage of low-confidence hits, flow-hop interpretation, cited prose.

Same contract as the challenge: the model proposes, the verifier disposes. Each helper returns
a value the caller can use as is, or the deterministic default when the model is absent, failed,
or argued from citations that do not check out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

from dwagent.agents.llm.citations import CitedText, keep_cited, verify_citations
from dwagent.agents.llm.review import ReviewContext, context_blocks, finding_summary
from dwagent.agents.llm.schemas import FlowHopReply, ProseReply, TriageReply
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Evidence, Finding, ReviewRecord

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway

DEFAULT_TRIAGE_CAP = 100  # keeps a DW-sized audit within ~$3 on a mid-tier model (docs/llm.md, Cost)


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
    if reply is None or reply.verdict == "uncertain":
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
