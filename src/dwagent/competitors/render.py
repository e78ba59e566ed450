"""Markdown for the competitive analysis: the full report and a short summary for CERTIFICATION.md.

Rendering only formats what `analyse` decided; it adds no claims. Output is deterministic (no
wall-clock values: the only date is the KB's as-of date).
"""

from __future__ import annotations

from collections import Counter

from dwagent.competitors.analysis import CompetitiveAnalysis, ProductSection
from dwagent.competitors.compare import RULES
from dwagent.competitors.loader import load_taxonomy
from dwagent.competitors.schema import MATRIX_DIMENSIONS

MARK = {"leads": "▲", "comparable": "●", "behind": "▼", "unknown": "?"}
DIM_TITLES = {
    "security": "Security",
    "scalability": "Scalability",
    "reliability": "Reliability",
    "feature_breadth": "Feature breadth",
    "operational_maturity": "Operational maturity",
    "ecosystem_maturity": "Ecosystem maturity",
    "production_track_record": "Production track record",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    """The heading anchor GitHub-style renderers generate: keep letters, digits, '-' and '_'."""
    return "".join(ch if (ch.isalnum() or ch in "-_") else "-" if ch == " " else "" for ch in name.lower())


def _score(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _certification(analysis: CompetitiveAnalysis) -> list[str]:
    cert = analysis.profile.certification
    if not cert.known:
        return [
            "No certification report was given: capabilities are judged against critical/high findings, "
            "and the verdict is not part of this comparison.",
            "",
        ]
    kinds = ", ".join(f"{k} {n}" for k, n in cert.blocking_by_kind.items()) or "none"
    out = [f"Verdict: **{cert.verdict}** ({cert.rationale}). Blocking (P0) items by kind: {kinds}.", ""]
    if cert.root_causes:
        out += ["| Root cause (blocking findings) | Count | Example |", "|---|---|---|"]
        for rc in cert.root_causes[:8]:
            where = f" at `{rc.location}`" if rc.location else ""
            out.append(f"| {_cell(rc.title)} | {rc.count} | {rc.example}{where} |")
        out.append("")
    if cert.failed_flows:
        out += [f"Critical flows failing or unverified: {', '.join(cert.failed_flows[:10])}.", ""]
    return out


def _profile_table(analysis: CompetitiveAnalysis) -> list[str]:
    taxonomy = load_taxonomy()
    lines = ["| Capability | Status | Tested | Blocking findings | Evidence |", "|---|---|---|---|---|"]
    for cap, spec in taxonomy.items():
        prof = analysis.profile.capabilities[cap]
        evidence = prof.reason
        if prof.symbols:
            sym = prof.symbols[0]
            evidence = f"`{sym.file}:{sym.line}` {sym.qualname}" + (f" (+{prof.matched - 1} more)" if prof.matched > 1 else "")
        blocking = f"{len(prof.blocking)} (e.g. {prof.blocking[0]})" if prof.blocking else "0"
        lines.append(f"| {spec.title} | {prof.status} | {'yes' if prof.tested else 'no'} | {blocking} | {_cell(evidence)} |")
    return lines


def _dw_scores(analysis: CompetitiveAnalysis) -> list[str]:
    lines = [f"| Dimension | {analysis.product} (0-3) | Basis |", "|---|---|---|"]
    for dim in MATRIX_DIMENSIONS:
        side = analysis.dw[dim]
        lines.append(f"| {DIM_TITLES[dim]} | {_score(side.score)} | {_cell(side.reason)} |")
    return lines


def _matrix(analysis: CompetitiveAnalysis) -> list[str]:
    header = "| Product | " + " | ".join(DIM_TITLES[d] for d in MATRIX_DIMENSIONS) + " | Overall |"
    lines = [header, "|" + "---|" * (len(MATRIX_DIMENSIONS) + 2)]
    for _slug, _title, sections in analysis.by_category():
        for section in sections:
            cmp = section.comparison
            cells = [f"{MARK[d.verdict]} {_score(d.dw.score)} vs {_score(d.product.score)}" for d in cmp.dimensions]
            lines.append(f"| [{_cell(cmp.heading)}](#{_anchor(cmp.heading)}) | " + " | ".join(cells) + f" | {MARK[cmp.position]} {cmp.position} |")
    return lines


def _category_summary(analysis: CompetitiveAnalysis) -> list[str]:
    out = [
        "| Category | Products | Behind / comparable / leads / unknown cells | Integrations in the code | Most common product advantage |",
        "|---|---|---|---|---|",
    ]
    taxonomy = load_taxonomy()
    for _slug, title, sections in analysis.by_category():
        verdicts = Counter(d.verdict for s in sections for d in s.comparison.dimensions)
        integrated = sum(1 for s in sections if analysis.profile.integrations.get(s.comparison.slug))
        better = Counter(c for s in sections for c in s.comparison.product_better).most_common(1)
        adv = f"{taxonomy[better[0][0]].inline} ({better[0][1]} products)" if better else "none sourced"
        out.append(
            f"| {title} | {len(sections)} | {verdicts['behind']} / {verdicts['comparable']} / "
            f"{verdicts['leads']} / {verdicts['unknown']} | {integrated} | {adv} |"
        )
    return out


def _leads_and_gaps(analysis: CompetitiveAnalysis) -> list[str]:
    dw = analysis.product
    leads = [(s.comparison.heading, d) for s in analysis.sections for d in s.comparison.dimensions if d.verdict == "leads"]
    real = [(h, d) for h, d in leads if (d.product.score or 0) > 0]
    nominal = [(h, d) for h, d in leads if (d.product.score or 0) == 0]
    out = [f"### Where {dw} leads", ""]
    if not real:
        out.append(
            f"Nowhere on the matrix against a product that competes on the dimension: no cell where "
            f"{dw}'s evidence beats a product rated above 0 by 0.75 or more."
        )
    for heading, d in real[:25]:
        out.append(f"- {heading}, {DIM_TITLES[d.dimension]}: {_score(d.dw.score)} vs {_score(d.product.score)} — {d.reason}.")
    if nominal:
        named = ", ".join(f"{h} ({DIM_TITLES[d.dimension].lower()})" for h, d in nominal)
        out.append(
            f"- Nominal leads only, where the product is rated 0 because the dimension does not apply to it "
            f"(an internal system or a file format): {named}."
        )
    taxonomy = load_taxonomy()
    caps = Counter(c for s in analysis.sections for c in s.comparison.dw_better)
    for cap, n in caps.most_common(3):
        prof = analysis.profile.capabilities[cap]
        where = f" (`{prof.symbols[0].file}:{prof.symbols[0].line}`)" if prof.symbols else ""
        out.append(f"- {taxonomy[cap].title} is {prof.status}{where} where {n} product(s) have it weaker or absent.")
    comparable: dict[str, list[str]] = {}
    for section in analysis.sections:
        for d in section.comparison.dimensions:
            if d.verdict == "comparable" and (d.product.score or 0) > 0:
                comparable.setdefault(d.dimension, []).append(section.comparison.heading)
    out += ["", f"### Where {dw} is comparable", ""]
    for dim in MATRIX_DIMENSIONS:
        names = comparable.get(dim, [])
        if names:
            out.append(
                f"- {DIM_TITLES[dim]}: with {len(names)} product(s), e.g. {', '.join(names[:4])} — products "
                f"whose own rating is modest on it, not evidence that {dw} is strong there."
            )
    integrated = len(analysis.profile.integrations)
    out.append(
        f"- Integration breadth: the code names {integrated} of the {analysis.kb_products} products in types "
        f"(connectors, adapters, strategies); a strength on paper only: a type named for a product is not "
        f"evidence that the integration works."
    )
    behind = Counter(d.dimension for d in analysis.cells() if d.verdict == "behind")
    out += ["", f"### Where {dw} is behind", ""]
    for dim in MATRIX_DIMENSIONS:
        out.append(
            f"- {DIM_TITLES[dim]}: behind {behind.get(dim, 0)} of {len(analysis.sections)} products "
            f"({analysis.product} scores {_score(analysis.dw[dim].score)}: {analysis.dw[dim].reason})."
        )
    return out + [""]


def _section(section: ProductSection, level: str = "###") -> list[str]:
    cmp = section.comparison
    out = [f"{level} {cmp.heading}", ""]
    for para in section.paragraphs:
        out += [para, ""]
    out.append("*Matrix (audited vs product, 0-3):*")
    for d in cmp.dimensions:
        out.append(f"- {DIM_TITLES[d.dimension]}: {MARK[d.verdict]} {_score(d.dw.score)} vs {_score(d.product.score)} — {d.reason}")
    out.append("")
    if section.sources:
        out.append("Sources:")
        for i, (statement, source, as_of) in enumerate(section.sources, 1):
            out.append(f"{i}. {statement} — {source} (as of {as_of})")
        out.append("")
    return out


def render_section(section: ProductSection) -> str:
    """One product's comparison (heading, paragraphs, matrix lines, numbered sources)."""
    return "\n".join(_section(section))


def bottom_line(analysis: CompetitiveAnalysis) -> str:
    """A paragraph a board could read: verdict, position, the first actions."""
    dw, pos, cert = analysis.product, analysis.positions(), analysis.profile.certification
    verdict = (
        f"{dw} is {cert.verdict} by its own audit ({cert.blocking} blocking items)"
        if cert.known
        else f"{dw} was compared without its certification verdict"
    )
    first = "; then ".join(r.title.lower() for r in analysis.recommendations[:3])
    present = sum(p.status == "present" for p in analysis.profile.capabilities.values())
    return (
        f"{verdict}. Against {analysis.kb_products} products it is behind {len(pos['behind'])}, comparable "
        f"with {len(pos['comparable'])} and ahead of {len(pos['leads'])}. Its breadth is real on paper — "
        f"{len(analysis.profile.integrations)} of these products have connectors or adapters in its code — but "
        f"only {present} of {len(analysis.profile.capabilities)} tracked capabilities are wired, tested and free of "
        f"blocking findings, it has no production history, and no third-party certification. It cannot win a "
        f"customer evaluation against an established vendor today. First: {first}."
    )


def render_markdown(analysis: CompetitiveAnalysis) -> str:
    """The full competitive-analysis.md."""
    dw = analysis.product
    unknown = sum(c.verdict == "unknown" for c in analysis.cells())
    cells = len(analysis.cells())
    secondary = (100 * analysis.kb_secondary / analysis.kb_facts) if analysis.kb_facts else 0.0
    out = [
        f"# Competitive analysis: {dw} against {analysis.kb_products} products",
        "",
        f"Knowledge base as of {analysis.kb_as_of}: {analysis.kb_products} entries, {analysis.kb_facts} facts, each "
        f"with its source and the date it was true; {analysis.kb_facts - analysis.kb_unchecked} checked against the page "
        f"cited, {analysis.kb_unchecked} not yet re-checked (marked where cited); {analysis.kb_secondary} "
        f"({secondary:.1f}%) secondary sources; {len(analysis.stale)} facts older than 12 months (listed at the end). "
        f"{dw}'s side comes only from the audit: its certification, its code, its findings and its history.",
        "",
        "## Bottom line",
        "",
        bottom_line(analysis),
        "",
        "## The certification behind this comparison",
        "",
    ]
    out += _certification(analysis)
    out += [
        f"## {dw}: capabilities from evidence",
        "",
        "Present = a concrete implementation, used from outside itself, referenced by tests, with no "
        "stub/bypass/unwired finding and none of the certification's blocking findings inside the code that "
        "implements the capability; partial = any of those missing; absent = nothing matches, or a "
        "third-party certificate the code cannot show.",
        "",
    ]
    out += _profile_table(analysis) + [""]
    out += [f"### {dw}'s matrix scores", ""] + _dw_scores(analysis) + [""]
    out += [
        "## Summary matrix",
        "",
        f"Cells read *{dw} vs product* on 0-3 (▲ leads, ● comparable, ▼ behind, ? unknown). "
        f"{unknown} of {cells} cells ({100 * unknown / cells if cells else 0:.1f}%) are unknown; every cell's "
        "one-line reason is under its product.",
        "",
    ]
    out += _matrix(analysis) + [""]
    out += ["## Category summaries", ""] + _category_summary(analysis) + [""]
    out += _leads_and_gaps(analysis)
    for _slug, title, sections in analysis.by_category():
        out += [f"## {title}", ""]
        seen_groups: set[str] = set()
        for section in sections:
            if section.group:
                if section.group not in seen_groups:
                    seen_groups.add(section.group)
                    members = [s.comparison.name for s in sections if s.group == section.group]
                    out += [f"### {section.group}", "", f"{section.group} systems named by the seed: {', '.join(members)}.", ""]
                out += _section(section, "####")
            else:
                out += _section(section)
    out += ["## Recommendations for the next release (in order)", ""]
    if not analysis.recommendations:
        out.append("No gap with sourced competitor evidence was found.")
    for rec in analysis.recommendations:
        tied = f" Tied to: {', '.join(rec.ties)}." if rec.ties else ""
        market = f" Unlocks: {rec.market}." if rec.market else ""
        out.append(f"{rec.priority}. **{rec.title}** — {rec.rationale}{tied}{market}")
    out += [
        "",
        "## Freshness",
        "",
        f"The knowledge base is as of {analysis.kb_as_of} (latest check). Facts whose as-of date is more than "
        f"12 months older ({len(analysis.stale)}):",
        "",
    ]
    by_product: dict[str, list] = {}
    for stale in analysis.stale:
        by_product.setdefault(stale.product, []).append(stale)
    for product, items in by_product.items():
        oldest = min(items, key=lambda s: s.as_of)
        out.append(f'- {product}: {len(items)} fact(s), oldest {oldest.as_of} — "{oldest.statement}" ({oldest.source})')
    if analysis.stale:
        out += ["", f"<details><summary>All {len(analysis.stale)} facts older than 12 months</summary>", ""]
        out += [f"- {s.product} ({s.as_of}): {s.statement} — {s.source}" for s in analysis.stale]
        out += ["", "</details>"]
    out += ["", "## Scoring rules", ""] + [f"- {rule}" for rule in RULES.values()] + [""]
    return "\n".join(out)


def summary_markdown(analysis: CompetitiveAnalysis, *, top: int = 5) -> str:
    """A short section for CERTIFICATION.md pointing at competitive-analysis.md."""
    out = ["## Competitive position", "", bottom_line(analysis), "", "Top priorities:"]
    for rec in analysis.recommendations[:top]:
        out.append(f"{rec.priority}. {rec.title} — {rec.rationale}")
    out += ["", "Full comparison, per-product sources and scoring rules: competitive-analysis.md.", ""]
    return "\n".join(out)
