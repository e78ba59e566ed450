"""Offline answers: structured and extractive, chosen by the question's intent.

Nothing here invents a claim. Each section quotes the report (the finding, its hostile-review
record) or spans re-read from the audited tree, and whatever cannot be established is listed
under "Not answered" instead of being guessed. The text inside cited code is hostile data: it is
quoted, never interpreted as an instruction.
"""

from __future__ import annotations

from dwagent.agents.chat.evidence import Answer, Citation, cite_quote
from dwagent.agents.chat.intents import Intent, classify
from dwagent.agents.chat.remediation import advice_for, rule_doc
from dwagent.agents.chat.tools import ChatTools, Declaration
from dwagent.models import Finding

MAX_SIMILAR = 8
# Gap lines that describe what *offline* mode cannot do. An LLM answer built on top of the
# offline one says the same gap in its own terms (agents/chat/llm_answer.py), never "offline
# mode does not ..." next to a model's text.
PATCH_GAP = "a concrete patch: offline mode does not write code (use --llm for a proposed, cited patch)"
DOMINANCE_GAP = "whether any listed check dominates every path to the finding is NOT VERIFIED offline"
LLM_MODE_GAPS = {
    PATCH_GAP: "a concrete patch: not verified (a patch in the model's answer is a proposal; only its cited lines were checked)",
    DOMINANCE_GAP: "whether any listed check dominates every path to the finding is NOT VERIFIED (the model's answer does not prove it)",
}


def finding_summary(f: Finding) -> str:
    cwe = ", ".join(f"CWE-{c}" for c in f.cwe)
    lines = [
        f"{f.id}  {f.rule}  {f.category}  severity={f.severity}  confidence={f.confidence}  scope={f.scope}",
        f"{f.file}:{f.start_line}-{f.end_line}",
        f"message: {f.message}",
    ]
    if cwe:
        lines.append(f"weaknesses: {cwe}")
    lines.append(f"reachability (as judged by the audit): {f.reachability}")
    if f.suppression:
        lines.append(f"suppressed ({f.suppression.kind}): {f.suppression.justification}")
    return "\n".join(lines)


def review_text(f: Finding, challenge: str | None = None) -> str:
    records = [r for r in f.review if challenge is None or r.challenge == challenge]
    if not records:
        return ""
    return "\n".join(f"- {r.challenge}: {r.outcome}{' - ' + r.detail if r.detail else ''}" for r in records)


def finding_citation(tools: ChatTools, f: Finding) -> Citation:
    return cite_quote(tools.root, f.file, f.start_line, f.end_line, f.excerpt, "the finding's excerpt")


def _decl_text(decl: Declaration | None) -> str:
    if decl is None:
        return "enclosing declaration: unknown (no index available for this tree)"
    return f"enclosing {decl.kind}: {decl.qualname} ({decl.file}:{decl.start_line}-{decl.end_line})"


class OfflineAnswerer:
    """Builds an Answer for (finding, question) from the report and the tree only."""

    def __init__(self, tools: ChatTools) -> None:
        self.tools = tools

    def answer(self, f: Finding, question: str, intent: Intent | None = None) -> Answer:
        intent = intent or classify(question)
        handler = getattr(self, f"_{intent}")
        return handler(f, question)

    # Each handler returns an Answer; shared pieces are small helpers above.
    def _why(self, f: Finding, question: str) -> Answer:
        sections = [("Finding", finding_summary(f))]
        review = review_text(f)
        sections.append(("Hostile review", review or "no review record for this finding"))
        gaps = () if review else ("the report carries no hostile-review record for this finding",)
        return Answer("why", tuple(sections), (finding_citation(self.tools, f),), gaps)

    def _evidence(self, f: Finding, question: str) -> Answer:
        cites = [finding_citation(self.tools, f)]
        cites += [cite_quote(self.tools.root, e.file, e.start_line, e.end_line, e.excerpt, f"guard {e.id}") for e in f.guards if e.file]
        cites += [cite_quote(self.tools.root, e.file, e.start_line, e.end_line, e.excerpt, f"related {e.id}") for e in f.related if e.file]
        return Answer("evidence", (("Finding", finding_summary(f)),), tuple(cites))

    def _callers(self, f: Finding, question: str) -> Answer:
        decl = self.tools.enclosing(f.file, f.start_line)
        sections = [("Where", _decl_text(decl))]
        gaps: list[str] = []
        cites: list[Citation] = []
        if decl is None:
            gaps.append("callers: the enclosing declaration is unknown, so its callers cannot be looked up")
            return Answer("callers", tuple(sections), (finding_citation(self.tools, f),), tuple(gaps))
        sites, how = self.tools.callers(decl)
        if how == "name-match":
            sections.append(
                (
                    "Callers",
                    f"{len(sites)} call site(s) of `{decl.name}` matched by name "
                    "(not type-resolved: overloads or same-named members elsewhere may be included)",
                )
            )
            gaps.append("type-resolved callers: the code graph is not available, so calls are matched by name only")
        elif how == "graph":
            sections.append(("Callers", f"{len(sites)} call site(s) from the code graph"))
        else:
            sections.append(("Callers", how))
        for s in sites:
            c = self.tools.open_span(s.file, s.line, s.line, f"{s.source} in {s.scope or 'unknown scope'}")
            if c is not None:
                cites.append(c)
        topics = self.tools.topic_sides(decl)
        if topics is None:
            gaps.append("topic publishers/subscribers: the code graph is not available")
        else:
            for side, side_sites in sorted(topics.items()):
                sections.append((f"Topic {side}", "\n".join(f"- {s.file}:{s.line} ({s.scope})" for s in side_sites) or "none"))
        if not sites:
            gaps.append("no caller found; it may still be invoked by reflection, dependency injection or a framework")
        return Answer("callers", tuple(sections), tuple(cites), tuple(gaps))

    def _reachability(self, f: Finding, question: str) -> Answer:
        base = self._callers(f, question)
        verdict = f"the audit judged this finding: {f.reachability}; scope: {f.scope}"
        review = review_text(f, "reachability")
        sections = [("Reachability", verdict + (f"\nreview record:\n{review}" if review else ""))]
        gaps = list(base.not_answered)
        decl = self.tools.enclosing(f.file, f.start_line)
        live = self.tools.graph.type_liveness(decl.qualname) if (decl and self.tools.graph) else None
        if live is not None:
            type_name, reason = live
            sections.append(
                (
                    "Wiring (code graph)",
                    f"type {type_name} is wired: {reason}"
                    if reason
                    else f"type {type_name} is not reachable from any entry point, public API or registration the graph knows",
                )
            )
        else:
            gaps.append("type wiring: the code graph is not available")
        if f.reachability == "unknown":
            gaps.append("reachability of this line from an entry point is NOT VERIFIED for this finding")
        if f.scope != "production":
            sections.append(("Scope", f"the finding is in {f.scope} code, which does not ship in production"))
        return Answer("reachability", tuple(sections) + base.sections, (finding_citation(self.tools, f),) + base.citations, tuple(gaps))

    def _guard(self, f: Finding, question: str) -> Answer:
        sections: list[tuple[str, str]] = []
        cites: list[Citation] = [finding_citation(self.tools, f)]
        gaps: list[str] = []
        if f.guards:
            sections.append(("Guards recorded by the audit", f"{len(f.guards)} guard(s); each is re-checked against the file below"))
            cites += [cite_quote(self.tools.root, e.file, e.start_line, e.end_line, e.excerpt, f"guard: {e.note}") for e in f.guards if e.file]
        else:
            sections.append(("Guards recorded by the audit", "none"))
        review = review_text(f, "guard")
        if review:
            sections.append(("Hostile review of guards", review))
        decl = self.tools.enclosing(f.file, f.start_line)
        if decl is None:
            gaps.append("checks at call sites: the enclosing declaration is unknown (no index)")
        else:
            sites, how = self.tools.callers(decl)
            nearby = [c for s in sites for c in self.tools.guard_lines(s)]
            sections.append(
                (
                    "Check-like lines before call sites",
                    f"{len(nearby)} line(s) before {len(sites)} call site(s) ({how}); "
                    "a listed line is a candidate, not proof that it guards this path",
                )
            )
            cites += nearby
        gaps.append(DOMINANCE_GAP)
        return Answer("guard", tuple(sections), tuple(cites), tuple(gaps))

    def _similar(self, f: Finding, question: str) -> Answer:
        sections: list[tuple[str, str]] = []
        cites: list[Citation] = []
        gaps: list[str] = []
        hits = self.tools.similar(f.file, f.start_line, f.end_line, k=MAX_SIMILAR)
        if self.tools.retriever is None:
            gaps.append("similar code: no index/retriever available for this tree")
        else:
            mode = self.tools.retriever.effective_mode("hybrid")
            sections.append(("Similar code", f"{len(hits)} similar span(s) ({mode} retrieval)"))
            for h in hits:
                c = self.tools.open_span(h.file, h.start_line, min(h.end_line, h.start_line + 7), h.symbol or "")
                if c is not None:
                    cites.append(c)
        return Answer("similar", tuple(sections), tuple(cites), tuple(gaps))

    def _fix(self, f: Finding, question: str) -> Answer:
        sections = [("What a fix must achieve", advice_for(f.category) or "no guidance recorded for this category")]
        doc = rule_doc(f.rule)
        if doc:
            sections.append((f"Rule {f.rule}", doc))
        gaps = (PATCH_GAP,)
        return Answer("fix", tuple(sections), (finding_citation(self.tools, f),), gaps)

    def _unknown(self, f: Finding, question: str) -> Answer:
        sections = [
            (
                "Question not recognised",
                "offline answers cover: why (the finding and its review), evidence, "
                "callers / who calls, reachability, guards / checks elsewhere, similar code / where else, fix",
            )
        ]
        cites: list[Citation] = []
        hits = self.tools.search(question, k=5)
        if hits:
            sections.append(("Search matches for the question's words", "listed for orientation, not as an answer"))
            for h in hits:
                c = self.tools.open_span(h.file, h.start_line, min(h.end_line, h.start_line + 5), h.symbol)
                if c is not None:
                    cites.append(c)
        return Answer("unknown", tuple(sections), tuple(cites), ("this question's intent could not be determined offline",))
