"""What chat answers are made of: citations re-read from disk, and the answer value itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwagent.tools.source_text import source_lines
from dwagent.tools.verify import check_quote, read_span


@dataclass(frozen=True)
class Citation:
    """A file span shown to the user. `verified`: the excerpt was re-read from disk just now."""

    file: str
    start_line: int
    end_line: int
    excerpt: str
    verified: bool
    note: str = ""

    @property
    def location(self) -> str:
        span = f"{self.start_line}" if self.start_line == self.end_line else f"{self.start_line}-{self.end_line}"
        return f"{self.file}:{span}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "excerpt": self.excerpt,
            "verified": self.verified,
            "note": self.note,
        }


@dataclass(frozen=True)
class Answer:
    """A reply: sections of text, the citations they rest on, and what could not be answered."""

    intent: str
    sections: tuple[tuple[str, str], ...]  # (heading, body)
    citations: tuple[Citation, ...] = ()
    not_answered: tuple[str, ...] = ()
    mode: str = "offline"
    removed_claims: int = 0

    def render(self) -> str:
        """Plain text for a terminal: sections, then cited spans, then the honest gaps."""
        out: list[str] = []
        for heading, body in self.sections:
            out.append(f"## {heading}")
            out.append(body.rstrip())
            out.append("")
        if self.citations:
            out.append("## Cited code")
            for c in self.citations:
                mark = "verified" if c.verified else "NOT VERIFIED"
                out.append(f"- {c.location} ({mark}){' - ' + c.note if c.note else ''}")
                for line in source_lines(c.excerpt)[:12]:
                    out.append(f"    | {line}")
            out.append("")
        if self.not_answered:
            out.append("## Not answered")
            out.extend(f"- {gap}" for gap in self.not_answered)
        return "\n".join(out).rstrip() + "\n"

    def to_dict(self) -> dict:
        return {
            "intent": self.intent,
            "mode": self.mode,
            "sections": [{"heading": h, "body": b} for h, b in self.sections],
            "citations": [c.to_dict() for c in self.citations],
            "not_answered": list(self.not_answered),
            "removed_claims": self.removed_claims,
        }


def cite(root: Path, file: str, start_line: int, end_line: int, note: str = "") -> Citation | None:
    """A citation read from disk now, or None when the span is not there (file gone, lines out of range)."""
    text = read_span(root, file, start_line, end_line)
    if text is None:
        return None
    return Citation(file, start_line, end_line, text, True, note)


def cite_quote(root: Path, file: str, start_line: int, end_line: int, excerpt: str, note: str = "") -> Citation:
    """A recorded quote checked against the file: verified only if it still matches verbatim."""
    check = check_quote(root, file, start_line, end_line, excerpt)
    if check.ok:
        return Citation(file, start_line, end_line, check.actual, True, note)
    why = {
        "mismatch": "file changed since the audit",
        "missing-file": "file no longer exists",
        "line-range": "lines no longer exist",
        "outside-root": "path outside the audited root",
    }.get(check.reason, check.reason)
    return Citation(file, start_line, end_line, excerpt, False, f"{note + '; ' if note else ''}quote check failed: {why}")
