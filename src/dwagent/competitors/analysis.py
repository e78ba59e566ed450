"""The competitive analysis: evidence profile + KB comparisons + prioritised recommendations.

Public API (used by the certify engineer's competitor-analyst node):
    analyse(store, findings, *, patterns=None, product=None, kb=None) -> CompetitiveAnalysis
and `dwagent.competitors.render.render_markdown` / `summary_markdown` to write it out.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.compare import SECURITY_BLOCKING, ProductComparison, compare
from dwagent.competitors.loader import default_kb, load_taxonomy
from dwagent.competitors.profile import ProductProfile, build_profile
from dwagent.competitors.prose import paragraphs
from dwagent.competitors.schema import CATEGORY_TITLES, Product
from dwagent.models import Finding

DEFAULT_PRODUCT = "the audited product"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProductSection(_Frozen):
    """One product's comparison plus its generated prose and numbered sources."""

    comparison: ProductComparison
    paragraphs: tuple[str, ...]
    sources: tuple[tuple[str, str, str], ...]  # (statement, source, as_of), numbered from 1


class Recommendation(_Frozen):
    """One prioritised action for the next major version, with the evidence that motivates it."""

    priority: int  # 1 = first
    title: str
    rationale: str
    capability: str = ""
    demand: int = 0  # products in the KB that ship the capability (sourced present)


class CompetitiveAnalysis(_Frozen):
    """Everything `render_markdown` needs; deterministic for a given tree, findings and KB."""

    product: str
    profile: ProductProfile
    sections: tuple[ProductSection, ...]  # KB order: category, then name
    recommendations: tuple[Recommendation, ...]
    kb_as_of: str  # latest as_of date among the KB facts used
    kb_products: int
    kb_facts: int

    def positions(self) -> dict[str, list[str]]:
        """leads / comparable / falls short / not comparable -> product names."""
        out: dict[str, list[str]] = {"leads": [], "comparable": [], "falls short": [], "not comparable": []}
        for section in self.sections:
            out[section.comparison.position].append(section.comparison.name)
        return out

    def by_category(self) -> list[tuple[str, list[ProductSection]]]:
        """Sections grouped under the seed's category titles, in the seed's order."""
        groups = []
        for slug, title in CATEGORY_TITLES.items():
            members = [s for s in self.sections if s.comparison.category == slug]
            if members:
                groups.append((title, members))
        return groups


def _recommendations(profile: ProductProfile, products: Sequence[Product],
                     taxonomy) -> tuple[Recommendation, ...]:
    recs: list[tuple[tuple, dict]] = []
    blocking = [profile.findings[f] for f in profile.security_findings
                if f in profile.findings and profile.findings[f].severity in SECURITY_BLOCKING]
    if blocking:
        first = blocking[0]
        recs.append(((0, 0, ""), dict(
            title="Close the open critical/high security findings before any comparison matters",
            rationale=f"{len(blocking)} open finding(s), e.g. {first.id} ({first.category}) at "
                      f"`{first.file}:{first.line}`; every competitor with documented encryption in transit "
                      f"or access control wins a security review while these are open.")))
    for cap, spec in taxonomy.items():
        status = profile.status(cap)
        if status == "present":
            continue
        shipping = [p for p in products if p.capability(cap).status == "present"]
        if not shipping:
            continue
        examples = ", ".join(p.name for p in shipping[:3])
        demand = len(shipping)
        evidence = profile.capabilities[cap]
        if status == "partial":
            sym = evidence.symbols[0] if evidence.symbols else None
            where = f" (`{sym.file}:{sym.line}`)" if sym else ""
            cited = f"; findings {', '.join(evidence.finding_ids[:3])}" if evidence.finding_ids else ""
            title = f"Finish and wire {spec.inline}"
            why = f"declared{where}, status partial ({evidence.reason}){cited}"
            tier = 1
        else:
            title = f"Implement {spec.inline}"
            why = "no production implementation in the tree"
            tier = 2
        recs.append(((tier, -(demand * spec.weight), cap), dict(
            title=title, capability=cap, demand=demand,
            rationale=f"{why}; {demand} of {len(products)} compared products ship it (e.g. {examples}).")))
    tr = profile.track_record
    if tr.placeholder_tests or tr.test_cases == 0 or tr.test_ratio < 0.3:
        recs.append(((3, 0, "~tests"), dict(
            title="Build verifiable maturity: real tests and a release history",
            rationale=f"{tr.test_cases} test cases, {tr.placeholder_tests} placeholder tests, test/source line "
                      f"ratio {tr.test_ratio}; competitors' track records are multi-year and sourced.")))
    ordered = [r for _, r in sorted(recs, key=lambda item: item[0])]
    return tuple(Recommendation(priority=i + 1, **r) for i, r in enumerate(ordered))


def analyse(store, findings: Sequence[Finding], *, patterns: Mapping[str, Sequence[str]] | None = None,
            product: str | None = None, kb: Sequence[Product] | None = None) -> CompetitiveAnalysis:
    """Profile the indexed tree behind `store`, compare it with every KB product, and recommend.

    `findings` are the audit's findings (their categories mark stubs, bypasses and unwired code);
    `patterns` maps taxonomy capability -> name regexes (default: competitors/capability_patterns.yaml);
    `product` is the audited product's display name used in all prose.
    """
    taxonomy = load_taxonomy()
    products = tuple(kb) if kb is not None else default_kb()
    profile = build_profile(store, findings, patterns=patterns, product=product or DEFAULT_PRODUCT)
    blocking = sum(1 for f in profile.security_findings
                   if f in profile.findings and profile.findings[f].severity in SECURITY_BLOCKING)
    sections = []
    for entry in products:
        cmp = compare(entry, profile, taxonomy, blocking)
        paras, sources = paragraphs(entry, cmp, profile, taxonomy)
        sections.append(ProductSection(comparison=cmp, paragraphs=paras, sources=sources))
    facts = [fact for p in products for _, _, fact in p.all_facts()]
    return CompetitiveAnalysis(
        product=profile.name,
        profile=profile,
        sections=tuple(sections),
        recommendations=_recommendations(profile, products, taxonomy),
        kb_as_of=max((f.as_of for f in facts), default=None).isoformat() if facts else "",
        kb_products=len(products),
        kb_facts=len(facts),
    )


def findings_from_dicts(items: Sequence[dict | Finding]) -> list[Finding]:
    """Findings as the certify state and findings.json carry them (dicts) -> Finding models.

    A malformed record raises (pydantic ValidationError): silently dropping evidence would make a
    capability look cleaner than it is.
    """
    return [item if isinstance(item, Finding) else Finding.model_validate(item) for item in items]


def analyse_evidence(evidence: Mapping, *, index_dir=None, patterns: Mapping[str, Sequence[str]] | None = None,
                     product: str | None = None) -> CompetitiveAnalysis:
    """Adapter for the certify graph: `evidence` holds `root` (audited root) and `findings`
    (dicts); the index is opened from the default cache or `index_dir`."""
    from dwagent.tools.index import open_index

    findings = findings_from_dicts(evidence.get("findings", []))
    with open_index(evidence["root"], index_dir) as store:
        return analyse(store, findings, patterns=patterns, product=product)


def report_dict(analysis: CompetitiveAnalysis) -> dict:
    """What the certify report stores under `competitive`: status, the CERTIFICATION.md summary,
    the full competitive-analysis.md text, and the structured results (JSON-ready, deterministic)."""
    from dwagent.competitors.render import render_markdown, summary_markdown

    return {
        "status": "RAN",
        "product": analysis.product,
        "summary": summary_markdown(analysis),
        "markdown": render_markdown(analysis),
        "positions": analysis.positions(),
        "profile": {cap: prof.status for cap, prof in analysis.profile.capabilities.items()},
        "matrix": {
            s.comparison.slug: {d.dimension: d.verdict for d in s.comparison.dimensions}
            for s in analysis.sections
        },
        "recommendations": [r.model_dump(mode="json") for r in analysis.recommendations],
        "kb": {"products": analysis.kb_products, "facts": analysis.kb_facts, "as_of": analysis.kb_as_of},
    }
