"""Structured outputs the model must return, one per agent task.

Written for strict JSON-schema mode: every field required, no defaults, closed objects. Field
descriptions are part of the contract the model sees.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Out):
    """A verbatim quote of lines start..end of a file in the audited tree."""

    file: str = Field(description="path exactly as given in the untrusted_code block's file attribute")
    start_line: int = Field(description="first cited line (1-based, as numbered in the block)")
    end_line: int = Field(description="last cited line (inclusive)")
    quote: str = Field(description="the cited lines verbatim, without the 'N| ' line-number prefixes")


class ChallengeReply(_Out):
    """The hostile reviewer's answer about one finding."""

    verdict: Literal["refuted", "confirmed", "downgraded"]
    proposed_severity: Literal["critical", "high", "medium", "low", "unchanged"] = Field(
        description="for 'downgraded' the lower severity; otherwise 'unchanged'"
    )
    argument: str = Field(description="two or three sentences; every claim must rest on a citation")
    citations: list[Citation]


class TriageReply(_Out):
    """Judgement on a low-confidence rule hit."""

    verdict: Literal["true-positive", "false-positive", "uncertain"]
    argument: str
    citations: list[Citation]


class TriageItem(_Out):
    """Judgement on one hit of a batch, tied to it by the finding id it was given under."""

    finding_id: str = Field(description="the id of the rule hit, exactly as given")
    verdict: Literal["true-positive", "false-positive", "uncertain"]
    argument: str
    citations: list[Citation]


class TriageBatchReply(_Out):
    """Judgements on several low-confidence rule hits, one item per hit."""

    items: list[TriageItem]


class FlowHopReply(_Out):
    """Interpretation of one flow hop the graph could not resolve."""

    resolved: bool = Field(description="true only if a candidate block shows where the flow goes")
    target_id: str = Field(description="id of the untrusted_code block holding the target, or ''")
    explanation: str
    citations: list[Citation]


class CitedSentence(_Out):
    text: str = Field(description="one sentence")
    evidence_ids: list[str] = Field(description="ids of the evidence items this sentence rests on")


class ProseReply(_Out):
    """Narrative text, sentence by sentence, each with the evidence it rests on."""

    sentences: list[CitedSentence]


class PingReply(_Out):
    reply: str
