"""Offline prose for one product comparison, generated from facts and evidence.

Each paragraph picks a sentence plan from what the comparison found (who leads where, which gaps
exist, whether the KB is thin, whether open security findings undercut a claim), so two products
with different evidence read differently. Every claim carries a citation: `[n]` for a KB fact or a
sourced KB capability (listed under the product's sources), `file:line` for code evidence, and a
finding id with its location for audit findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dwagent.competitors.compare import ProductComparison
from dwagent.competitors.loader import CapabilityDef
from dwagent.competitors.profile import CapabilityProfile, ProductProfile
from dwagent.competitors.schema import Fact, Product

MAX_LISTED = 4


@dataclass
class Citer:
    """Numbers sources in order of first use, so every [n] in a section resolves to one source."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (statement, source, as_of)

    def cite(self, statement: str, source: str, as_of: str) -> str:
        key = (statement, source, as_of)
        if key not in self.entries:
            self.entries.append(key)
        return f"[{self.entries.index(key) + 1}]"

    def fact(self, fact: Fact) -> str:
        return self.cite(fact.statement, fact.source, fact.as_of.isoformat())

    def capability(self, product: Product, cap: str, title: str) -> str:
        status = product.capability(cap)
        note = f" ({status.note})" if status.note else ""
        as_of = status.as_of.isoformat() if status.as_of else ""
        return self.cite(f"{title}: {status.status}{note}", status.source, as_of)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _first_sentence(text: str) -> str:
    head = text.strip().split(". ")[0].rstrip(".")
    return head + "."


def _code_ref(cap: CapabilityProfile, profile: ProductProfile) -> str:
    """Where the audited product's status on a capability comes from, as a citation."""
    if cap.symbols:
        sym = cap.symbols[0]
        ref = f"`{sym.file}:{sym.line}`"
        if cap.finding_ids:
            fid = cap.finding_ids[0]
            found = profile.findings.get(fid)
            where = f" at `{found.file}:{found.line}`" if found else ""
            ref += f", finding {fid} ({found.category if found else 'finding'}){where}"
        return ref
    return "no matching production declaration"


def _facts(product: Product, dimension: str) -> list[Fact]:
    return [fact for dim, _, fact in product.all_facts() if dim == dimension]


def _titles(caps, taxonomy: dict[str, CapabilityDef]) -> list[str]:
    return [taxonomy[cap].inline for cap in caps]


def architecture_paragraph(product: Product, cmp: ProductComparison, profile: ProductProfile,
                           taxonomy: dict[str, CapabilityDef], citer: Citer) -> str:
    """What the product is and how the audited product's evidence stands beside it."""
    dw = profile.name
    parts = [f"**{product.name}** ({product.vendor}): {_first_sentence(product.summary)}"]
    arch = _facts(product, "architecture") or _facts(product, "feature_breadth")
    if arch:
        parts.append(f"From its sources: {arch[0].statement.rstrip('.')} {citer.fact(arch[0])}.")
    scale = _facts(product, "scalability")
    if scale:
        parts.append(f"On scale: {scale[0].statement.rstrip('.')} {citer.fact(scale[0])}.")
    present = [c for c in taxonomy if profile.status(c) == "present"]
    partial = [c for c in taxonomy if profile.status(c) == "partial"]
    total = len(taxonomy)
    if not present and not partial:
        parts.append(f"{dw}'s tree declares none of the {total} tracked capabilities, so every comparison "
                     f"below starts from zero on its side.")
    elif len(partial) > len(present):
        parts.append(f"{dw}, judged only by its code, wires {len(present)} of {total} tracked capabilities "
                     f"end to end and leaves {len(partial)} declared but unwired, abstract or stubbed: more of "
                     f"its surface is unfinished than finished.")
    elif partial:
        parts.append(f"{dw}, judged only by its code, wires {len(present)} of {total} tracked capabilities "
                     f"end to end; {len(partial)} more {'is' if len(partial) == 1 else 'are'} declared but unwired, "
                     "abstract or stubbed.")
    else:
        parts.append(f"{dw}, judged only by its code, wires {len(present)} of {total} tracked capabilities "
                     f"end to end and declares none of the rest.")
    return " ".join(parts)


def advantage_paragraph(product: Product, cmp: ProductComparison, profile: ProductProfile,
                        taxonomy: dict[str, CapabilityDef], citer: Citer) -> str:
    """Who does what better, on sourced statuses only."""
    dw, name = profile.name, product.name
    ours = [f"{t} (`{profile.capabilities[c].symbols[0].file}:{profile.capabilities[c].symbols[0].line}` "
            f"vs {citer.capability(product, c, taxonomy[c].title)})"
            for c, t in zip(cmp.dw_better[:MAX_LISTED], _titles(cmp.dw_better[:MAX_LISTED], taxonomy))
            if profile.capabilities[c].symbols]
    theirs = [f"{t} {citer.capability(product, c, taxonomy[c].title)}"
              for c, t in zip(cmp.product_better[:MAX_LISTED], _titles(cmp.product_better[:MAX_LISTED], taxonomy))]
    known = len(taxonomy) - len(cmp.unknown)
    verdicts = {v: [d.dimension.replace("_", " ") for d in cmp.dimensions if d.verdict == v]
                for v in ("leads", "comparable", "falls short")}
    parts: list[str] = []
    if known == 0:
        parts.append(f"The public sources recorded for {name} state none of the tracked capabilities, so no "
                     f"capability-level claim is made in either direction; the comparison rests on the facts "
                     f"cited above and on {dw}'s own evidence.")
    elif ours and theirs:
        parts.append(f"Where {dw} is ahead on sourced evidence: {_join(ours)}. "
                     f"Where {name} is ahead: {_join(theirs)}.")
    elif theirs:
        extra = len(cmp.product_better) - len(theirs)
        listed = theirs + ([f"{extra} more"] if extra > 0 else [])
        parts.append(f"On every capability where both sides have evidence, {name} is level with or ahead of "
                     f"{dw}, and ahead on {_join(listed)}. {dw} has no sourced capability advantage over it.")
    elif ours:
        parts.append(f"On the {known} capabilities the KB sources for {name}, {dw}'s code matches or exceeds it: "
                     f"{_join(ours)}. That is a code-level claim; it says nothing about maturity.")
    else:
        parts.append(f"On the {known} capabilities the KB sources for {name}, the two are level by the scoring "
                     f"rule; the difference lies in maturity and assurance rather than in features.")
    level = [c for c in taxonomy if profile.status(c) == "present"
             and product.capability(c).status == "present"][:MAX_LISTED]
    if level:
        cites = [f"{taxonomy[c].inline} ({citer.capability(product, c, taxonomy[c].title)} vs "
                 f"`{profile.capabilities[c].symbols[0].file}:{profile.capabilities[c].symbols[0].line}`)"
                 for c in level]
        parts.append(f"Both ship {_join(cites)}.")
    if cmp.unknown and known:
        parts.append(f"{len(cmp.unknown)} capabilities have no sourced status for {name} and are left out.")
    summary = [f"{label} on {_join(dims)}" for label, dims in
               (("leads", verdicts["leads"]), ("is comparable", verdicts["comparable"]),
                ("falls short", verdicts["falls short"])) if dims]
    if summary:
        parts.append(f"Across the matrix dimensions {dw} {'; '.join(summary)}.")
    return " ".join(parts)


def gap_paragraph(product: Product, cmp: ProductComparison, profile: ProductProfile,
                  taxonomy: dict[str, CapabilityDef], citer: Citer) -> str:
    """The gaps that would lose the audited product a customer evaluation against this product."""
    dw, name = profile.name, product.name
    parts: list[str] = []
    gaps = cmp.gaps[:MAX_LISTED]
    if gaps:
        items = [f"{taxonomy[c].title} ({name} {citer.capability(product, c, taxonomy[c].title)}; {dw}: "
                 f"{profile.status(c)}, {_code_ref(profile.capabilities[c], profile)})" for c in gaps]
        rest = _titles(cmp.gaps[MAX_LISTED:], taxonomy)
        more = f" Further weighted gaps: {_join(rest)}." if rest else ""
        parts.append(f"Evaluation-losing gaps against {name}: {'; '.join(items)}.{more}")
    security = [profile.findings[f] for f in profile.security_findings if f in profile.findings]
    blocking = [f for f in security if f.severity in ("critical", "high")]
    transit = product.capability("encryption-in-transit").status == "present"
    if blocking:
        first = blocking[0]
        tail = (f" against {name}, which documents encryption in transit "
                f"{citer.capability(product, 'encryption-in-transit', taxonomy['encryption-in-transit'].title)}"
                if transit else "")
        parts.append(f"{dw} carries {len(blocking)} open critical/high security finding(s), e.g. {first.id} "
                     f"({first.category}) at `{first.file}:{first.line}`; a security review would stop there{tail}.")
    record = _facts(product, "production_track_record")
    tr = profile.track_record
    history = (f"{tr.git_commits} commits over {tr.git_span_days} days" if tr.git_commits
               else "no version history")
    if record:
        parts.append(f"{name}'s production record ({record[0].statement.rstrip('.')} {citer.fact(record[0])}) has "
                     f"no counterpart in {dw}'s tree, which shows {history}, {tr.test_cases} test cases and "
                     f"{tr.placeholder_tests} placeholder tests.")
    assurance = [c for c in ("fips-140", "common-criteria", "do-178c", "compliance-certifications")
                 if product.capability(c).status == "present"]
    if assurance:
        cites = [f"{taxonomy[c].title} {citer.capability(product, c, taxonomy[c].title)}" for c in assurance]
        parts.append(f"Buyers who require {_join(cites)} cannot choose {dw}: third-party certification is "
                     f"evidence a source tree cannot supply.")
    if not parts:
        parts.append(f"No weighted capability gap against {name} is supported by sourced evidence; an "
                     f"evaluation would turn on maturity, support and operational history, none of which "
                     f"{dw}'s tree can demonstrate ({history}, {tr.test_cases} test cases).")
    return " ".join(parts)


def paragraphs(product: Product, cmp: ProductComparison, profile: ProductProfile,
               taxonomy: dict[str, CapabilityDef]) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    """The three paragraphs for one product and the numbered sources they cite."""
    citer = Citer()
    paras = (
        architecture_paragraph(product, cmp, profile, taxonomy, citer),
        advantage_paragraph(product, cmp, profile, taxonomy, citer),
        gap_paragraph(product, cmp, profile, taxonomy, citer),
    )
    return paras, tuple(citer.entries)


def check_citations(text: str, sources: int, code_refs: set[str], finding_ids: set[str]) -> list[str]:
    """Problems in a paragraph written by someone else (e.g. an LLM) from the same facts.

    Every `[n]` must name one of the section's `sources`; every `path:line` in backticks must be a
    location the evidence profile cites; every finding-like id (F-/E-/U- prefixes or DWA rule ids are
    not assumed: ids are matched against `finding_ids`) mentioned must exist. Returns [] when clean.
    """
    import re

    problems = []
    for n in re.findall(r"\[(\d+)\]", text):
        if not 1 <= int(n) <= sources:
            problems.append(f"citation [{n}] does not name a source (section has {sources})")
    for ref in re.findall(r"`([^`\s]+:\d+)`", text):
        if ref not in code_refs:
            problems.append(f"code location {ref} is not in the evidence")
    for token in re.findall(r"\bfinding ([A-Za-z0-9_.:-]+)", text):
        if token.rstrip(".,;") not in finding_ids:
            problems.append(f"finding {token} is not in the audit")
    if not re.search(r"\[\d+\]|`[^`]+:\d+`", text):
        problems.append("paragraph cites nothing")
    return problems


# -- LLM path ----------------------------------------------------------------------------------
# Optional and additive: the offline paragraphs above are always written; a model may add one
# paragraph per product, written from the same facts, every sentence of which must cite a
# numbered source, a code location or a finding the offline section already cites.

LLM_AGENT = "competitor_analyst"
DEFAULT_LLM_PRODUCT_CAP = 80


def _llm_items(section, findings: dict):
    """(evidence items for the prompt, id -> rendered citation) from one offline section."""
    import re

    from dwagent.models import Evidence

    items, render = [], {}
    for n, (statement, source, as_of) in enumerate(section.sources, 1):
        sid = f"S{n}"
        items.append(Evidence(id=sid, file="", kind="doc-claim", excerpt=statement[:400], note=f"{source} (as of {as_of})"[:300]))
        render[sid] = f"[{n}]"
    text = "\n".join(section.paragraphs)
    for n, ref in enumerate(sorted(set(re.findall(r"`([^`\s]+:\d+)`", text))), 1):
        lid = f"L{n}"
        path, line = ref.rsplit(":", 1)
        items.append(Evidence(id=lid, file=path, start_line=int(line), end_line=int(line), note="code location in the audit"))
        render[lid] = f"`{ref}`"
    for fid in sorted({t.rstrip(".,;") for t in re.findall(r"\bfinding ([A-Za-z0-9_.:-]+)", text)} & set(findings)):
        found = findings[fid]
        items.append(Evidence(id=fid, file=found.file, start_line=found.line, end_line=found.line,
                              note=f"audit finding ({found.category}, {found.severity})"))
        render[fid] = f"(finding {fid} at `{found.file}:{found.line}`)"
    return items, render


def llm_prompt_inputs(section, profile):
    """(facts, evidence items, id -> rendered citation) the model gets for one product section."""
    cmp = section.comparison
    items, render = _llm_items(section, profile.findings)
    facts = {
        "audited_product": profile.name, "product": cmp.name, "category": cmp.category, "position": cmp.position,
        "dimensions": {d.dimension: d.verdict for d in cmp.dimensions},
        "audited_product_ahead_on": list(cmp.dw_better), "product_ahead_on": list(cmp.product_better),
        "evaluation_losing_gaps": list(cmp.gaps),
    }  # the offline paragraphs are not sent: their sources and code locations are the items
    return facts, items, render


def llm_paragraph(gateway, section, profile) -> tuple[str, int] | None:
    """One model-written comparison paragraph for `section` (a ProductSection), or None.

    Each sentence the model returns must name ids of the facts given; it is rendered with the
    offline section's citation markers and re-checked with `check_citations`. Sentences that
    fail either check are dropped; returns (paragraph, sentences dropped)."""
    import re

    from dwagent.agents.llm.assist import write_prose

    finding_ids = set(profile.findings)
    facts, items, render = llm_prompt_inputs(section, profile)
    cited = write_prose(gateway, LLM_AGENT, "competitor_prose", facts, items)
    if cited is None:
        return None
    code_refs = {ref for v in render.values() for ref in re.findall(r"`([^`\s]+:\d+)`", v)}
    kept, dropped = [], 0
    for text, ids in cited.sentences:
        sentence = text.rstrip() + " " + " ".join(render[i] for i in ids)
        if check_citations(sentence, len(section.sources), code_refs, finding_ids):
            dropped += 1
        else:
            kept.append(sentence)
    if dropped:
        gateway.ledger.record_uncited(LLM_AGENT, dropped)
    return (" ".join(kept), dropped) if kept else None


def llm_comparisons_markdown(gateway, analysis, cap: int = DEFAULT_LLM_PRODUCT_CAP) -> str:
    """An extra section for competitive-analysis.md with the model's checked paragraphs, in
    the analysis's product order (at most `cap` products asked); "" without a gateway or when
    nothing survived the checks."""
    if gateway is None:
        return ""
    out = []
    for section in analysis.sections[:cap]:
        result = llm_paragraph(gateway, section, analysis.profile)
        if result is not None:
            out += [f"### {section.comparison.name}", "", result[0], ""]
    if not out:
        return ""
    head = ["## LLM-written comparisons (checked)", "",
            "Written by the configured model from the same facts as the sections above; every sentence cites a "
            "numbered source of that product's section, a code location or a finding, and sentences that did not "
            "are dropped (counted in run.json). The sections above remain the reference.", ""]
    return "\n".join(head + out)
