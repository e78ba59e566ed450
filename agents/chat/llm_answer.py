"""Generative answers through the LLM gateway, kept only where their citations check out.

The model sees the finding, the conversation and the code spans the offline answerer gathered
for the question's intent (all as delimited untrusted blocks). Each sentence it returns must
cite file:line with a verbatim quote; `verify_citations` re-reads every quote from disk (and
rejects comment-only or instruction-like spans). A sentence with any failing citation is removed
before display, and the answer says how many were removed. When the gateway declines (no
provider, budget, outage) the offline answer is shown, marked as such.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from dwagent.agents.chat.evidence import Answer, Citation
from dwagent.agents.llm.citations import verify_citations
from dwagent.agents.llm.schemas import Citation as QuotedSpan
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Finding

AGENT = "chat"
PROMPT = "chat"
MAX_HISTORY_TURNS = 6
MAX_BLOCKS = 12


class ChatSentence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="one sentence of the answer")
    citations: list[QuotedSpan] = Field(description="at least one verbatim citation supporting the sentence")


class ChatReply(BaseModel):
    """The model's answer, sentence by sentence, each with its citations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sentences: list[ChatSentence]


def _blocks(offline: Answer) -> list[CodeBlock]:
    blocks, seen = [], set()
    for n, c in enumerate(offline.citations):
        key = (c.file, c.start_line, c.end_line)
        if c.verified and key not in seen:
            seen.add(key)
            blocks.append(CodeBlock(f"C{n + 1}", c.file, c.start_line, c.excerpt))
    return blocks[:MAX_BLOCKS]


def answer_with_llm(gateway, root, finding: Finding, question: str, history: list[dict], offline: Answer) -> Answer:
    """An LLM answer with only verified sentences, or the offline answer when the gateway declines."""
    finding_data = finding.model_dump(mode="json", include={"id", "rule", "category", "severity", "confidence",
                                                            "file", "start_line", "end_line", "message",
                                                            "reachability", "scope", "review"})
    inputs = {
        "finding": finding_data,
        "history": [{"question": t["question"], "answer": t["answer"][:1500]} for t in history[-MAX_HISTORY_TURNS:]],
        "evidence": {"intent": offline.intent, "sections": [{"heading": h, "body": b} for h, b in offline.sections],
                     "not_answered": list(offline.not_answered)},
        "code": _blocks(offline) or [],
        "question": question,
    }
    reply = gateway.complete_structured(AGENT, PROMPT, inputs, ChatReply)
    if reply is None:
        note = ("LLM answer not available (see the usage ledger for why); showing the offline answer",)
        return Answer(offline.intent, offline.sections, offline.citations, offline.not_answered + note, "offline-fallback")
    kept: list[str] = []
    cites: dict[tuple, Citation] = {}
    removed = 0
    for sentence in reply.sentences:
        check = verify_citations(root, sentence.citations)
        if not sentence.citations or not check.all_ok:
            removed += 1
            continue
        marks = []
        for ev in check.verified:
            key = (ev.file, ev.start_line, ev.end_line)
            cites.setdefault(key, Citation(ev.file, ev.start_line, ev.end_line, ev.excerpt, True, "cited by the model"))
            marks.append(cites[key].location)
        kept.append(f"{sentence.text.strip()} [{', '.join(marks)}]")
    gaps = list(offline.not_answered)
    if removed:
        gaps.append(f"{removed} sentence(s) of the model's answer were removed: their citations did not verify against the files")
    if not kept:
        gaps.append("the model gave no sentence with a verifiable citation")
    body = "\n".join(f"- {s}" for s in kept) or "(nothing verifiable)"
    return Answer(offline.intent, (("Answer (LLM, citations verified)", body),),
                  tuple(cites[k] for k in sorted(cites)), tuple(gaps), "llm", removed)
