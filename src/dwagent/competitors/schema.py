"""The competitor knowledge base's value types (one YAML file per product, validated here).

Every fact carries a public source, whether that source is primary (vendor documentation,
release notes, filings, the project's own repository, a standards body, a reputable trade
publication) or secondary, the date the fact was true or announced (`as_of`) and the date it was
checked against the source (`checked`). Capabilities and matrix ratings do not carry sources of
their own: each names the fact that supports it, so every claim resolves to one cited statement.
The `written` block is our own prose for that product (architecture, scale, consistency,
security, operations, licence, events, where it beats the audited product, and the one gap).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The seed's twelve categories: slug -> title as the seed writes it.
CATEGORY_TITLES: dict[str, str] = {
    "nas-storage-os": "NAS/Storage Appliance OS",
    "distributed-object-storage": "Distributed/Object Storage",
    "general-purpose-os": "General-Purpose OS with Storage Focus",
    "security-hardened-os": "Security-Hardened / Sovereign OS",
    "rtos-embedded": "RTOS / Embedded",
    "data-platforms": "Data Platforms / Lakehouses",
    "enterprise-backup": "Enterprise Backup / Data Protection",
    "enterprise-storage": "Enterprise Storage Infrastructure",
    "modern-data-stack": "Data Infrastructure / Modern Data Stack",
    "hyperscaler-internal": "Hyperscaler Internal Systems",
    "hpc-ai-infrastructure": "HPC / AI Infrastructure",
    "specialized": "Specialized",
}
CategorySlug = Literal[
    "nas-storage-os",
    "distributed-object-storage",
    "general-purpose-os",
    "security-hardened-os",
    "rtos-embedded",
    "data-platforms",
    "enterprise-backup",
    "enterprise-storage",
    "modern-data-stack",
    "hyperscaler-internal",
    "hpc-ai-infrastructure",
    "specialized",
]

# What a fact is about (the written block has one field per topic, plus `gap`).
Topic = Literal["architecture", "scale", "consistency", "security", "operations", "licence", "events"]
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]

# The summary matrix's dimensions, in display order.
MatrixDimension = Literal[
    "security",
    "scalability",
    "reliability",
    "feature_breadth",
    "operational_maturity",
    "ecosystem_maturity",
    "production_track_record",
]
MATRIX_DIMENSIONS: tuple[str, ...] = MatrixDimension.__args__  # type: ignore[attr-defined]

CapabilityStatus = Literal["present", "partial", "absent"]
SourceKind = Literal["primary", "secondary"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _non_blank(value: str, what: str) -> str:
    if not value or not value.strip():
        raise ValueError(f"{what} must not be empty")
    return " ".join(value.split())


class Fact(_Frozen):
    """One short statement in our own words, its source, and when it was true and checked."""

    id: str
    topic: Topic
    statement: str
    source: str  # URL of the primary (or, marked, secondary) source
    kind: SourceKind = "primary"
    as_of: dt.date  # the date the fact was true or announced
    # the date the statement was checked against the source; None = written from the source's
    # known content but not yet re-read in this KB's research pass (`competitors check` lists them)
    checked: dt.date | None = None

    @field_validator("statement")
    @classmethod
    def _statement(cls, value: str) -> str:
        return _non_blank(value, "statement")

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        value = _non_blank(value, "source")
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"source must be a URL, got {value!r}")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Fact:
        if self.checked is not None and self.checked < self.as_of:
            raise ValueError(f"fact {self.id}: checked {self.checked} is before as_of {self.as_of}")
        return self


class Capability(_Frozen):
    """A product's status on one taxonomy capability, supported by one of its facts."""

    status: CapabilityStatus
    fact: str  # id of the supporting fact in the same entry
    note: str = ""


class Rating(_Frozen):
    """The product's own level on one matrix dimension (0 none .. 3 best in class), from a fact."""

    score: int = Field(ge=0, le=3)
    fact: str
    reason: str = ""  # one line; defaults to the fact's statement when rendered


class Written(_Frozen):
    """Our own prose for this product, one or two sentences per field, true of this product only."""

    architecture: str
    scale: str
    consistency: str
    security: str
    operations: str
    licence: str
    events: str
    beats_dw: str  # where it really beats the audited product
    gap: str  # the one gap to close to compete here, or why none needs closing

    @field_validator("*")
    @classmethod
    def _text(cls, value: str) -> str:
        return _non_blank(value, "written field")


class Product(_Frozen):
    """One knowledge-base entry: one product the seed names (grouped products carry `group`)."""

    slug: str
    name: str
    vendor: str
    category: CategorySlug
    seed_name: str  # the seed line that names it, verbatim
    group: str = ""  # parent heading for products the seed lists inside a company group
    also_named: tuple[str, ...] = ()  # other seed lines that name the same product
    connector_terms: tuple[str, ...] = ()  # words that identify an integration with it in code
    compare_on: tuple[str, ...] = ()  # taxonomy capabilities this product is judged on first
    gap_capability: str = ""  # the capability behind `written.gap` ("" when none must be closed)
    written: Written
    facts: tuple[Fact, ...]
    capabilities: dict[str, Capability] = Field(default_factory=dict)
    ratings: dict[MatrixDimension, Rating] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> Product:
        if not self.facts:
            raise ValueError(f"{self.name}: at least one sourced fact is required")
        ids = [f.id for f in self.facts]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.name}: duplicate fact ids")
        known = set(ids)
        for key, cap in self.capabilities.items():
            if cap.fact not in known:
                raise ValueError(f"{self.name}: capability {key} names unknown fact {cap.fact!r}")
        for key, rating in self.ratings.items():
            if rating.fact not in known:
                raise ValueError(f"{self.name}: rating {key} names unknown fact {rating.fact!r}")
        return self

    def fact(self, fact_id: str) -> Fact:
        """The fact with this id (validated to exist for every reference)."""
        return next(f for f in self.facts if f.id == fact_id)

    def facts_on(self, topic: str) -> list[Fact]:
        """Facts of one topic, in file order."""
        return [f for f in self.facts if f.topic == topic]

    def capability(self, name: str) -> Capability | None:
        """The entry's sourced status on `name`, or None when the KB does not know it."""
        return self.capabilities.get(name)

    def status(self, name: str) -> str:
        """`present` / `partial` / `absent`, or `unknown` when unsourced."""
        cap = self.capabilities.get(name)
        return cap.status if cap else "unknown"

    @property
    def heading(self) -> str:
        """The section heading: the product name, prefixed by its group when it has one."""
        return f"{self.group}: {self.name}" if self.group else self.name
