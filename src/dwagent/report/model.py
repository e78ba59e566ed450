"""The report model: what the adjudicator decided, which every writer only renders.

Writers never re-derive a verdict; everything they show is a field here. Serialisation is
deterministic (lists sorted by the adjudicator, dicts dumped with sorted keys).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from dwagent.models import Cell, Evidence, Finding, Status, Verdict

Effect = Literal["block", "condition", "note"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GateRow(_Model):
    id: str
    name: str
    kind: Literal["command", "threshold"]
    status: Status
    reason: str = ""
    effect: Effect = "note"
    command: str = ""
    exit_code: int | None = None
    metric: str = ""
    value: int | None = None
    tests: int | None = None
    evidence_ids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()


class MatrixRow(_Model):
    """A domain, plugin or tier row: an overall status and its named cells."""

    id: str
    name: str
    status: Status
    reason: str = ""
    evidence_ids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()
    cells: dict[str, Cell] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class Hop(_Model):
    name: str
    found: bool
    symbol: str = ""
    file: str = ""
    line: int = 0
    end_line: int = 0
    evidence_id: str = ""
    via: str = ""  # call, bus topic, ... (from the code graph)
    checks: dict[str, str] = Field(default_factory=dict)  # per-hop check -> PASS/FAIL/NOT FOUND/NOT APPLICABLE


class FlowRow(_Model):
    id: str
    name: str
    status: Status
    reason: str = ""
    hops: tuple[Hop, ...] = ()
    cells: dict[str, Cell] = Field(default_factory=dict)
    evidence_ids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()


class ClaimRow(_Model):
    id: str
    file: str
    line: int
    text: str
    status: Literal["confirmed", "contradicted", "unverifiable"]
    reason: str = ""
    categories: tuple[str, ...] = ()
    evidence_ids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()


class Item(_Model):
    """One entry of the P0 list, the conditions or the notes: what, why, and what to do."""

    kind: Literal["finding", "gate", "domain", "plugin", "flow", "tier", "claim", "coverage"]
    id: str
    reason: str
    action: str
    location: str = ""  # file:line when there is one
    finding_ids: tuple[str, ...] = ()


class Location(_Model):
    """One cited place of a root cause: file:line and the verbatim excerpt (from the finding or
    the cell's evidence)."""

    file: str = ""
    line: int = 0
    excerpt: str = ""
    finding_id: str = ""
    evidence_id: str = ""
    component: str = ""
    note: str = ""


class RootCause(_Model):
    """One defect with N locations: what is wrong, where (the most telling cited), why it blocks,
    the fix and how a re-audit verifies it. Built by report/grouping.py in the adjudicator."""

    id: str
    key: str
    kind: Literal["finding", "gate", "domain", "plugin", "flow", "tier", "claim", "coverage"]
    rule: str = ""
    category: str = ""
    severity: str = ""
    effect: Effect
    title: str
    what: str = ""
    why: str = ""
    fix: str = ""
    blocking: str = ""  # why it is on the blocking list, in the policy's terms ("" unless effect is block)
    verify: str = ""
    count: int = 0
    sites: int = 0  # distinct detector sites (root_cause keys, else files) among the locations
    files: int = 0
    components: tuple[str, ...] = ()
    production: int = 0
    finding_ids: tuple[str, ...] = ()
    cited: tuple[Location, ...] = ()
    blocks: tuple[str, ...] = ()  # the cells this root cause makes FAIL (why it blocks)


class Report(_Model):
    schema_: str = Field("dwagent.report/1", alias="schema")
    tool_version: str
    rules_version: str = ""
    rubric: str
    rubric_sha256: str
    root_name: str
    verdict: Verdict
    rationale: str
    p0: tuple[Item, ...] = ()
    conditions: tuple[Item, ...] = ()
    notes: tuple[Item, ...] = ()
    inventory: dict[str, Any] = Field(default_factory=dict)
    gates: tuple[GateRow, ...] = ()
    domains: tuple[MatrixRow, ...] = ()
    plugins: tuple[MatrixRow, ...] = ()
    flows: tuple[FlowRow, ...] = ()
    tiers: tuple[MatrixRow, ...] = ()
    claims: tuple[ClaimRow, ...] = ()
    findings: tuple[Finding, ...] = ()
    dropped: tuple[Finding, ...] = ()
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    challenges: tuple[dict[str, str], ...] = ()
    quality: dict[str, Any] = Field(default_factory=dict)
    competitive: dict[str, Any] = Field(default_factory=dict)
    # the code graph's entry-point inventory: kind, file, line, bind/tls/auth with evidence, handlers
    entry_points: tuple[dict[str, Any], ...] = ()
    not_run: dict[str, str] = Field(default_factory=dict)
    root_causes: tuple[RootCause, ...] = ()
    # finding id -> the domains whose files hold it (filters and the severity-by-domain chart)
    finding_domains: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # Every number any writer prints, computed once (report/counts.py): the writers only read it.
    counts: dict[str, Any] = Field(default_factory=dict)
    # What changed since a previous report (report/diff.py summary); empty without one.
    comparison: dict[str, Any] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def finding(self, finding_id: str) -> Finding | None:
        """The finding with this id (counted, accepted or dropped), if any."""
        for f in (*self.findings, *self.dropped):
            if f.id == finding_id:
                return f
        return None
