"""Generative answers through the LLM gateway, kept only where their citations check out.

The offline answerer first gathers, for the question's intent, spans re-read from the audited
tree; each becomes an evidence item with an id (`E-...`) and is shown to the model as a
delimited untrusted code block (prompt `prompts/chat.md`). The model answers sentence by
sentence with the ids it rests on. Before display every sentence is checked: all its ids must be
evidence we offered, each cited span is re-read from disk and must still match, and at least one
cited span must be code rather than a comment or text that addresses the auditor (quoting an
attacker's note back does not make it true). A failing sentence is removed and the answer says
how many were. When the gateway declines (no provider, budget, outage) the offline answer is
shown, marked as such.

Never worse than offline: the verified offline sections (where, callers, reachability, cited
code) are always kept, below the model's verified sentences; when no sentence survives the
answer says so and is the offline answer plus that note. Gap lines are rewritten for the mode
(offline.LLM_MODE_GAPS), so an LLM answer never says what "offline mode" cannot do.
"""

from __future__ import annotations

from pathlib import Path

from dwagent.agents.chat.evidence import Answer, Citation
from dwagent.agents.chat.offline import LLM_MODE_GAPS
from dwagent.agents.llm.citations import is_comment_only, reads_like_instruction
from dwagent.agents.llm.schemas import ProseReply
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Evidence, Finding
from dwagent.tools.verify import check_quote

AGENT = "chat"
PROMPT = "chat"
MAX_HISTORY_TURNS = 4
MAX_BLOCKS = 12


def _evidence(offline: Answer) -> dict[str, Citation]:
    items: dict[str, Citation] = {}
    for c in offline.citations:
        if c.verified and len(items) < MAX_BLOCKS:
            items.setdefault(Evidence.make_id(c.file, c.start_line, c.end_line, c.excerpt), c)
    return items


def _question_data(finding: Finding, question: str, history: list[dict], offline: Answer) -> dict:
    return {
        "question": question,
        "finding": finding.model_dump(
            mode="json",
            include={
                "id",
                "rule",
                "category",
                "severity",
                "confidence",
                "file",
                "start_line",
                "end_line",
                "message",
                "reachability",
                "scope",
                "review",
            },
        ),
        "earlier_turns": [{"question": t["question"], "intent": t["intent"]} for t in history[-MAX_HISTORY_TURNS:]],
        "offline_analysis": {
            "intent": offline.intent,
            "sections": [{"heading": h, "body": b} for h, b in offline.sections],
            "not_answered": list(offline.not_answered),
        },
    }


def _supports(root: Path, cite: Citation) -> bool:
    check = check_quote(root, cite.file, cite.start_line, cite.end_line, cite.excerpt)
    return check.ok and not is_comment_only(check.actual) and not reads_like_instruction(check.actual)


def answer_with_llm(gateway, root: Path, finding: Finding, question: str, history: list[dict], offline: Answer) -> Answer:
    """An LLM answer with only verified sentences, or the offline answer when the gateway declines."""
    evidence = _evidence(offline)
    blocks = [CodeBlock(eid, c.file, c.start_line, c.excerpt) for eid, c in sorted(evidence.items())]
    inputs = {"question": _question_data(finding, question, history, offline), "evidence": blocks}
    reply = gateway.complete_structured(AGENT, PROMPT, inputs, ProseReply)
    if reply is None:
        note = ("LLM answer not available (see the usage ledger for why); showing the offline answer",)
        return Answer(offline.intent, offline.sections, offline.citations, offline.not_answered + note, "offline-fallback")
    kept: list[str] = []
    used: dict[str, Citation] = {}
    removed = 0
    for sentence in reply.sentences:
        ids = list(dict.fromkeys(sentence.evidence_ids))
        text = sentence.text.strip()
        cited = [evidence[i] for i in ids if i in evidence]
        if not text or not ids or len(cited) != len(ids) or not any(_supports(root, c) for c in cited):
            removed += 1
            continue
        for i, c in zip(ids, cited):
            used[i] = c
        kept.append(f"{text} [{', '.join(c.location for c in cited)}]")
    gaps = [LLM_MODE_GAPS.get(gap, gap) for gap in offline.not_answered]
    if removed:
        gaps.append(f"{removed} sentence(s) of the model's answer were removed: no verifiable code citation")
    if not kept:
        gaps.append("the model gave no sentence with a verifiable citation: the verified offline analysis is shown instead")
        return Answer(offline.intent, offline.sections, offline.citations, tuple(gaps), "llm-no-verified-sentence", removed)
    body = "\n".join(f"- {s}" for s in kept)
    citations = tuple(used[i] for i in sorted(used))
    seen = {(c.file, c.start_line, c.end_line) for c in citations}
    citations += tuple(c for c in offline.citations if (c.file, c.start_line, c.end_line) not in seen)
    return Answer(offline.intent, (("Answer (LLM, citations verified)", body), *offline.sections), citations, tuple(gaps), "llm", removed)
