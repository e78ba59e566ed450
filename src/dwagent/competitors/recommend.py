"""Sequenced recommendations for the audited product's next release, each tied to evidence.

Order is the order the work has to happen in: blocking security findings first (no evaluation
survives them), then the failing critical flows, then capabilities that exist but are blocked or
untested (cheapest to finish), then missing capabilities many compared products ship, then tests,
and third-party certification last (a certificate is only worth buying for fixed code). Every
item names a finding, a flow or a capability, and the market (KB categories) it opens.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.loader import CapabilityDef
from dwagent.competitors.profile import ProductProfile
from dwagent.competitors.schema import CATEGORY_TITLES, Product
from dwagent.models import SECURITY_CATEGORIES

MAX_RECOMMENDATIONS = 10
MAX_CAPABILITY_ITEMS = 4


class Recommendation(BaseModel):
    """One action, its evidence and the market it unlocks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    priority: int  # 1 = first
    title: str
    rationale: str
    ties: tuple[str, ...] = ()  # finding ids, flow names or capability keys it is tied to
    market: str = ""  # the KB categories (and example products) this unlocks
    capability: str = ""
    demand: int = 0  # KB products with the capability present


# Internal systems of hyperscalers are benchmarks, not markets: nobody can sell into them.
NOT_A_MARKET = frozenset({"hyperscaler-internal"})


def _market(products: Sequence[Product], names: list[str]) -> str:
    buyable = [p for p in products if p.name in names and p.category not in NOT_A_MARKET]
    cats = Counter(p.category for p in buyable)
    top = [CATEGORY_TITLES[c] for c, _ in cats.most_common(3)]
    examples = ", ".join(p.name for p in buyable[:3])
    return f"{'; '.join(top)} (e.g. {examples})" if top else ""


def _behind_on(sections, dimension: str) -> list[str]:
    return [s.comparison.name for s in sections if s.comparison.dimension(dimension).verdict == "behind"]


def recommendations(profile: ProductProfile, products: Sequence[Product], sections, taxonomy: dict[str, CapabilityDef]) -> tuple[Recommendation, ...]:
    """5-10 sequenced actions; fewer only when the evidence supports fewer."""
    recs: list[dict] = []
    cert = profile.certification
    security = [fid for fid in cert.blocking_finding_ids if fid in profile.findings and profile.findings[fid].category in SECURITY_CATEGORIES]
    if security:
        cats = Counter(profile.findings[f].category for f in security).most_common(3)
        first = profile.findings[security[0]]
        recs.append(
            dict(
                title="Close the blocking security findings",
                rationale=f"{len(security)} of the certification's blocking findings are security defects "
                f"({', '.join(f'{c} {n}' for c, n in cats)}), e.g. {first.id} at `{first.file}:{first.line}`; "
                f"while they are open the security cell is capped at 1 against every product.",
                ties=tuple(security[:5]),
                market=_market(products, _behind_on(sections, "security")),
            )
        )
    if cert.failed_flows:
        recs.append(
            dict(
                title="Make the critical flows pass end to end",
                rationale=f"{len(cert.failed_flows)} critical flow(s) fail or are unverified (e.g. '{cert.failed_flows[0]}'); "
                f"reliability is capped at 1 until they pass with evidence.",
                ties=tuple(f.split(":")[0] for f in cert.failed_flows[:3]),
                market=_market(products, _behind_on(sections, "reliability")),
            )
        )
    blocked, missing = [], []
    for cap, spec in taxonomy.items():
        ours = profile.capabilities.get(cap)
        if ours is None or ours.status == "present" or spec.attestation:
            continue
        shipping = [p.name for p in products if p.status(cap) == "present"]
        if not shipping:
            continue
        entry = (len(shipping) * spec.weight, cap, spec, ours, shipping)
        (blocked if ours.status == "partial" else missing).append(entry)
    for _, cap, spec, ours, shipping in sorted(blocked, key=lambda e: (-e[0], e[1]))[:MAX_CAPABILITY_ITEMS]:
        why = ours.reason
        ties = ours.blocking[:3] or ours.finding_ids[:3] or (cap,)
        recs.append(
            dict(
                title=f"Finish {spec.inline}: clear its blocking findings and test it",
                rationale=f"status partial: {why}; {len(shipping)} compared products ship it.",
                ties=tuple(ties),
                market=_market(products, shipping),
                capability=cap,
                demand=len(shipping),
            )
        )
    for _, cap, spec, _ours, shipping in sorted(missing, key=lambda e: (-e[0], e[1]))[:2]:
        recs.append(
            dict(
                title=f"Implement {spec.inline}",
                rationale=f"no production implementation matches it; {len(shipping)} compared products ship it.",
                ties=(cap,),
                market=_market(products, shipping),
                capability=cap,
                demand=len(shipping),
            )
        )
    tr = profile.track_record
    if tr.test_ratio < 0.3 or tr.placeholder_tests:
        recs.append(
            dict(
                title="Test what ships: raise the test/source ratio and run the test gate",
                rationale=f"{tr.test_cases} test cases over {tr.production_lines} production lines (ratio {tr.test_ratio}), "
                f"{tr.placeholder_tests} placeholder tests; capabilities without tests cannot score present.",
                ties=("track-record",),
                market=_market(products, _behind_on(sections, "operational_maturity")),
            )
        )
    certified = [p.name for p in products if p.status("fips-140") == "present" or p.status("common-criteria") == "present"]
    if certified:
        recs.append(
            dict(
                title="Put the crypto module through FIPS 140-3 validation, then Common Criteria",
                rationale=f"no certificate is in evidence; {len(certified)} compared products hold FIPS 140 or "
                f"Common Criteria certification. Only worth starting once the security findings are closed.",
                ties=("fips-140", "common-criteria"),
                market=_market(products, certified),
                capability="fips-140",
                demand=len(certified),
            )
        )
    return tuple(Recommendation(priority=i + 1, **r) for i, r in enumerate(recs[:MAX_RECOMMENDATIONS]))
