"""Markdown for the competitive analysis: the full report and a short summary for CERTIFICATION.md.

Rendering only formats what `analyse` decided; it adds no claims. Output is deterministic (no
wall-clock values: the only date is the KB's as-of date).
"""
from __future__ import annotations

from dwagent.competitors.analysis import CompetitiveAnalysis, ProductSection
from dwagent.competitors.compare import RULES
from dwagent.competitors.loader import load_taxonomy
from dwagent.competitors.schema import MATRIX_DIMENSIONS

MARK = {"leads": "▲ leads", "comparable": "● comparable", "falls short": "▼ falls short",
        "not comparable": "– n/a"}
DIM_TITLES = {
    "security": "Security", "scalability": "Scalability", "reliability": "Reliability",
    "feature_breadth": "Feature breadth", "ecosystem_maturity": "Ecosystem maturity",
    "production_track_record": "Production track record",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    """The heading anchor GitHub-style renderers generate: keep letters, digits, '-' and '_'."""
    return "".join(ch if (ch.isalnum() or ch in "-_") else "-" if ch == " " else "" for ch in name.lower())


def _profile_table(analysis: CompetitiveAnalysis) -> list[str]:
    taxonomy = load_taxonomy()
    lines = ["| Capability | Status | Evidence |", "|---|---|---|"]
    for cap, spec in taxonomy.items():
        prof = analysis.profile.capabilities[cap]
        if prof.symbols:
            sym = prof.symbols[0]
            evidence = f"`{sym.file}:{sym.line}` {sym.qualname}"
            if prof.matched > 1:
                evidence += f" (+{prof.matched - 1} more)"
            if prof.finding_ids:
                evidence += f"; findings: {', '.join(prof.finding_ids[:3])}"
        else:
            evidence = prof.reason
        lines.append(f"| {spec.title} | {prof.status} | {_cell(evidence)} |")
    return lines


def _track_record(analysis: CompetitiveAnalysis) -> list[str]:
    tr = analysis.profile.track_record
    history = (f"{tr.git_commits} commits from {tr.git_first} to {tr.git_last} ({tr.git_span_days} days)"
               if tr.git_commits else tr.git_note or "no history")
    return [
        f"- History: {history}.",
        f"- Production code: {tr.production_files} files, {tr.production_lines} lines; "
        f"tests: {tr.test_files} files, {tr.test_lines} lines, {tr.test_cases} test cases "
        f"(test/source line ratio {tr.test_ratio}); placeholder tests: {tr.placeholder_tests}.",
        "- Source: the tree and its git history only; the product's own documents are not evidence.",
    ]


def _matrix(analysis: CompetitiveAnalysis) -> list[str]:
    header = "| Product | Category | " + " | ".join(DIM_TITLES[d] for d in MATRIX_DIMENSIONS) + " | Overall |"
    lines = [header, "|" + "---|" * (len(MATRIX_DIMENSIONS) + 3)]
    for title, sections in analysis.by_category():
        for section in sections:
            cmp = section.comparison
            cells = []
            for dim in MATRIX_DIMENSIONS:
                d = cmp.dimension(dim)
                score = (f" ({d.dw_score:.2f} vs {d.product_score:.2f}, n={d.basis})"
                         if d.product_score is not None else "")
                cells.append(MARK[d.verdict] + score)
            lines.append(f"| [{_cell(cmp.name)}](#{_anchor(cmp.name)}) | {_cell(title)} | "
                         + " | ".join(cells) + f" | {MARK[cmp.position]} |")
    return lines


def _section(section: ProductSection) -> list[str]:
    cmp = section.comparison
    out = [f"### {cmp.name}", ""]
    for para in section.paragraphs:
        out += [para, ""]
    dims = "; ".join(f"{DIM_TITLES[d.dimension]}: {d.verdict}" + (f" ({d.note})" if d.note else "")
                     for d in cmp.dimensions)
    out += [f"*Matrix:* {dims}.", ""]
    if section.sources:
        out.append("Sources:")
        for i, (statement, source, as_of) in enumerate(section.sources, 1):
            out.append(f"{i}. {statement} — {source} (as of {as_of})")
        out.append("")
    return out


def render_section(section: ProductSection) -> str:
    """One product's comparison (heading, paragraphs, matrix line, numbered sources)."""
    return "\n".join(_section(section))


def render_markdown(analysis: CompetitiveAnalysis) -> str:
    """The full competitive-analysis.md."""
    dw = analysis.product
    pos = analysis.positions()
    out = [
        f"# Competitive analysis: {dw} against {analysis.kb_products} products",
        "",
        f"Knowledge base: {analysis.kb_products} entries, {analysis.kb_facts} sourced facts, checked as of "
        f"{analysis.kb_as_of}. {dw}'s side comes only from its code, the audit's findings and its history; "
        "a competitor claim comes only from a cited public source, and anything unsourced is left out as unknown.",
        "",
        "## Scoring rules",
        "",
    ]
    out += [f"- {RULES[key]}" for key in ("capability", "security", "feature_breadth", "ecosystem_maturity",
                                          "production_track_record")]
    out += ["- Overall position per product: more dimensions where it falls short than leads -> falls short; "
            "more leads -> leads; otherwise comparable.", ""]
    out += [f"## {dw}: capability profile from evidence", "",
            "Present = implemented in production code, used from outside itself, no stub/bypass/unwired "
            "finding inside it; partial = declared but abstract-only, unwired, stubbed or bypassed; absent = "
            "no production declaration matches the capability's name patterns.", ""]
    out += _profile_table(analysis) + [""]
    out += ["### Track record (from the tree)", ""] + _track_record(analysis) + [""]
    out += ["## Summary matrix", "", f"Cells read *{dw} vs product*; scores are means over the sourced "
            "capabilities (n).", ""] + _matrix(analysis) + [""]
    out += [f"## Where {dw} stands", ""]
    for label in ("leads", "comparable", "falls short", "not comparable"):
        names = pos[label]
        out.append(f"- **{label.capitalize()}** ({len(names)}): {', '.join(names) if names else 'none'}.")
    out.append("")
    for title, sections in analysis.by_category():
        out += [f"## {title}", ""]
        falls = sum(s.comparison.position == "falls short" for s in sections)
        out += [f"{len(sections)} product(s) in this category; {dw} falls short of {falls}.", ""]
        for section in sections:
            out += _section(section)
    out += ["## Recommendations for the next major version", ""]
    if not analysis.recommendations:
        out.append("No capability gap with sourced competitor evidence was found.")
    for rec in analysis.recommendations:
        out.append(f"{rec.priority}. **{rec.title}** — {rec.rationale}")
    out.append("")
    return "\n".join(out)


def summary_markdown(analysis: CompetitiveAnalysis, *, top: int = 5) -> str:
    """A short section for CERTIFICATION.md pointing at competitive-analysis.md."""
    dw = analysis.product
    pos = analysis.positions()
    counts = ", ".join(f"{label} {len(pos[label])}" for label in ("leads", "comparable", "falls short",
                                                                  "not comparable"))
    profile = analysis.profile.capabilities
    present = sum(p.status == "present" for p in profile.values())
    partial = sum(p.status == "partial" for p in profile.values())
    out = [
        "## Competitive position",
        "",
        f"Against {analysis.kb_products} products (sourced KB as of {analysis.kb_as_of}): {counts}. "
        f"{dw} implements and wires {present} of {len(profile)} tracked capabilities; {partial} are partial.",
        "",
        "Top priorities:",
    ]
    for rec in analysis.recommendations[:top]:
        out.append(f"{rec.priority}. {rec.title} — {rec.rationale}")
    out += ["", "Full comparison, per-product sources and scoring rules: competitive-analysis.md.", ""]
    return "\n".join(out)
