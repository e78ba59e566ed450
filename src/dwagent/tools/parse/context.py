"""The per-file view handed to per-file analysers (symbol extraction, rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import tree_sitter

from dwagent.tools.parse import parse
from dwagent.tools.source_text import source_lines


@dataclass
class FileContext:
    """One source file, parsed once and shared by every per-file analyser in a worker.

    `path` is posix and relative to the audited root; `role` is production, test or generated;
    `project` is the nearest project/package name (e.g. the folder holding a .csproj).
    """

    path: str
    language: str
    role: str
    source: bytes
    project: str = ""
    _tree: tree_sitter.Tree | None = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @cached_property
    def text(self) -> str:
        return self.source.decode("utf-8", errors="replace")

    @cached_property
    def lines(self) -> list[str]:
        return source_lines(self.text)

    @property
    def tree(self) -> tree_sitter.Tree | None:
        if not self._parsed:
            self._tree = parse(self.language, self.source)
            self._parsed = True
        return self._tree

    def line_text(self, line: int) -> str:
        """1-based line, without its newline; '' out of range."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def excerpt(self, start_line: int, end_line: int) -> str:
        """Verbatim lines start..end (1-based, inclusive), joined by '\\n'."""
        return "\n".join(self.lines[start_line - 1 : end_line])

    def node_text(self, node: tree_sitter.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
