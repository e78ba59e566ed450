"""Audit evidence the comparison uses besides capabilities: the certification's verdict and its
blocking items, and the declarations in the audited tree that name a KB product (integrations).

Both come from the audit (the report model the analyst receives, and the index): never from the
audited product's own documents. A product the tree ships a connector for is a dependency or
partner of the audited product as well as a rival, and the comparison must say so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

MAX_INTEGRATIONS = 3
INTEGRATION_KINDS = frozenset({"class", "struct", "record"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RootCause(_Frozen):
    """One group of blocking items as the certification reports it (or as counted here)."""

    title: str
    count: int
    example: str = ""  # a finding id or item id
    location: str = ""  # file:line of the example, when it has one


class Certification(_Frozen):
    """The audit's verdict as the comparison cites it. `known` is False when no report was given
    (e.g. a bare `analyse` call): then nothing is claimed about the verdict."""

    known: bool = False
    verdict: str = ""
    rationale: str = ""
    blocking_finding_ids: tuple[str, ...] = ()
    blocking_by_kind: dict[str, int] = {}  # finding / plugin / flow / tier / domain / gate -> count
    root_causes: tuple[RootCause, ...] = ()  # biggest first
    failed_flows: tuple[str, ...] = ()  # flow names that FAIL or are not verified

    @property
    def blocking(self) -> int:
        """Number of P0 items of every kind."""
        return sum(self.blocking_by_kind.values())


def certification_from_report(report: Mapping | None) -> Certification:
    """Read the verdict, P0 items, root causes and failing flows from a report dict
    (the adjudicator's `Report.model_dump()` or findings.json). Missing keys mean unknown."""
    if not report or not report.get("verdict"):
        return Certification()
    p0 = [i for i in report.get("p0", []) if isinstance(i, Mapping)]
    finding_ids = tuple(sorted({str(i.get("id")) for i in p0 if i.get("kind") == "finding" and i.get("id")}))
    kinds = Counter(str(i.get("kind", "other")) for i in p0)
    causes = _root_causes(report, p0)
    flows = tuple(
        str(f.get("name") or f.get("id"))
        for f in report.get("flows", [])
        if isinstance(f, Mapping) and str(f.get("status", "")).upper() in ("FAIL", "NOT VERIFIED")
    )
    return Certification(
        known=True,
        verdict=str(report["verdict"]),
        rationale=str(report.get("rationale", "")),
        blocking_finding_ids=finding_ids,
        blocking_by_kind=dict(sorted(kinds.items())),
        root_causes=causes,
        failed_flows=flows,
    )


def _root_causes(report: Mapping, p0: Sequence[Mapping]) -> tuple[RootCause, ...]:
    """The report's own root causes when it has them; else the blocking findings grouped by
    category (the category is the defect class the certification names)."""
    given = report.get("root_causes")
    if isinstance(given, list) and given:
        out = []
        for item in given:
            if isinstance(item, Mapping):
                ids = item.get("finding_ids") or ()
                out.append(
                    RootCause(
                        title=str(item.get("title") or item.get("id") or "root cause"),
                        count=int(item.get("count") or len(ids) or 1),
                        example=str(ids[0]) if ids else "",
                        location=str(item.get("location", "")),
                    )
                )
        return tuple(sorted(out, key=lambda r: (-r.count, r.title)))
    by_id = {f.get("id"): f for f in report.get("findings", []) if isinstance(f, Mapping)}
    groups: dict[str, list[Mapping]] = {}
    for item in p0:
        if item.get("kind") != "finding":
            continue
        finding = by_id.get(item.get("id"), {})
        groups.setdefault(str(finding.get("category", "finding")), []).append(finding or item)
    out = []
    for category, items in groups.items():
        first = sorted(items, key=lambda f: (str(f.get("file", "")), int(f.get("start_line", 0) or 0)))[0]
        where = f"{first.get('file')}:{first.get('start_line')}" if first.get("file") else ""
        out.append(RootCause(title=category, count=len(items), example=str(first.get("id", "")), location=where))
    return tuple(sorted(out, key=lambda r: (-r.count, r.title)))


class Integration(_Frozen):
    """A production type in the audited tree whose name names a KB product."""

    qualname: str
    file: str
    line: int


def find_integrations(
    decls: Sequence[Mapping], terms: Mapping[str, Sequence[str]], words: Callable[[str], str]
) -> dict[str, tuple[Integration, ...]]:
    """slug -> production types whose word-form name contains one of the product's terms
    (whole words: "kafka" matches `KafkaStreamingStrategy`, not `Kafkaesque`)."""
    compiled = {slug: re.compile("|".join(rf"\b{re.escape(t.lower())}\b" for t in ts)) for slug, ts in terms.items() if ts}
    found: dict[str, list[Integration]] = {}
    for decl in decls:
        if decl.get("role") != "production" or decl.get("kind") not in INTEGRATION_KINDS:
            continue
        name = words(str(decl["name"]))
        for slug, regex in compiled.items():
            if regex.search(name):
                found.setdefault(slug, []).append(Integration(qualname=str(decl["qualname"]), file=str(decl["path"]), line=int(decl["start_line"])))
    return {slug: tuple(sorted(items, key=lambda i: (i.file, i.line))) for slug, items in sorted(found.items())}
