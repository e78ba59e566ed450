"""Score the audited product and one KB entry on the summary matrix's dimensions.

Both sides are on one 0-3 scale. The audited product's score comes only from the audit's
evidence (capability statuses, the certification's blocking items, tests, history, integrations:
`dw_scores`); a product's score is the KB rating for that dimension, which names the fact that
supports it. A product dimension the KB does not rate is `unknown` and is counted, never guessed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.loader import CapabilityDef
from dwagent.competitors.profile import ProductProfile
from dwagent.competitors.schema import MATRIX_DIMENSIONS, Product
from dwagent.models import SECURITY_CATEGORIES

Verdict = Literal["leads", "comparable", "behind", "unknown"]

POINTS = {"present": 1.0, "partial": 0.5, "absent": 0.0}
MARGIN = 0.75  # a quarter of the scale: smaller differences are "comparable"

DIMENSION_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "security": (
        "encryption-at-rest",
        "encryption-in-transit",
        "key-management",
        "rbac",
        "abac",
        "audit-log",
        "worm-immutability",
        "multi-tenancy",
        "air-gap",
    ),
    "scalability": ("replication", "consensus", "erasure-coding", "tiering", "multi-tenancy", "kubernetes"),
    "reliability": ("replication", "erasure-coding", "raid", "checksums", "snapshots", "backup-restore", "consensus"),
}

RULES: dict[str, str] = {
    "scale": "Both sides are scored 0-3 (0 none, 1 basic or unproven, 2 solid, 3 best in class). A cell reads "
    f"'audited vs product'; the audited product LEADS or is BEHIND when the gap is at least {MARGIN}, "
    "else COMPARABLE; UNKNOWN when the knowledge base has no sourced rating for the product.",
    "capabilities": "Security, scalability, reliability and feature breadth: 3 x the mean over the dimension's "
    "capabilities of present=1, partial=0.5, absent=0, where present means a wired, tested "
    "implementation with no stub/bypass/unwired finding and none of the certification's blocking "
    "findings in its code.",
    "security": "Security is capped at 1 while the certification lists blocking security findings.",
    "scalability": "Scalability is capped at 1: a source tree shows design, never a deployment at scale.",
    "reliability": "Reliability is capped at 1 while a critical flow fails or is not verified.",
    "operational_maturity": "Operational maturity: 1 for a present metrics capability (0.5 partial), up to 1 for "
    "tests (test/source line ratio against 0.3), 1 when the tree is certified.",
    "ecosystem_maturity": "Ecosystem maturity: up to 1 for integrations with knowledge-base products found in "
    "the code (10 or more = 1); adoption cannot be shown by a tree, so never above 1.",
    "production_track_record": "Production track record: up to 1 for the tree's own git history (one year = 1); "
    "a tree cannot prove field deployment, so never above 1.",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SideScore(_Frozen):
    """One side of one dimension: a 0-3 score (None = unknown) and the one-line reason."""

    score: float | None
    reason: str


class DimensionScore(_Frozen):
    """One cell of the summary matrix."""

    dimension: str
    verdict: Verdict
    dw: SideScore
    product: SideScore

    @property
    def reason(self) -> str:
        """The cell's one-line reason: the product's side, then the audited product's."""
        theirs = self.product.reason if self.product.score is not None else "no sourced rating (unknown)"
        return f"{theirs}; audited: {self.dw.reason}"


class ProductComparison(_Frozen):
    """The audited product vs one KB entry."""

    slug: str
    name: str
    heading: str
    category: str
    dimensions: tuple[DimensionScore, ...]
    dw_better: tuple[str, ...]  # capabilities where the audited product beats a sourced status
    product_better: tuple[str, ...]
    position: Verdict

    def dimension(self, name: str) -> DimensionScore:
        """The cell for one matrix dimension."""
        return next(d for d in self.dimensions if d.dimension == name)


def _mean_caps(profile: ProductProfile, caps: tuple[str, ...]) -> tuple[float, str]:
    points = [POINTS[profile.status(c)] for c in caps]
    present = [c for c in caps if profile.status(c) == "present"]
    partial = [c for c in caps if profile.status(c) == "partial"]
    score = round(3 * sum(points) / len(points), 1) if points else 0.0
    return score, f"{len(present)} present, {len(partial)} partial of {len(caps)} capabilities"


def _security_blockers(profile: ProductProfile) -> list[str]:
    blocking = set(profile.certification.blocking_finding_ids)
    return sorted(fid for fid in blocking if fid in profile.findings and profile.findings[fid].category in SECURITY_CATEGORIES)


def dw_scores(profile: ProductProfile, taxonomy: dict[str, CapabilityDef], kb_size: int) -> dict[str, SideScore]:
    """The audited product's score on every matrix dimension, from evidence only (see RULES)."""
    out: dict[str, SideScore] = {}
    cert = profile.certification
    for dim in ("security", "scalability", "reliability"):
        score, reason = _mean_caps(profile, DIMENSION_CAPABILITIES[dim])
        if dim == "security":
            blockers = _security_blockers(profile)
            if blockers:
                ref = profile.findings[blockers[0]]
                score = min(score, 1.0)
                reason = (
                    f"{reason}; capped at 1: {len(blockers)} blocking security finding(s), e.g. "
                    f"{blockers[0]} ({ref.category}) at {ref.file}:{ref.line}"
                )
        elif dim == "scalability" and score > 1:
            score, reason = 1.0, f"{reason}; capped at 1: no deployment at scale in evidence"
        elif dim == "reliability" and cert.failed_flows:
            score = min(score, 1.0)
            reason = f"{reason}; capped at 1: flow '{cert.failed_flows[0]}' fails or is unverified"
        out[dim] = SideScore(score=score, reason=reason)
    breadth = tuple(k for k, spec in taxonomy.items() if not spec.attestation)
    score, reason = _mean_caps(profile, breadth)
    out["feature_breadth"] = SideScore(score=score, reason=reason)
    tr = profile.track_record
    obs = POINTS[profile.status("observability")]
    tests = round(min(1.0, tr.test_ratio / 0.3), 2)
    certified = 1.0 if cert.known and cert.verdict == "CERTIFIED" else 0.0
    out["operational_maturity"] = SideScore(
        score=round(obs + tests + certified, 1),
        reason=f"metrics {profile.status('observability')}, test/source ratio {tr.test_ratio}, verdict {cert.verdict or 'unknown'}",
    )
    n = len(profile.integrations)
    out["ecosystem_maturity"] = SideScore(
        score=round(min(1.0, n / 10), 1), reason=f"code integrates {n} of {kb_size} knowledge-base products; no adoption evidence"
    )
    days = tr.git_span_days or 0
    out["production_track_record"] = SideScore(
        score=round(min(1.0, days / 365), 1),
        reason=(f"{tr.git_commits} commits over {days} days" if tr.git_commits else "no git history of its own")
        + "; no field deployment in evidence",
    )
    return out


def _verdict(dw: float, product: float | None) -> Verdict:
    if product is None:
        return "unknown"
    if dw - product >= MARGIN:
        return "leads"
    if product - dw >= MARGIN:
        return "behind"
    return "comparable"


def _position(cells: tuple[DimensionScore, ...]) -> Verdict:
    lead = sum(c.verdict == "leads" for c in cells)
    behind = sum(c.verdict == "behind" for c in cells)
    if all(c.verdict == "unknown" for c in cells):
        return "unknown"
    return "behind" if behind > lead else "leads" if lead > behind else "comparable"


def compare(product: Product, profile: ProductProfile, taxonomy: dict[str, CapabilityDef], dw: dict[str, SideScore]) -> ProductComparison:
    """Compare the profile (scored once as `dw`) with one KB entry."""
    cells = []
    for dim in MATRIX_DIMENSIONS:
        rating = product.ratings.get(dim)  # type: ignore[call-overload]
        if rating is None:
            theirs = SideScore(score=None, reason="")
        else:
            reason = rating.reason or product.fact(rating.fact).statement
            theirs = SideScore(score=float(rating.score), reason=reason)
        cells.append(DimensionScore(dimension=dim, verdict=_verdict(dw[dim].score or 0.0, theirs.score), dw=dw[dim], product=theirs))
    dw_better, product_better = [], []
    for cap in taxonomy:
        theirs = product.status(cap)
        if theirs == "unknown":
            continue
        ours = profile.status(cap)
        if POINTS[ours] > POINTS[theirs]:
            dw_better.append(cap)
        elif POINTS[theirs] > POINTS[ours]:
            product_better.append(cap)
    cells_t = tuple(cells)
    return ProductComparison(
        slug=product.slug,
        name=product.name,
        heading=product.heading,
        category=product.category,
        dimensions=cells_t,
        dw_better=tuple(dw_better),
        product_better=tuple(product_better),
        position=_position(cells_t),
    )
