"""The lookups a chat answer can make: the enclosing declaration, callers, topic sides, guards
near call sites, similar code, and spans of files.

Callers come from the code graph when it is installed and answers; otherwise from the index's
call references matched by name, which the answer labels as name matches (not type-resolved).
Every span returned is re-read from disk by `cite`, so the audited tree is the only source.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dwagent.agents.chat.evidence import Citation, cite

MEMBER_KINDS = ("method", "constructor", "property", "function", "event", "field")
MAX_CALLERS = 20
# Lines that commonly implement a check before a call: conditions, throws, assertions, and
# calls whose names say they check. Generic across C# and Python.
GUARD_LINE = re.compile(
    r"\b(if|throw|raise|assert|return)\b|\b\w*(Validat|Check|Ensure|Guard|Authori[sz]|Verify|Require)\w*\s*\(",
)
GUARD_WINDOW = 12  # lines before a call that may hold its guard


@dataclass(frozen=True)
class Declaration:
    qualname: str
    name: str
    kind: str
    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class CallSite:
    file: str
    line: int
    scope: str  # qualname of the calling member ('' when unknown)
    source: str  # "graph" or "name-match"


class ChatTools:
    """Lookups over one audited tree; `index` and `graph` are optional and degrade honestly."""

    def __init__(self, root: Path, index: sqlite3.Connection | None = None, retriever=None, graph=None) -> None:
        self.root = root
        self.index = index
        self.retriever = retriever
        self.graph = graph
        if index is not None:
            index.row_factory = sqlite3.Row

    # --- spans -------------------------------------------------------------------------------
    def open_span(self, file: str, start_line: int, end_line: int, note: str = "") -> Citation | None:
        """Lines of a file, read from disk now."""
        return cite(self.root, file, start_line, end_line, note)

    # --- declarations ------------------------------------------------------------------------
    def enclosing(self, file: str, line: int) -> Declaration | None:
        """The innermost member (else type) declared around `line` of `file`, from the index."""
        if self.index is None:
            return None
        rows = self.index.execute(
            "SELECT s.qualname, s.name, s.kind, s.start_line, s.end_line FROM symbols s JOIN files f ON f.id = s.file_id "
            "WHERE f.path = ? AND s.start_line <= ? AND s.end_line >= ? AND s.kind != 'namespace' "
            "ORDER BY (s.kind IN ('method','constructor','property','function','event','field')) DESC, s.start_line DESC",
            (file, line, line),
        ).fetchall()
        if not rows:
            return None
        r = rows[0]
        return Declaration(r["qualname"], r["name"], r["kind"], file, r["start_line"], r["end_line"])

    def declaration(self, qualname: str) -> Declaration | None:
        if self.index is None:
            return None
        r = self.index.execute(
            "SELECT s.qualname, s.name, s.kind, s.start_line, s.end_line, f.path FROM symbols s "
            "JOIN files f ON f.id = s.file_id WHERE s.qualname = ? ORDER BY f.path, s.start_line LIMIT 1",
            (qualname,),
        ).fetchone()
        return Declaration(r["qualname"], r["name"], r["kind"], r["path"], r["start_line"], r["end_line"]) if r else None

    # --- callers -----------------------------------------------------------------------------
    def callers(self, decl: Declaration) -> tuple[list[CallSite], str]:
        """Call sites of `decl` and how they were found ('graph', 'name-match' or why none)."""
        if self.graph is not None:
            sites = self.graph.callers(decl.qualname)
            if sites is not None:
                return sites[:MAX_CALLERS], "graph"
        if self.index is None:
            return [], "no index available"
        rows = self.index.execute(
            "SELECT DISTINCT f.path, r.line, r.scope FROM refs r JOIN files f ON f.id = r.file_id "
            "WHERE r.kind = 'invoke' AND r.name = ? AND r.scope != ? ORDER BY f.path, r.line LIMIT ?",
            (decl.name, decl.qualname, MAX_CALLERS),
        ).fetchall()
        return [CallSite(r["path"], r["line"], r["scope"], "name-match") for r in rows], "name-match"

    def topic_sides(self, decl: Declaration) -> dict[str, list[CallSite]] | None:
        """Publishers and subscribers of topics this member touches (graph only; None without it)."""
        if self.graph is None:
            return None
        return self.graph.topics_for(decl.qualname)

    def guard_lines(self, site: CallSite) -> list[Citation]:
        """Check-like lines in the window before a call site, within the caller's body."""
        start = max(1, site.line - GUARD_WINDOW)
        if site.scope:
            decl = self.declaration(site.scope)
            if decl is not None and decl.file == site.file:
                start = max(start, decl.start_line)
        out = []
        for n in range(start, site.line):
            c = self.open_span(site.file, n, n)
            if c is not None and GUARD_LINE.search(c.excerpt):
                out.append(Citation(c.file, n, n, c.excerpt, True, f"before the call at line {site.line}"))
        return out

    # --- search ------------------------------------------------------------------------------
    def search(self, query: str, k: int = 8):
        if self.retriever is None:
            return []
        return self.retriever.search(query, k=k)

    def similar(self, file: str, start_line: int, end_line: int, k: int = 8):
        if self.retriever is None:
            return []
        return self.retriever.similar(file, start_line, end_line, k=k)
