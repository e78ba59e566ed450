"""Quote verification: every excerpt a report shows is re-read from disk and compared.

A quote matches when the file's lines start..end, with trailing whitespace and line endings
normalised, equal the excerpt normalised the same way. Nothing else (no fuzzy match): a finding
whose quote does not match is dropped by the reviewer and logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwagent.tools.source_text import read_text, source_lines


@dataclass(frozen=True)
class QuoteCheck:
    ok: bool
    reason: str = ""  # "", "missing-file", "outside-root", "line-range", "mismatch"
    actual: str = ""


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip("\n")


def read_span(root: Path, rel_path: str, start_line: int, end_line: int) -> str | None:
    """Lines start..end (1-based, inclusive) of root/rel_path, or None when unreadable/outside root."""
    root = root.resolve()
    target = (root / rel_path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    try:
        lines = source_lines(read_text(target))
    except OSError:
        return None
    if start_line < 1 or end_line < start_line or end_line > len(lines):
        return None
    return "\n".join(lines[start_line - 1 : end_line])


def check_quote(root: Path, rel_path: str, start_line: int, end_line: int, excerpt: str) -> QuoteCheck:
    """Re-read the span from disk and compare it with the quoted excerpt."""
    root = root.resolve()
    target = (root / rel_path).resolve()
    if not target.is_relative_to(root):
        return QuoteCheck(False, "outside-root")
    if not target.is_file():
        return QuoteCheck(False, "missing-file")
    actual = read_span(root, rel_path, start_line, end_line)
    if actual is None:
        return QuoteCheck(False, "line-range")
    if _normalise(actual) != _normalise(excerpt):
        return QuoteCheck(False, "mismatch", actual)
    return QuoteCheck(True, "", actual)
