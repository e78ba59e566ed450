"""The competitive analysis: evidence profile + KB comparisons + sequenced recommendations.

Public API (used by the competitor-analyst node and `dwagent competitors compare`):
    analyse(store, findings, *, patterns=None, product=None, kb=None, report=None) -> CompetitiveAnalysis
`report` is the certification's report dict (verdict, P0 items, findings); with it, the audited
product's capabilities are judged against the certification's own blocking findings and the
verdict is part of every comparison. Render with `dwagent.competitors.render`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.compare import ProductComparison, SideScore, compare, dw_scores
from dwagent.competitors.evidence import certification_from_report
from dwagent.competitors.loader import default_kb, load_taxonomy
from dwagent.competitors.profile import ProductProfile, build_profile
from dwagent.competitors.prose import paragraphs
from dwagent.competitors.recommend import Recommendation, recommendations
from dwagent.competitors.schema import CATEGORY_TITLES, Product
from dwagent.models import Finding

DEFAULT_PRODUCT = "the audited product"
STALE_DAYS = 365


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProductSection(_Frozen):
    """One product's comparison plus its generated prose and numbered sources."""

    comparison: ProductComparison
    group: str
    paragraphs: tuple[str, ...]
    sources: tuple[tuple[str, str, str], ...]  # (statement, source, as_of), numbered from 1


class StaleFact(_Frozen):
    """A KB fact older than STALE_DAYS at the KB's as-of date."""

    product: str
    statement: str
    source: str
    as_of: str


class CompetitiveAnalysis(_Frozen):
    """Everything the renderer needs; deterministic for a given tree, findings, report and KB."""

    product: str
    profile: ProductProfile
    dw: dict[str, SideScore]  # the audited product's matrix scores (the same in every row)
    sections: tuple[ProductSection, ...]  # KB order: category, then name
    recommendations: tuple[Recommendation, ...]
    kb_as_of: str  # latest `checked` date among the KB facts
    kb_products: int
    kb_facts: int
    kb_secondary: int
    kb_unchecked: int  # facts with no `checked` date: their source was not re-read
    stale: tuple[StaleFact, ...]

    def positions(self) -> dict[str, list[str]]:
        """leads / comparable / behind / unknown -> product headings."""
        out: dict[str, list[str]] = {"leads": [], "comparable": [], "behind": [], "unknown": []}
        for section in self.sections:
            out[section.comparison.position].append(section.comparison.heading)
        return out

    def by_category(self) -> list[tuple[str, str, list[ProductSection]]]:
        """(slug, title, sections) in the seed's category order."""
        groups = []
        for slug, title in CATEGORY_TITLES.items():
            members = [s for s in self.sections if s.comparison.category == slug]
            if members:
                groups.append((slug, title, members))
        return groups

    def cells(self) -> list:
        """Every matrix cell of every product."""
        return [d for s in self.sections for d in s.comparison.dimensions]


def _stale(products: Sequence[Product], as_of: dt.date | None) -> tuple[StaleFact, ...]:
    if as_of is None:
        return ()
    limit = as_of - dt.timedelta(days=STALE_DAYS)
    return tuple(
        StaleFact(product=p.heading, statement=f.statement, source=f.source, as_of=f.as_of.isoformat())
        for p in products
        for f in p.facts
        if f.as_of < limit
    )


def analyse(
    store,
    findings: Sequence[Finding],
    *,
    patterns: Mapping[str, Sequence[str]] | None = None,
    product: str | None = None,
    kb: Sequence[Product] | None = None,
    report: Mapping | None = None,
) -> CompetitiveAnalysis:
    """Profile the indexed tree behind `store`, compare it with every KB product, and recommend."""
    taxonomy = load_taxonomy()
    products = tuple(kb) if kb is not None else default_kb()
    profile = build_profile(
        store,
        findings,
        patterns=patterns,
        product=product or DEFAULT_PRODUCT,
        certification=certification_from_report(report),
        integration_terms={p.slug: p.connector_terms for p in products},
    )
    dw = dw_scores(profile, taxonomy, len(products))
    sections = []
    for entry in products:
        cmp = compare(entry, profile, taxonomy, dw)
        paras, sources = paragraphs(entry, cmp, profile, taxonomy)
        sections.append(ProductSection(comparison=cmp, group=entry.group, paragraphs=paras, sources=sources))
    facts = [f for p in products for f in p.facts]
    checked = [f.checked for f in facts if f.checked is not None]
    as_of = max(checked) if checked else None
    return CompetitiveAnalysis(
        product=profile.name,
        profile=profile,
        dw=dw,
        sections=tuple(sections),
        recommendations=recommendations(profile, products, tuple(sections), taxonomy),
        kb_as_of=as_of.isoformat() if as_of else "",
        kb_products=len(products),
        kb_facts=len(facts),
        kb_secondary=sum(f.kind == "secondary" for f in facts),
        kb_unchecked=sum(f.checked is None for f in facts),
        stale=_stale(products, as_of),
    )


def findings_from_dicts(items: Sequence[dict | Finding]) -> list[Finding]:
    """Findings as the certify state and findings.json carry them (dicts) -> Finding models.

    A malformed record raises (pydantic ValidationError): silently dropping evidence would make a
    capability look cleaner than it is.
    """
    return [item if isinstance(item, Finding) else Finding.model_validate(item) for item in items]


def analyse_evidence(
    evidence: Mapping, *, index_dir=None, patterns: Mapping[str, Sequence[str]] | None = None, product: str | None = None
) -> CompetitiveAnalysis:
    """Adapter for the certify graph: `evidence` holds `root` (audited root), `findings` (dicts)
    and `report` (the adjudicator's report dict); the index is opened from the cache or `index_dir`."""
    from dwagent.tools.index import open_index

    findings = findings_from_dicts(evidence.get("findings", []))
    with open_index(evidence["root"], index_dir) as store:
        return analyse(store, findings, patterns=patterns, product=product, report=evidence.get("report"))


def report_dict(analysis: CompetitiveAnalysis) -> dict:
    """What the certify report stores under `competitive`: status, the CERTIFICATION.md summary,
    the full competitive-analysis.md text, and the structured results (JSON-ready, deterministic)."""
    from dwagent.competitors.render import bottom_line, render_markdown, summary_markdown

    cells = analysis.cells()
    return {
        "status": "RAN",
        "product": analysis.product,
        "summary": summary_markdown(analysis),
        "bottom_line": bottom_line(analysis),
        "markdown": render_markdown(analysis),
        "positions": analysis.positions(),
        "profile": {cap: prof.status for cap, prof in analysis.profile.capabilities.items()},
        "dw_scores": {dim: side.score for dim, side in analysis.dw.items()},
        "matrix": {
            s.comparison.slug: {d.dimension: {"verdict": d.verdict, "product": d.product.score, "dw": d.dw.score} for d in s.comparison.dimensions}
            for s in analysis.sections
        },
        "unknown_cells": sum(c.verdict == "unknown" for c in cells),
        "cells": len(cells),
        "recommendations": [r.model_dump(mode="json") for r in analysis.recommendations],
        "kb": {
            "products": analysis.kb_products,
            "facts": analysis.kb_facts,
            "as_of": analysis.kb_as_of,
            "secondary": analysis.kb_secondary,
            "unchecked": analysis.kb_unchecked,
            "stale": len(analysis.stale),
        },
    }
