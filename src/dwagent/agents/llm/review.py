"""The hostile reviewer's LLM challenge: argue against a finding with the code in front of it.

The model sees the finding and verified code context (the finding's own lines, the enclosing
member, callers, guards) and answers refuted / confirmed / downgraded with citations. Its answer
changes nothing by itself: a refutation or downgrade counts only when every citation passes
`verify_citations`; otherwise the finding stands and the rejected argument is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal

from dwagent.agents.llm.citations import verify_citations
from dwagent.agents.llm.schemas import ChallengeReply
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import SEVERITY_ORDER, Evidence, Finding, ReviewRecord
from dwagent.tools.verify import check_quote, read_span

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway

AGENT = "hostile_reviewer"
MAX_CONTEXT_LINES = 40  # of the enclosing member, centred on the finding
MAX_CALLERS = 3
MAX_GUARDS = 3
DEFAULT_MIN_SEVERITY = "high"
DEFAULT_CHALLENGE_CAP = 300

OutcomeStatus = Literal["refuted", "downgraded", "confirmed", "rejected-argument", "no-model"]


@dataclass(frozen=True)
class ReviewContext:
    """What the graph and index know around a finding. Evidence is re-verified before sending."""

    root: Path
    enclosing: Evidence | None = None
    callers: tuple[Evidence, ...] = ()
    guards: tuple[Evidence, ...] = ()
    related: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ChallengeOutcome:
    """What the challenge established. `record` goes into Finding.review; `citations` are
    verified Evidence the certify step adds to its evidence store (ids in record.evidence_ids)."""

    status: OutcomeStatus
    finding_id: str
    severity: str  # the severity the finding should carry after this challenge
    record: ReviewRecord | None
    citations: tuple[Evidence, ...] = ()
    problems: tuple[str, ...] = field(default=())


def _verified_block(root: Path, evidence: Evidence, label: str) -> CodeBlock | None:
    """The evidence as a code block, only if its excerpt still matches the file."""
    if not evidence.file or evidence.start_line < 1:
        return None
    if not check_quote(root, evidence.file, evidence.start_line, evidence.end_line, evidence.excerpt).ok:
        return None
    return CodeBlock(f"{label}:{evidence.id}", evidence.file, evidence.start_line, evidence.excerpt)


def _window(root: Path, enclosing: Evidence, finding: Finding) -> CodeBlock | None:
    """At most MAX_CONTEXT_LINES of the enclosing member around the finding, re-read from disk."""
    start, end = enclosing.start_line, enclosing.end_line
    if end - start + 1 > MAX_CONTEXT_LINES:
        half = MAX_CONTEXT_LINES // 2
        start = max(start, finding.start_line - half)
        end = min(end, start + MAX_CONTEXT_LINES - 1)
    text = read_span(root, enclosing.file, start, end)
    if text is None or not check_quote(root, enclosing.file, enclosing.start_line, enclosing.end_line, enclosing.excerpt).ok:
        return None
    return CodeBlock(f"enclosing:{enclosing.id}", enclosing.file, start, text)


def context_blocks(finding: Finding, context: ReviewContext) -> list[CodeBlock]:
    """Verified code the model may read: finding lines, enclosing member, callers, guards."""
    blocks: list[CodeBlock] = []
    own = read_span(context.root, finding.file, finding.start_line, finding.end_line)
    if own is not None:
        blocks.append(CodeBlock(f"finding:{finding.id or finding.fingerprint}", finding.file, finding.start_line, own))
    if context.enclosing is not None:
        window = _window(context.root, context.enclosing, finding)
        if window is not None:
            blocks.append(window)
    for label, items, cap in (
        ("caller", context.callers, MAX_CALLERS),
        ("guard", context.guards, MAX_GUARDS),
        ("related", context.related, MAX_CALLERS),
    ):
        for evidence in sorted(items, key=lambda e: (e.file, e.start_line, e.id))[:cap]:
            block = _verified_block(context.root, evidence, label)
            if block is not None:
                blocks.append(block)
    return blocks


def finding_summary(finding: Finding) -> dict[str, object]:
    """The finding as data for the prompt (its excerpt is sent as code, not here)."""
    return {
        "id": finding.id,
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "file": finding.file,
        "lines": f"{finding.start_line}-{finding.end_line}",
        "message": finding.message,
        "scope": finding.scope,
        "reachability": finding.reachability,
    }


def _reject(finding: Finding, reply: ChallengeReply, problems: list[str]) -> ChallengeOutcome:
    detail = f"LLM argued {reply.verdict} but its citations failed verification: " + "; ".join(problems)
    record = ReviewRecord(challenge="llm", outcome="rejected-argument", detail=detail[:600])
    return ChallengeOutcome("rejected-argument", finding.id, finding.severity, record, (), tuple(problems))


def llm_challenge(gateway: LLMGateway | None, finding: Finding, context: ReviewContext) -> ChallengeOutcome:
    """Ask the model to argue against `finding`; only verified arguments change anything."""
    if gateway is None:
        return ChallengeOutcome("no-model", finding.id, finding.severity, None)
    blocks = context_blocks(finding, context)
    reply = gateway.complete_structured(AGENT, "hostile_reviewer", {"finding": finding_summary(finding), "code": blocks}, ChallengeReply)
    if reply is None:
        return ChallengeOutcome("no-model", finding.id, finding.severity, None)
    if reply.verdict == "confirmed":
        check = verify_citations(context.root, reply.citations)
        record = ReviewRecord(
            challenge="llm",
            outcome="upheld",
            detail="LLM reviewer could not refute the finding",
            evidence_ids=tuple(e.id for e in check.verified),
        )
        return ChallengeOutcome("confirmed", finding.id, finding.severity, record, check.verified, check.problems)
    problems: list[str] = []
    if not reply.citations:
        problems.append("no citations")
    if reply.verdict == "downgraded":
        proposed = reply.proposed_severity
        if proposed == "unchanged" or SEVERITY_ORDER.get(proposed, -1) <= SEVERITY_ORDER[finding.severity]:
            problems.append(f"proposed severity {proposed!r} is not lower than {finding.severity!r}")
    check = verify_citations(context.root, reply.citations)
    problems.extend(check.problems)
    if problems or not check.verified:
        gateway.ledger.record_rejected_argument(AGENT)
        return _reject(finding, reply, problems or ["no verifiable citation"])
    ids = tuple(e.id for e in check.verified)
    if reply.verdict == "refuted":
        record = ReviewRecord(challenge="llm", outcome="dropped", detail=reply.argument[:600], evidence_ids=ids)
        return ChallengeOutcome("refuted", finding.id, finding.severity, record, check.verified)
    record = ReviewRecord(
        challenge="llm",
        outcome="downgraded",
        detail=f"{finding.severity} -> {reply.proposed_severity}: {reply.argument}"[:600],
        evidence_ids=ids,
    )
    return ChallengeOutcome("downgraded", finding.id, reply.proposed_severity, record, check.verified)


def apply_challenge(finding: Finding, outcome: ChallengeOutcome) -> Finding | None:
    """The finding after the challenge: None when refuted, else a copy with the review appended."""
    if outcome.record is None:
        return finding
    if outcome.status == "refuted":
        return None
    return finding.model_copy(
        update={
            "severity": outcome.severity,
            "review": (*finding.review, outcome.record),
            "evidence_ids": tuple(sorted(set(finding.evidence_ids) | set(outcome.record.evidence_ids))),
        }
    )


def select_for_challenge(
    findings: Iterable[Finding],
    min_severity: str = DEFAULT_MIN_SEVERITY,
    cap: int = DEFAULT_CHALLENGE_CAP,
) -> list[Finding]:
    """The default selection policy: unsuppressed production findings at or above `min_severity`,
    most severe first, at most `cap` (deterministic order: Finding.sort_key)."""
    limit = SEVERITY_ORDER[min_severity]
    chosen = [f for f in findings if f.suppression is None and f.scope == "production" and SEVERITY_ORDER[f.severity] <= limit]
    return sorted(chosen, key=Finding.sort_key)[:cap]
