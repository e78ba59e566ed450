"""Score the audited product against one KB entry on the six matrix dimensions.

Every verdict follows a stated rule (`RULES`) and rests only on sourced KB statuses and on the
evidence profile; a capability whose status the KB does not source is left out of the
comparison rather than guessed.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.loader import CapabilityDef
from dwagent.competitors.profile import ProductProfile
from dwagent.competitors.schema import MATRIX_DIMENSIONS, Fact, Product

Verdict = Literal["leads", "comparable", "falls short", "not comparable"]

POINTS = {"present": 1.0, "partial": 0.5, "absent": 0.0}
MARGIN = 0.25
SECURITY_BLOCKING = frozenset({"critical", "high"})

DIMENSION_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "security": (
        "encryption-at-rest", "encryption-in-transit", "key-management", "rbac", "abac", "audit-log",
        "worm-immutability", "multi-tenancy", "air-gap", "fips-140", "common-criteria",
        "compliance-certifications", "do-178c",
    ),
    "scalability": (
        "replication", "consensus", "erasure-coding", "tiering", "multi-tenancy", "kubernetes",
        "object-protocol-s3",
    ),
    "reliability": (
        "replication", "erasure-coding", "raid", "checksums", "snapshots", "backup-restore", "consensus",
    ),
    "ecosystem_maturity": (
        "object-protocol-s3", "file-protocols", "block-protocols", "sql-query", "streaming", "kubernetes",
        "observability",
    ),
}

RULES: dict[str, str] = {
    "capability": (
        "Capability dimensions (security, scalability, reliability, feature breadth): each capability "
        "whose status the product's KB entry sources scores present=1, partial=0.5, absent=0 for both "
        "sides; capabilities the KB leaves unknown are excluded. The audited product LEADS when its mean "
        f"is at least {MARGIN} above the product's, FALLS SHORT when at least {MARGIN} below, else is "
        "COMPARABLE; NOT COMPARABLE when the KB sources none of the dimension's capabilities."
    ),
    "security": (
        "Security additionally: open (unsuppressed, production) critical or high security findings in the "
        "audit lower the audited product's security verdict by one step (leads -> comparable -> falls short)."
    ),
    "feature_breadth": "Feature breadth uses every taxonomy capability.",
    "ecosystem_maturity": (
        "Ecosystem maturity: a source tree cannot show third-party adoption, distributions or standards "
        "work, so when the KB has a sourced ecosystem fact for the product the audited product FALLS SHORT; "
        "otherwise the access-protocol capabilities (S3, NFS/SMB, block, SQL, streaming, Kubernetes, "
        "observability) are compared with the capability rule."
    ),
    "production_track_record": (
        "Production track record: the audited product's record is what its tree shows (history span, "
        "tests, placeholder tests) and never its own claims; a tree cannot prove field deployment, so it "
        "FALLS SHORT of any product with a sourced production-record fact and is NOT COMPARABLE otherwise."
    ),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DimensionScore(_Frozen):
    """One cell of the summary matrix, with the numbers behind it."""

    dimension: str
    verdict: Verdict
    product_score: float | None = None
    dw_score: float | None = None
    basis: int = 0  # capabilities compared (0 for record-based verdicts)
    note: str = ""


class ProductComparison(_Frozen):
    """The audited product vs one KB entry."""

    slug: str
    name: str
    category: str
    dimensions: tuple[DimensionScore, ...]
    dw_better: tuple[str, ...]  # capabilities where the audited product beats a sourced status
    product_better: tuple[str, ...]
    gaps: tuple[str, ...]  # product_better with taxonomy weight >= 2, heaviest first
    unknown: tuple[str, ...]  # capabilities the KB does not source for this product
    position: Verdict

    def dimension(self, name: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.dimension == name)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def _verdict(dw: float, product: float) -> Verdict:
    if dw - product >= MARGIN:
        return "leads"
    if product - dw >= MARGIN:
        return "falls short"
    return "comparable"


def _capability_score(product: Product, profile: ProductProfile, caps: tuple[str, ...], dimension: str) -> DimensionScore:
    known = [c for c in caps if product.capability(c).status != "unknown"]
    if not known:
        return DimensionScore(dimension=dimension, verdict="not comparable",
                              note="the KB sources none of this dimension's capabilities")
    prod = _mean([POINTS[product.capability(c).status] for c in known])
    dw = _mean([POINTS[profile.status(c)] for c in known])
    return DimensionScore(dimension=dimension, verdict=_verdict(dw, prod), product_score=prod, dw_score=dw,
                          basis=len(known))


def _step_down(verdict: Verdict) -> Verdict:
    return {"leads": "comparable", "comparable": "falls short"}.get(verdict, verdict)  # type: ignore[return-value]


def _facts(product: Product, dimension: str) -> list[Fact]:
    return [fact for dim, _, fact in product.all_facts() if dim == dimension]


def score_dimensions(product: Product, profile: ProductProfile, taxonomy: dict[str, CapabilityDef],
                     blocking_security: int) -> tuple[DimensionScore, ...]:
    """The six matrix cells for one product, in MATRIX_DIMENSIONS order."""
    cells: list[DimensionScore] = []
    for dim in MATRIX_DIMENSIONS:
        if dim == "production_track_record":
            record = _facts(product, dim)
            tr = profile.track_record
            tree = (f"tree: {tr.git_commits or 0} commits over {tr.git_span_days or 0} days, "
                    f"{tr.test_cases} test cases")
            cells.append(DimensionScore(
                dimension=dim, verdict="falls short" if record else "not comparable",
                note=f"{len(record)} sourced record fact(s); {tree}"))
            continue
        if dim == "ecosystem_maturity" and _facts(product, dim):
            cells.append(DimensionScore(dimension=dim, verdict="falls short",
                                        note=f"{len(_facts(product, dim))} sourced ecosystem fact(s)"))
            continue
        caps = tuple(taxonomy) if dim == "feature_breadth" else DIMENSION_CAPABILITIES[dim]
        cell = _capability_score(product, profile, caps, dim)
        if dim == "security" and blocking_security and cell.verdict != "not comparable":
            cell = cell.model_copy(update={
                "verdict": _step_down(cell.verdict),
                "note": f"lowered one step: {blocking_security} open critical/high security finding(s)",
            })
        cells.append(cell)
    return tuple(cells)


def _position(cells: tuple[DimensionScore, ...]) -> Verdict:
    lead = sum(c.verdict == "leads" for c in cells)
    short = sum(c.verdict == "falls short" for c in cells)
    if lead == short == 0 and all(c.verdict == "not comparable" for c in cells):
        return "not comparable"
    if short > lead:
        return "falls short"
    if lead > short:
        return "leads"
    return "comparable"


def compare(product: Product, profile: ProductProfile, taxonomy: dict[str, CapabilityDef],
            blocking_security: int) -> ProductComparison:
    """Compare the profile with one KB entry."""
    dw_better, product_better, unknown = [], [], []
    for cap in taxonomy:
        theirs = product.capability(cap).status
        ours = profile.status(cap)
        if theirs == "unknown":
            unknown.append(cap)
        elif POINTS[ours] > POINTS[theirs]:
            dw_better.append(cap)
        elif POINTS[theirs] > POINTS[ours]:
            product_better.append(cap)
    gaps = sorted((c for c in product_better if taxonomy[c].weight >= 2),
                  key=lambda c: (-taxonomy[c].weight, c))
    cells = score_dimensions(product, profile, taxonomy, blocking_security)
    return ProductComparison(
        slug=product.slug, name=product.name, category=product.category, dimensions=cells,
        dw_better=tuple(dw_better), product_better=tuple(product_better), gaps=tuple(gaps),
        unknown=tuple(unknown), position=_position(cells),
    )
