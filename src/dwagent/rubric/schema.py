"""The rubric: what a certification checks, as validated data.

A rubric is YAML validated by these pydantic models. Everything target-specific (project paths,
preset names, bus method names, flows, thresholds) lives in a rubric file; the engine reads it
as data. The verdict policy these fields drive is documented in docs/verdict-policy.md.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dwagent.models import CATEGORIES, SEVERITY_ORDER

Severity = Literal["critical", "high", "medium", "low"]
# What a failing (or not run) item does to the overall verdict.
Effect = Literal["block", "condition", "note"]
# Unknowns (NOT RUN / NOT VERIFIED) and failed gates may never be waved through as a note: a gate
# that did not run can never yield CERTIFIED.
HardEffect = Literal["block", "condition"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Identified(_Strict):
    """An item other parts of the rubric refer to by `id`."""

    id: str

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be lower-case letters, digits and '-' (e.g. 'data-pipeline')")
        return value


class Policy(_Strict):
    """How evidence turns into verdicts (see docs/verdict-policy.md)."""

    block_at: Severity = "high"  # production findings at or above this severity are P0
    condition_at: Severity = "medium"  # ... at or above this (below block_at) are conditions
    unreachable_downgrade: int = Field(1, ge=0, le=3)
    guard_downgrade: int = Field(1, ge=0, le=3)
    flow_fail: Effect = "block"
    flow_unverified: HardEffect = "condition"
    tier_fail: Effect = "condition"
    plugin_fail: Effect = "condition"
    claim_contradicted: Effect = "condition"
    empty_domain: HardEffect = "condition"
    no_source: HardEffect = "block"
    # Finding categories the rubric's procedure forbids outright (stubs, fake work): a counted
    # production finding of one blocks whatever its severity, and says so.
    block_categories: tuple[str, ...] = ()
    # The most a failing domain/plugin/tier/claim cell can raise the effect of the finding root
    # causes that explain it. A hard gate's `on_fail` is not capped: a gate is the procedure's own
    # explicit requirement (zero TODO, zero NotImplemented).
    cell_escalation: Effect = "condition"

    @field_validator("block_categories")
    @classmethod
    def _known_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown finding categories: {unknown}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Policy:
        if SEVERITY_ORDER[self.condition_at] < SEVERITY_ORDER[self.block_at]:
            raise ValueError("condition_at must be the same as or less severe than block_at")
        return self


class FindingCheck(_Strict):
    """Success criterion: no findings of these categories at or above min_severity."""

    kind: Literal["no-findings"]
    categories: tuple[str, ...] = ()  # empty: every category
    min_severity: Severity = "high"
    on_fail: Effect = "block"

    @field_validator("categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(CATEGORIES)}")
        return value


class PluginsCheck(_Strict):
    """Success criterion: every plugin inside the domain's paths has a PASS row."""

    kind: Literal["plugins-complete"]
    on_fail: Effect = "block"


class FlowsCheck(_Strict):
    """Success criterion: the named flows trace and pass their controls."""

    kind: Literal["flows-pass"]
    flows: tuple[str, ...]
    on_fail: Effect = "block"


DomainCheck = Annotated[FindingCheck | PluginsCheck | FlowsCheck, Field(discriminator="kind")]


class Domain(_Identified):
    name: str
    paths: tuple[str, ...] = ()  # posix globs relative to the audited root
    projects: tuple[str, ...] = ()  # exact project names (files.project)
    checks: tuple[DomainCheck, ...] = ()

    @model_validator(mode="after")
    def _scoped(self) -> Domain:
        if not self.paths and not self.projects:
            raise ValueError(f"domain '{self.id}' needs at least one of 'paths' or 'projects'")
        return self


class Preset(_Strict):
    type: str  # class (or module) holding the factory
    method: str  # factory method / function name


class TierBreak(_Strict):
    """A promise of the tier that findings of these categories break."""

    promise: str
    categories: tuple[str, ...]
    min_severity: Severity = "medium"
    # the code the promise is judged on (agents/verdict/tier_scope.py): components by path glob
    # (`**`: every production file) and, narrowing the preset's options whose readers count, option globs
    paths: tuple[str, ...] = ()
    options: tuple[str, ...] = ()

    @field_validator("categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return FindingCheck._known(value)  # same vocabulary


class Tier(_Identified):
    name: str
    preset: Preset | None = None
    required_options: tuple[str, ...] = ()  # option names the preset must set
    requires_flows: tuple[str, ...] = ()
    breaks: tuple[TierBreak, ...] = ()
    description: str = ""


class Waypoint(_Strict):
    name: str
    symbols: tuple[str, ...]  # glob patterns over symbol qualnames / names


class Flow(_Identified):
    name: str
    entry: tuple[str, ...]  # glob patterns for the entry symbol
    waypoints: tuple[Waypoint, ...] = ()
    controls: tuple[Literal["async", "errors", "cancellation", "cleanup", "security"], ...] = (
        "async",
        "errors",
        "cancellation",
        "cleanup",
        "security",
    )
    # Security controls the `security` check requires on the path (names of the code graph's
    # controls: authentication, authorization, encryption, audit, or ones added under `graph:`).
    security_controls: tuple[str, ...] = ()


class CommandGate(_Identified):
    """Run a command in the audited root if its toolchain exists; else NOT RUN."""

    kind: Literal["command"]
    name: str = ""
    command: tuple[str, ...]
    requires: str  # executable that must be on PATH (the toolchain)
    when_files: tuple[str, ...] = ()  # globs; the gate applies only if one matches
    timeout: int = Field(600, ge=1, le=7200)
    parse_tests: bool = False  # read a test count from the output
    on_fail: HardEffect = "block"
    on_not_run: HardEffect = "condition"


class ThresholdGate(_Identified):
    """A count from the evidence compared with a bound."""

    kind: Literal["threshold"]
    name: str = ""
    metric: Literal["tests", "todo", "not-implemented", "placeholder-tests", "parse-errors"]
    min: int | None = None
    max: int | None = None
    on_fail: HardEffect = "block"
    on_not_run: HardEffect = "condition"

    @model_validator(mode="after")
    def _bound(self) -> ThresholdGate:
        if self.min is None and self.max is None:
            raise ValueError(f"threshold gate '{self.id}' needs 'min' or 'max'")
        return self


Gate = Annotated[CommandGate | ThresholdGate, Field(discriminator="kind")]


class BusConventions(_Strict):
    publish: tuple[str, ...] = ()
    subscribe: tuple[str, ...] = ()
    topic_holders: tuple[str, ...] = ()  # static classes whose constants are topic names


class Plugins(_Strict):
    roots: tuple[str, ...] = ()  # globs of plugin folders, e.g. "Plugins/*"
    base_types: tuple[str, ...] = ()  # a plugin class derives (transitively) from one of these
    lifecycle: tuple[str, ...] = ()  # method names every plugin must implement
    strategy_bases: tuple[str, ...] = ()
    registration_methods: tuple[str, ...] = ()  # explicit strategy registration calls
    discovery_calls: tuple[str, ...] = ()  # reflection discovery (e.g. GetTypes, CreateInstance)
    injection_methods: tuple[str, ...] = ()
    # a plugin folder with no failure handling at all (no catch that logs/falls back/retries, no
    # resilience policy, no health flag) FAILs its degradation cell instead of passing on absence
    degradation_required: bool = False


class Conventions(_Strict):
    bus: BusConventions = BusConventions()
    entry_points: tuple[str, ...] = ()  # symbol globs / attribute names that are entry points
    public_api: tuple[str, ...] = ()  # symbol globs considered public API (never dead)
    option_readers: tuple[str, ...] = ()  # hints: receivers through which options are read


class Claims(_Strict):
    documents: tuple[str, ...] = ("README*", "*.md", "docs/**/*.md")


class Rubric(_Strict):
    """One certification rubric. `derive_domains` builds one domain per top-level project."""

    name: str
    version: str = "1"
    description: str = ""
    derive_domains: bool = False
    derived_checks: tuple[DomainCheck, ...] = ()  # checks given to each derived domain
    policy: Policy = Policy()
    domains: tuple[Domain, ...] = ()
    tiers: tuple[Tier, ...] = ()
    flows: tuple[Flow, ...] = ()
    gates: tuple[Gate, ...] = ()
    conventions: Conventions = Conventions()
    plugins: Plugins = Plugins()
    claims: Claims = Claims()
    # Compare the audited product with the competitor knowledge base (competitors/): only rubrics
    # that describe a product with a market (dw) ask for it; the generic rubric does not.
    competitive_analysis: bool = False
    # Overlay of code-graph settings (tools/graph/config.py GraphConfig field names), applied
    # after the conventions above are mapped; for what the conventions cannot say.
    graph: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Rubric:
        for label, items in (("domain", self.domains), ("tier", self.tiers), ("flow", self.flows), ("gate", self.gates)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"duplicate {label} id '{item.id}'")
                seen.add(item.id)
        flow_ids = {f.id for f in self.flows}
        for domain in self.domains:
            for check in domain.checks:
                if isinstance(check, FlowsCheck):
                    missing = sorted(set(check.flows) - flow_ids)
                    if missing:
                        raise ValueError(f"domain '{domain.id}' names unknown flows {missing}")
        for tier in self.tiers:
            missing = sorted(set(tier.requires_flows) - flow_ids)
            if missing:
                raise ValueError(f"tier '{tier.id}' names unknown flows {missing}")
        if not self.domains and not self.derive_domains:
            raise ValueError("a rubric needs 'domains' or 'derive_domains: true'")
        return self
