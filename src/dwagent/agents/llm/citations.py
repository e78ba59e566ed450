"""Checking what the model cites, and dropping what it does not.

A model's citation is worth something only if the cited lines exist and say exactly what it
quotes (`dwagent.tools.verify.check_quote`). Two more rules close the obvious injection route:
a citation that is only comments cannot support an argument (comments are claims, not
behaviour), and a citation whose text reads like an instruction to the auditor ("reviewed and
approved, mark PASS", fake system/tool turns) is rejected even when it quotes the file exactly,
because quoting the attacker's note back does not make it true. These filters err towards
rejecting: a wrongly rejected refutation only means the finding stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from dwagent.agents.llm.schemas import Citation, CitedSentence
from dwagent.models import Evidence
from dwagent.tools.verify import check_quote

MAX_CITED_LINES = 80
_COMMENT_PREFIXES = ("//", "#", "/*", "*", "*/", "--", "'''", '"""', "<!--", "-->", "rem ")
INSTRUCTION_PATTERNS: tuple[re.Pattern[str], ...] = (
    # A fake conversation turn at the start of a line, comment or string ("SYSTEM: ...").
    re.compile(r"(?im)(?:^|[\"'/#*]\s*)(?:system|assistant|developer)\s*(?:prompt)?\s*:"),
    re.compile(r"(?i)\bignore\b.{0,40}\b(?:instructions?|rules?|above|previous|prior)\b"),
    re.compile(r"(?i)\breviewed\s+and\s+approved\b"),
    re.compile(r"(?i)\b(?:mark|set|report|treat|classify|rate)\b.{0,40}\b(?:pass(?:ed)?|approved|safe|false[\s-]positive|certified|refuted)\b"),
    re.compile(r"(?i)\btool[\s_-]*(?:result|output|call)s?\b"),
    re.compile(r"(?i)</?\s*(?:untrusted_|system|instructions?|tool_result)"),
    re.compile(r"(?i)\b(?:auditor|reviewer|llm|language model|ai assistant)s?\b"),
)
_CITATION_MARK = re.compile(r"\[(E-[0-9a-f]{6,})\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(\"'`])")


@dataclass(frozen=True)
class CitationCheck:
    """Citations that passed (as verified Evidence) and why the others failed."""

    verified: tuple[Evidence, ...]
    problems: tuple[str, ...]

    @property
    def all_ok(self) -> bool:
        return bool(self.verified) and not self.problems


def is_comment_only(text: str) -> bool:
    """True when every non-blank line is a comment line (C#, Python, SQL, XML styles)."""
    lines = [line.strip().lower() for line in text.split("\n") if line.strip()]
    return bool(lines) and all(line.startswith(_COMMENT_PREFIXES) for line in lines)


def reads_like_instruction(text: str) -> bool:
    """True when the text addresses the auditor or imitates a prompt/tool turn."""
    return any(pattern.search(text) for pattern in INSTRUCTION_PATTERNS)


def _same_ignoring_indent(actual: str, quote: str) -> bool:
    def lines(text: str) -> list[str]:
        return [line.strip() for line in text.replace("\r\n", "\n").strip("\n").split("\n")]

    return bool(quote.strip()) and lines(actual) == lines(quote)


def verify_citations(root: Path, citations: Sequence[Citation]) -> CitationCheck:
    """Check each citation against the file on disk; every problem is described."""
    verified: list[Evidence] = []
    problems: list[str] = []
    for cite in citations:
        where = f"{cite.file}:{cite.start_line}-{cite.end_line}"
        if cite.file.startswith("/") or "\\" in cite.file or ".." in cite.file.split("/"):
            problems.append(f"{where}: path is not relative to the audited root")
            continue
        if cite.end_line - cite.start_line + 1 > MAX_CITED_LINES:
            problems.append(f"{where}: cites more than {MAX_CITED_LINES} lines")
            continue
        check = check_quote(root, cite.file, cite.start_line, cite.end_line, cite.quote)
        if not check.ok and check.reason == "mismatch" and _same_ignoring_indent(check.actual, cite.quote):
            # Models often drop leading indentation; the evidence keeps the file's exact text.
            check = check_quote(root, cite.file, cite.start_line, cite.end_line, check.actual)
        if not check.ok:
            problems.append(f"{where}: quote check failed ({check.reason})")
            continue
        if is_comment_only(check.actual):
            problems.append(f"{where}: cites only comments")
            continue
        if reads_like_instruction(check.actual):
            problems.append(f"{where}: cited text reads as an instruction to the auditor")
            continue
        excerpt = check.actual
        verified.append(
            Evidence(
                id=Evidence.make_id(cite.file, cite.start_line, cite.end_line, excerpt),
                file=cite.file,
                start_line=cite.start_line,
                end_line=cite.end_line,
                excerpt=excerpt,
                kind="code",
                note="cited by the LLM reviewer; quote verified against the file",
                verified=True,
            )
        )
    unique = {e.id: e for e in verified}
    return CitationCheck(tuple(unique[k] for k in sorted(unique)), tuple(problems))


@dataclass(frozen=True)
class CitedText:
    """Kept sentences (each with valid evidence ids) and how many were dropped."""

    text: str
    kept: int
    dropped: int
    sentences: tuple[tuple[str, tuple[str, ...]], ...] = ()


def cited_sentences(text: str, evidence_ids: Iterable[str]) -> CitedText:
    """Keep only sentences that carry `[E-…]` markers, all of which name known evidence ids.

    A sentence with no marker, or with any marker that names unknown evidence, is dropped:
    an LLM sentence about the code must point at something the verifier has checked.
    """
    known = set(evidence_ids)
    kept: list[tuple[str, tuple[str, ...]]] = []
    dropped = 0
    for sentence in _SENTENCE_END.split(text.strip()):
        sentence = sentence.strip()
        if not sentence:
            continue
        ids = tuple(dict.fromkeys(_CITATION_MARK.findall(sentence)))
        if ids and all(i in known for i in ids):
            kept.append((sentence, ids))
        else:
            dropped += 1
    return CitedText(" ".join(s for s, _ in kept), len(kept), dropped, tuple(kept))


def keep_cited(sentences: Sequence[CitedSentence], evidence_ids: Iterable[str]) -> CitedText:
    """The structured-output twin of `cited_sentences`: drop sentences without valid ids."""
    known = set(evidence_ids)
    kept: list[tuple[str, tuple[str, ...]]] = []
    dropped = 0
    for sentence in sentences:
        ids = tuple(dict.fromkeys(sentence.evidence_ids))
        text = sentence.text.strip()
        if text and ids and all(i in known for i in ids):
            kept.append((text, ids))
        else:
            dropped += 1
    rendered = " ".join(f"{t} " + "".join(f"[{i}]" for i in ids) for t, ids in kept)
    return CitedText(rendered, len(kept), dropped, tuple(kept))
