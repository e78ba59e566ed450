"""Guards: a condition that encloses a hit and limits when it can happen (environment checks,
debug builds, opt-in options). Found lexically in the enclosing member's lines from the index;
a comment never counts as a guard (the audited text cannot argue its way out).
"""
from __future__ import annotations

import re

from dwagent.models import Evidence, Finding

# Generic, language-level guard idioms (C# and Python); not tied to any one codebase.
_CONDITION = re.compile(r"^\s*(?:(?:else\s+)?if\b|#if\b|elif\b|when\b)")
_GUARD_TERMS = re.compile(
    r"IsDevelopment\s*\(|IsEnvironment\s*\(|GetEnvironmentVariable\s*\(|Debugger\.IsAttached|"
    r"#if\s+DEBUG|os\.environ|os\.getenv\s*\(|\bDEBUG\b|"
    r"\b\w*(?:[Oo]ptions|[Ss]ettings|[Cc]onfig(?:uration)?)\w*\s*[.\[][^\n]*\b\w*(?:Allow|Enable|Insecure|Skip|Disable|Dev|Test)\w*"
)
_COMMENT = re.compile(r"^\s*(?://|#(?!if)|/\*|\*)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def find_guard(sources, finding: Finding) -> Evidence | None:
    """The nearest enclosing guard condition above the hit inside its member, or None."""
    lines = sources.lines(finding.file)
    if not lines or finding.start_line > len(lines):
        return None
    member = sources.enclosing_member(finding.file, finding.start_line)
    top = member["start_line"] if member else max(1, finding.start_line - 15)
    hit_indent = _indent(lines[finding.start_line - 1])
    floor = hit_indent
    closed_directives = 0  # an #endif between the hit and an #if means that #if does not enclose it
    for no in range(finding.start_line - 1, top - 1, -1):
        text = lines[no - 1]
        if text.lstrip().startswith("#endif"):
            closed_directives += 1
            continue
        if text.lstrip().startswith("#if") and closed_directives:
            closed_directives -= 1
            continue
        if not text.strip() or _COMMENT.match(text) and not text.lstrip().startswith("#if"):
            continue
        ind = _indent(text)
        if text.strip() in ("{", "}"):
            continue
        if ind < floor or text.lstrip().startswith("#if"):
            # A line less indented than everything below it opens the enclosing block.
            if _CONDITION.match(text) and _GUARD_TERMS.search(text):
                return Evidence(
                    id=Evidence.make_id(finding.file, no, no, text),
                    file=finding.file,
                    start_line=no,
                    end_line=no,
                    excerpt=text,
                    kind="code",
                    note=f"guarded by: {text.strip()[:120]}",
                )
            floor = ind
            if ind == 0 and not text.lstrip().startswith("#"):
                break
    return None
