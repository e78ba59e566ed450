"""Offline prose for one product comparison: our own words for that product, and the audited
product's side from the audit's evidence.

Paragraph 1 is the product (architecture, scale envelope, consistency and durability), paragraph 2
its security, operations, licence and recent events, both written per product in the KB and cited
`[n]` to that product's facts. Paragraph 3 compares the audited product on the capabilities this
product is bought for, with code locations and blocking findings, says when the audited product
ships an integration with it (a dependency or partner, not only a rival), states where the product
really wins, and ends with the one gap to close. Every generated sentence names the product, so no
sentence repeats across sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dwagent.competitors.compare import ProductComparison
from dwagent.competitors.loader import CapabilityDef
from dwagent.competitors.profile import CapabilityProfile, ProductProfile
from dwagent.competitors.schema import Fact, Product

STATUS_WORDS = {"present": "present (wired, tested, no blocking finding)", "partial": "only partial", "absent": "absent"}


@dataclass
class Citer:
    """Numbers sources in order of first use, so every [n] in a section resolves to one source."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (statement, source, as_of)

    def fact(self, fact: Fact) -> str:
        # a fact nobody has re-read its source for says so wherever it is cited
        when = fact.as_of.isoformat() + ("" if fact.checked is not None else "; not re-checked against the source")
        key = (fact.statement, fact.source, when)
        if key not in self.entries:
            self.entries.append(key)
        return f"[{self.entries.index(key) + 1}]"

    def topic(self, product: Product, topic: str) -> str:
        """Citations for every fact of one topic ("" when the topic has none)."""
        return "".join(self.fact(f) for f in product.facts_on(topic))


def _with(text: str, cites: str) -> str:
    """A written field with its citations before the final full stop."""
    text = text.strip()
    if not cites:
        return text
    end = text[-1] if text[-1] in ".!?" else ""
    return f"{text[:-1] if end else text} {cites}{end or '.'}"


def _code_ref(cap: CapabilityProfile, profile: ProductProfile) -> str:
    """Where the audited product's status on a capability comes from, with its worst finding."""
    parts = []
    if cap.symbols:
        sym = cap.symbols[0]
        parts.append(f"{sym.qualname.rsplit('.', 1)[-1]} at `{sym.file}:{sym.line}`")
    fid = cap.blocking[0] if cap.blocking else (cap.finding_ids[0] if cap.finding_ids else "")
    if fid and fid in profile.findings:
        ref = profile.findings[fid]
        kind = "blocking finding" if cap.blocking else "finding"
        more = f" (1 of {len(cap.blocking)} blocking)" if len(cap.blocking) > 1 else ""
        parts.append(f"{kind} {fid}{more}, {ref.category}, at `{ref.file}:{ref.line}`")
    if cap.status != "absent" and not cap.tested:
        parts.append("no test references it")
    return "; ".join(parts)


def _capability_sentence(product: Product, cap: str, profile: ProductProfile, taxonomy: dict[str, CapabilityDef], citer: Citer, dw: str) -> str:
    spec = taxonomy[cap]
    ours = profile.capabilities.get(cap)
    theirs = product.capability(cap)
    their_part = f"{product.name}'s {spec.inline}"
    if theirs is not None:
        note = f" ({theirs.note})" if theirs.note else ""
        their_part = f"{product.name}'s {spec.inline}{note}, {theirs.status} {citer.fact(product.fact(theirs.fact))},"
    if ours is None:
        return f"Against {their_part} {dw} has no evidence either way."
    where = _code_ref(ours, profile) or ours.reason
    return f"Against {their_part} {dw}'s own is {STATUS_WORDS[ours.status]}: {where}."


def _integration_sentence(product: Product, profile: ProductProfile, dw: str) -> str:
    found = profile.integrations.get(product.slug, ())
    if not found:
        return ""
    first = found[0]
    return (
        f"{dw} ships {len(found)} type(s) that integrate with {product.name} or its core technology, e.g. "
        f"{first.qualname.rsplit('.', 1)[-1]} at `{first.file}:{first.line}`, so {product.name} is a "
        f"dependency or partner of {dw} as much as a rival."
    )


def _verdict_sentence(product: Product, cmp: ProductComparison, profile: ProductProfile, dw: str, taxonomy: dict[str, CapabilityDef]) -> str:
    """The certification's verdict, tied to the capabilities this product is compared on."""
    cert = profile.certification
    caps = [c for c in product.compare_on[:2] if c in profile.capabilities]
    behind = [d.dimension.replace("_", " ") for d in cmp.dimensions if d.verdict == "behind"]
    parts = []
    if cert.known and caps:
        blocked = sorted({fid for c in caps for fid in profile.capabilities[c].blocking})
        names = " and ".join(taxonomy[c].inline for c in caps)
        if blocked:
            parts.append(
                f"{len(blocked)} of the {cert.blocking} blocking items behind {dw}'s {cert.verdict} "
                f"verdict sit in the {names} code compared with {product.name}"
            )
        else:
            parts.append(
                f"none of the {cert.blocking} blocking items behind {dw}'s {cert.verdict} verdict sits in "
                f"the {names} code compared with {product.name}, so the gap there is wiring and tests"
            )
    if behind:
        parts.append(f"on the matrix {dw} trails {product.name} on {len(behind)} of {len(cmp.dimensions)} dimensions ({', '.join(behind)})")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def paragraphs(
    product: Product, cmp: ProductComparison, profile: ProductProfile, taxonomy: dict[str, CapabilityDef]
) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    """The three paragraphs for one product and the numbered sources they cite."""
    dw, citer = profile.name, Citer()
    w = {k: v.replace("{dw}", dw) for k, v in product.written.model_dump().items()}
    first = " ".join(_with(w[t], citer.topic(product, t)) for t in ("architecture", "scale", "consistency"))
    second = " ".join(_with(w[t], citer.topic(product, t)) for t in ("security", "operations", "licence", "events"))
    third = [_capability_sentence(product, cap, profile, taxonomy, citer, dw) for cap in product.compare_on[:2]]
    # where the product really wins is backed by the facts behind its strongest ratings
    strongest = sorted(product.ratings.items(), key=lambda kv: (-kv[1].score, kv[0]))[:2]
    beats = _with(w["beats_dw"], "".join(dict.fromkeys(citer.fact(product.fact(r.fact)) for _, r in strongest)))
    third += [_integration_sentence(product, profile, dw), beats, _verdict_sentence(product, cmp, profile, dw, taxonomy)]
    gap = w["gap"].strip()
    if product.gap_capability and product.gap_capability in profile.capabilities:
        ours = profile.capabilities[product.gap_capability]
        gap = _with(gap, f"({dw} today: {taxonomy[product.gap_capability].inline} {ours.status})")
    third.append(f"The one gap to close against {product.name}: {gap}")
    return (first, second, " ".join(s for s in third if s)), tuple(citer.entries)


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
        items.append(
            Evidence(id=fid, file=found.file, start_line=found.line, end_line=found.line, note=f"audit finding ({found.category}, {found.severity})")
        )
        render[fid] = f"(finding {fid} at `{found.file}:{found.line}`)"
    return items, render


def llm_prompt_inputs(section, profile):
    """(facts, evidence items, id -> rendered citation) the model gets for one product section."""
    cmp = section.comparison
    items, render = _llm_items(section, profile.findings)
    facts = {
        "audited_product": profile.name,
        "product": cmp.name,
        "category": cmp.category,
        "position": cmp.position,
        "dimensions": {d.dimension: d.verdict for d in cmp.dimensions},
        "audited_product_ahead_on": list(cmp.dw_better),
        "product_ahead_on": list(cmp.product_better),
        "evaluation_losing_gaps": list(cmp.product_better),
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
    head = [
        "## LLM-written comparisons (checked)",
        "",
        "Written by the configured model from the same facts as the sections above; every sentence cites a "
        "numbered source of that product's section, a code location or a finding, and sentences that did not "
        "are dropped (counted in run.json). The sections above remain the reference.",
        "",
    ]
    return "\n".join(head + out)
