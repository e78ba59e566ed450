"""The LLM pass over a whole findings list: what the hostile reviewer node calls in one line.

    if ctx.gateway is not None:
        result = challenge_findings(ctx.gateway, kept, Path(ctx.root), sources, apply=False)

Selection is the default policy (`select_for_challenge`); findings are challenged in their
deterministic sort order so a budget cap always cuts the same tail. With `apply=False` the pass
only records: a verified refutation or downgrade becomes a `noted` review record and changes no
severity and drops nothing (for pipelines whose policy is that the model never changes a
verdict). With `apply=True` verified refutations drop and verified downgrades lower severity.
Rejected arguments are always recorded.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from dwagent.agents.llm.review import (
    DEFAULT_CHALLENGE_CAP,
    DEFAULT_MIN_SEVERITY,
    ChallengeOutcome,
    ReviewContext,
    apply_challenge,
    llm_challenge,
    select_for_challenge,
)
from dwagent.models import Evidence, Finding, ReviewRecord

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway


@dataclass(frozen=True)
class ReviewPassResult:
    findings: list[Finding]  # every input finding, updated where a challenge counted, sorted
    dropped: list[Finding]  # refuted with verified citations (only when apply=True)
    evidence: dict[str, Evidence]  # verified citations, by id, for the run's evidence table
    outcomes: dict[str, str]  # finding id -> challenge status
    log: list[str]


def enclosing_evidence(sources: Any, finding: Finding) -> Evidence | None:
    """The enclosing member as Evidence, from any object with `enclosing_member(path, line)`
    (a dict with start_line/end_line) and `excerpt(path, start, end)`."""
    if sources is None:
        return None
    member = sources.enclosing_member(finding.file, finding.start_line)
    if not member:
        return None
    start, end = int(member["start_line"]), int(member["end_line"])
    text = sources.excerpt(finding.file, start, end)
    if not text:
        return None
    return Evidence(id=Evidence.make_id(finding.file, start, end, text), file=finding.file,
                    start_line=start, end_line=end, excerpt=text, note="enclosing member")


def _as_noted(finding: Finding, outcome: ChallengeOutcome) -> ChallengeOutcome:
    """Keep the verified argument as a note; change nothing else."""
    assert outcome.record is not None
    record = ReviewRecord(
        challenge="llm", outcome="noted",
        detail=f"LLM argued {outcome.status} with verified citations (recorded only): {outcome.record.detail}"[:600],
        evidence_ids=outcome.record.evidence_ids,
    )
    return ChallengeOutcome("confirmed", outcome.finding_id, finding.severity, record, outcome.citations)


def challenge_findings(
    gateway: LLMGateway,
    findings: Sequence[Finding],
    root: Path,
    sources: Any = None,
    *,
    min_severity: str = DEFAULT_MIN_SEVERITY,
    cap: int = DEFAULT_CHALLENGE_CAP,
    apply: bool = True,
    callers: dict[str, tuple[Evidence, ...]] | None = None,
) -> ReviewPassResult:
    """Challenge the selected findings; the rest pass through unchanged."""
    gateway.register_secrets(list(findings))
    chosen = {id(f) for f in select_for_challenge(findings, min_severity, cap)}
    kept: list[Finding] = []
    dropped: list[Finding] = []
    evidence: dict[str, Evidence] = {}
    outcomes: dict[str, str] = {}
    log: list[str] = []
    for finding in sorted(findings, key=Finding.sort_key):
        if id(finding) not in chosen:
            kept.append(finding)
            continue
        context = ReviewContext(
            root=root,
            enclosing=enclosing_evidence(sources, finding),
            callers=(callers or {}).get(finding.id, ()),
            guards=finding.guards,
        )
        outcome = llm_challenge(gateway, finding, context)
        outcomes[finding.id] = outcome.status
        if outcome.status in ("refuted", "downgraded") and not apply:
            log.append(f"llm {outcome.status} (recorded only) {finding.id} {finding.file}:{finding.start_line}")
            outcome = _as_noted(finding, outcome)
        elif outcome.status in ("refuted", "downgraded", "rejected-argument"):
            log.append(f"llm {outcome.status} {finding.id} {finding.file}:{finding.start_line}")
        for ev in outcome.citations:
            evidence[ev.id] = ev
        updated = apply_challenge(finding, outcome)
        if updated is None:
            assert outcome.record is not None
            dropped.append(finding.model_copy(update={"review": (*finding.review, outcome.record)}))
        else:
            kept.append(updated)
    kept.sort(key=Finding.sort_key)
    dropped.sort(key=Finding.sort_key)
    return ReviewPassResult(kept, dropped, dict(sorted(evidence.items())), dict(sorted(outcomes.items())), sorted(log))
