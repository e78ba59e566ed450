"""The competitor knowledge base's value types (one YAML file per product, validated here).

Every fact carries a public source and the date it was checked; a capability without a source
can only be `unknown`. The loader (`competitors.kb`) fills capabilities a file does not mention
with `unknown`, so an entry never claims more than its sources say.
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

Dimension = Literal[
    "architecture",
    "security",
    "scalability",
    "reliability",
    "feature_breadth",
    "ecosystem_maturity",
    "production_track_record",
]
DIMENSIONS: tuple[str, ...] = Dimension.__args__  # type: ignore[attr-defined]
# The six dimensions of the summary matrix (architecture is context, not scored).
MATRIX_DIMENSIONS: tuple[str, ...] = (
    "security",
    "scalability",
    "reliability",
    "feature_breadth",
    "ecosystem_maturity",
    "production_track_record",
)

CapabilityStatus = Literal["present", "partial", "absent", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _non_blank(value: str, what: str) -> str:
    if not value or not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value.strip()


class Fact(_Frozen):
    """One short factual statement in our own words, its public source and the date checked."""

    statement: str
    source: str  # URL or document title
    as_of: dt.date

    @field_validator("statement")
    @classmethod
    def _statement(cls, value: str) -> str:
        return _non_blank(value, "statement")

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _non_blank(value, "source")


class Capability(_Frozen):
    """A product's status on one taxonomy capability. Anything but `unknown` needs a source."""

    status: CapabilityStatus = "unknown"
    source: str = ""
    as_of: dt.date | None = None
    note: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> Capability:
        if self.status != "unknown" and (not self.source.strip() or self.as_of is None):
            raise ValueError(f"capability status {self.status!r} needs a source and an as_of date")
        return self


Facts = dict[Dimension, tuple[Fact, ...]]


class Subsystem(_Frozen):
    """A named system inside a company-grouped entry (e.g. one internal storage system)."""

    name: str
    summary: str
    facts: Facts = Field(default_factory=dict)
    capabilities: dict[str, Capability] = Field(default_factory=dict)


class Product(_Frozen):
    """One knowledge-base entry: a product, or a company with `subsystems`."""

    slug: str
    name: str
    vendor: str
    category: CategorySlug
    seed_name: str  # the name exactly as the seed lists it (several entries may share one)
    summary: str
    facts: Facts = Field(default_factory=dict)
    capabilities: dict[str, Capability] = Field(default_factory=dict)
    subsystems: tuple[Subsystem, ...] = ()

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        return _non_blank(value, "summary")

    def all_facts(self) -> list[tuple[str, str, Fact]]:
        """(dimension, owner name, fact) for the entry and its subsystems, in file order."""
        out: list[tuple[str, str, Fact]] = []
        for dim in DIMENSIONS:
            for fact in self.facts.get(dim, ()):  # type: ignore[call-overload]
                out.append((dim, self.name, fact))
            for sub in self.subsystems:
                for fact in sub.facts.get(dim, ()):  # type: ignore[call-overload]
                    out.append((dim, sub.name, fact))
        return out

    def capability(self, name: str) -> Capability:
        """The entry's status on `name`; a subsystem's sourced status counts for its company."""
        own = self.capabilities.get(name, Capability())
        if own.status != "unknown" or not self.subsystems:
            return own
        rank = {"present": 0, "partial": 1, "absent": 2, "unknown": 3}
        best = own
        for sub in self.subsystems:
            cap = sub.capabilities.get(name)
            if cap is not None and rank[cap.status] < rank[best.status]:
                best = cap
        return best
