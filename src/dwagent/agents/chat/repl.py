"""The interactive `dwagent chat` loop: questions, slash commands, resumable history.

Input and output are injected so tests can drive the loop without a terminal; the real
terminal test drives the installed command through a pseudo-terminal.
"""

from __future__ import annotations

import re
from typing import Callable

from dwagent.agents.chat.offline import finding_summary
from dwagent.agents.chat.session import ChatSession
from dwagent.errors import DwagentError

_SPAN = re.compile(r"(?P<file>[^:]+):(?P<start>\d+)(?:-(?P<end>\d+))?")
MAX_OPEN_LINES = 80

HELP = """commands:
  /findings        list the report's findings
  /finding ID      talk about another finding (a unique id prefix is enough)
  /evidence        show the current finding's excerpt and recorded evidence
  /history         show this finding's earlier questions
  /search WORDS    search the audited tree (identifiers or words)
  /open FILE:A-B   show lines A..B of a file of the audited tree
  /help            this text
  /quit            leave (the conversation is saved and resumes next time)
anything else is a question about the current finding"""


class Repl:
    def __init__(
        self, session: ChatSession, finding_id: str | None, read: Callable[[str], str] = input, write: Callable[[str], None] = print
    ) -> None:
        self.session = session
        self.read = read
        self.write = write
        self.current = None
        if finding_id:
            self._select(finding_id)

    def _select(self, finding_id: str) -> None:
        finding = self.session.report.finding(finding_id)
        if finding is None:
            self.write(f"no finding {finding_id!r} in this report (try /findings)")
            return
        self.current = finding
        self.write(finding_summary(finding))
        earlier = self.session.history(finding.id)
        if earlier:
            self.write(f"(resumed: {len(earlier)} earlier question(s) about this finding; /history shows them)")

    def _prompt(self) -> str:
        return f"dwagent[{self.current.id[:12]}]> " if self.current else "dwagent> "

    def run(self) -> int:
        """Loop until /quit or end of input; returns the exit code (0)."""
        self.write("dwagent chat - /help for commands, /quit to leave")
        if self.current is None:
            self.write("pick a finding with /finding ID (/findings lists them)")
        while True:
            try:
                line = self.read(self._prompt()).strip()
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return 0
            if not line:
                continue
            if line in ("/quit", "/exit", "/q"):
                self.write("bye (conversation saved)")
                return 0
            try:
                self._handle(line)
            except DwagentError as exc:
                self.write(f"error: {exc.message}" + (f" (hint: {exc.hint})" if exc.hint else ""))

    def _handle(self, line: str) -> None:
        if line == "/help":
            self.write(HELP)
        elif line == "/findings":
            for f in self.session.report.findings:
                self.write(f"{f.id}  {f.severity:<8} {f.rule}  {f.file}:{f.start_line}  {f.message[:70]}")
            if not self.session.report.findings:
                self.write("this report has no findings")
        elif line.startswith("/search"):
            self._search(line[len("/search") :].strip())
        elif line.startswith("/open"):
            self._open(line[len("/open") :].strip())
        elif line.startswith("/finding"):
            parts = line.split(maxsplit=1)
            if len(parts) < 2:
                self.write("usage: /finding ID")
            else:
                self._select(parts[1].strip())
        elif line.startswith("/"):
            self._with_finding(line)
        elif self.current is None:
            self.write("no finding selected: /finding ID first (/findings lists them)")
        else:
            self.write(self.session.ask(self.current.id, line)["answer"])

    def _search(self, words: str) -> None:
        if not words:
            self.write("usage: /search WORDS")
            return
        hits = self.session.tools.search(words, k=10)
        if self.session.tools.retriever is None:
            self.write("search is not available: no index for this tree")
        for n, h in enumerate(hits, 1):
            self.write(f"{n:>2}. {h.file}:{h.start_line}-{h.end_line}  {h.symbol or h.kind}")
        if not hits and self.session.tools.retriever is not None:
            self.write("no results")

    def _open(self, spec: str) -> None:
        match = _SPAN.fullmatch(spec)
        if not match:
            self.write("usage: /open FILE:START-END (e.g. src/a.cs:10-20)")
            return
        start = int(match["start"])
        end = int(match["end"] or start)
        cite = self.session.tools.open_span(match["file"], start, min(end, start + MAX_OPEN_LINES - 1))
        if cite is None:
            self.write(f"cannot show {spec}: no such file or lines in the audited tree")
            return
        for offset, text in enumerate(cite.excerpt.split("\n")):
            self.write(f"{start + offset:>6} | {text}")

    def _with_finding(self, line: str) -> None:
        if self.current is None:
            self.write("no finding selected: /finding ID first")
        elif line == "/evidence":
            self.write(self.session.ask(self.current.id, "show the evidence")["answer"])
        elif line == "/history":
            turns = self.session.history(self.current.id)
            for n, t in enumerate(turns, 1):
                self.write(f"{n}. [{t['intent']}] {t['question']}")
            if not turns:
                self.write("no earlier questions about this finding")
        else:
            self.write(f"unknown command {line.split()[0]} (/help lists commands)")
