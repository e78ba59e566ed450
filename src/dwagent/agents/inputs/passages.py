"""Passages from the chunked index (tools/retrieve) that nodes cite as evidence.

The hostile reviewer asks where the member around a severe finding is named elsewhere (its
possible callers), the flow tracer where a waypoint it could not reach is named, and the tier
checker where a tier's required options appear in configuration. Each answer is a passage of the
audited tree: a line of a retrieved chunk that names the searched identifier as a whole word, its
excerpt re-read from disk and checked (tools/verify.check_quote) before it becomes Evidence of
kind "retrieved", `verified=True`. A passage is supporting evidence: it never changes a status.

Lexical search (SQLite FTS5 over the index's chunks) always runs; it is deterministic and needs
nothing the index does not already hold. Dense search joins (hybrid ranking) only when its extra
is installed and its vectors were already built for this tree (`dwagent search --mode hybrid`):
embedding a large tree takes minutes, so the certification never builds them. Why dense did not
run is recorded in the state's `optional` entry (run.json). Every node has a query budget, so a
large tree costs a bounded number of searches.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dwagent.agents.inputs.globs import ident_matcher
from dwagent.agents.inputs.sources import Sources
from dwagent.models import Evidence
from dwagent.tools.retrieve.embedder import dense_unavailable_reason
from dwagent.tools.retrieve.hits import Filters, Hit
from dwagent.tools.retrieve.lexical import LexicalSearcher
from dwagent.tools.verify import check_quote

DEPTH = 30  # chunks ranked per query; the first passages that name the identifier are kept
CALL_KINDS = ("invoke", "new")  # index reference kinds that make a line a call site
MAX_LINE_CHARS = 400  # a minified line is not a useful quote
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT_STARTS = ("//", "/*", "*", "#")


def dense_status(conn: sqlite3.Connection) -> str:
    """'' when hybrid search can run for this index without embedding anything, else why not."""
    reason = dense_unavailable_reason()
    if reason:
        return reason
    row = conn.execute("PRAGMA database_list").fetchone()
    side = Path(row[2]).parent / "retrieve" / "chroma" if row and row[2] else None
    if side is None or not side.is_dir():
        return "no dense index built for this tree (dwagent search PATH QUERY --mode hybrid builds it)"
    return ""


@dataclass
class PassageSearch:
    """Bounded identifier searches over one node's Sources; `used` counts the queries run."""

    sources: Sources
    budget: int
    used: int = 0
    _lexical: LexicalSearcher | None = field(default=None, repr=False)
    _hybrid: object = field(default=None, repr=False)
    _dense_reason: str | None = field(default=None, repr=False)

    @property
    def dense_reason(self) -> str:
        """'' when dense ranking joins the searches, else why it does not."""
        if self._dense_reason is None:
            self._dense_reason = dense_status(self.sources.conn)
        return self._dense_reason

    def _hits(self, query: str, filters: Filters, prefix: bool = False) -> list[Hit]:
        if not self.dense_reason and not prefix:
            if self._hybrid is None:
                from dwagent.tools.retrieve.hybrid import Retriever

                self._hybrid = Retriever(self.sources.conn, self.sources.root, dense="if-built")
            return self._hybrid.search(query, DEPTH, "hybrid", filters)  # type: ignore[attr-defined]
        if self._lexical is None:
            self._lexical = LexicalSearcher(self.sources.conn, None)
        return self._lexical.chunks(query, DEPTH, filters, prefix=prefix)

    def naming(
        self,
        identifier: str,
        *,
        k: int = 2,
        note: str,
        filters: Filters = Filters(),
        exclude: tuple[str, int, int] | None = None,
        languages: frozenset[str] = frozenset(),
        calls_only: bool = False,
    ) -> list[Evidence]:
        """Up to `k` verified passages (one line each, at most one per file) that name
        `identifier` as a whole word, outside the `exclude` span (file, start, end) and, when
        `languages` is given, only in files of those languages; with `calls_only`, only lines
        where the index recorded a call or construction of that name (not its declarations or
        overrides). [] once the budget is spent."""
        word = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(identifier) + r"(?![A-Za-z0-9_])")
        return self._passages(
            identifier,
            lambda text: word.search(text) is not None,
            k=k,
            note=note,
            filters=filters,
            exclude=exclude,
            languages=languages,
            called=identifier if calls_only else "",
            prefix=False,
        )

    def matching(self, glob: str, *, k: int = 2, note: str, filters: Filters = Filters(), languages: frozenset[str] = frozenset()) -> list[Evidence]:
        """Like `naming`, for an identifier glob of the rubric (`*Encrypt*`): the index is asked
        for tokens starting with the glob's longest literal piece, and a line counts when one of
        its identifiers matches the whole glob (case-insensitive)."""
        words = literal_words(glob)
        if not words:
            return []
        rx = ident_matcher((glob,))
        assert rx is not None

        def names_a_match(text: str) -> bool:
            return any(rx.fullmatch(t) for t in _IDENTIFIER.findall(text))

        return self._passages(
            words[0], names_a_match, k=k, note=note, filters=filters, exclude=None, languages=languages, called="", prefix=True, label=glob
        )

    def _passages(
        self,
        query: str,
        line_test: Callable[[str], bool],
        *,
        k: int,
        note: str,
        filters: Filters,
        exclude: tuple[str, int, int] | None,
        languages: frozenset[str],
        called: str,
        prefix: bool,
        label: str = "",
    ) -> list[Evidence]:
        if not query or self.used >= self.budget:
            return []
        self.used += 1
        identifier = label or query
        out: list[Evidence] = []
        files: set[str] = set()
        for hit in self._hits(query, filters, prefix):
            if len(out) >= k:
                break
            if hit.file in files or (languages and hit.language not in languages):
                continue
            line = self._naming_line(hit, line_test, exclude, called)
            if line is None:
                continue
            excerpt = self.sources.excerpt(hit.file, line, line)
            if not check_quote(self.sources.root, hit.file, line, line, excerpt).ok:
                continue  # the index is older than the file: only a re-read passage is cited
            files.add(hit.file)
            how = "lexical" if self.dense_reason or prefix else "hybrid"
            # an id of its own: the same line cited by another node as code evidence stays that
            # node's entry (evidence tables merge by id; a passage must not overwrite it)
            out.append(
                Evidence(
                    id=Evidence.make_id(f"retrieved:{hit.file}", line, line, excerpt),
                    file=hit.file,
                    start_line=line,
                    end_line=line,
                    excerpt=excerpt,
                    kind="retrieved",
                    verified=True,
                    note=f"{note} ({how} search for {identifier})"[:300],
                )
            )
        return out

    def _naming_line(self, hit: Hit, line_test: Callable[[str], bool], exclude: tuple[str, int, int] | None, called: str) -> int | None:
        lines = self.sources.lines(hit.file)
        for n in range(hit.start_line, min(hit.end_line, len(lines)) + 1):
            if exclude and hit.file == exclude[0] and exclude[1] <= n <= exclude[2]:
                continue
            text = lines[n - 1]
            if text.lstrip().startswith(_COMMENT_STARTS):
                continue  # a comment naming the thing is a claim about it, not the thing
            if len(text) <= MAX_LINE_CHARS and line_test(text) and (not called or self._calls(hit.file, n, called)):
                return n
        return None

    def _calls(self, path: str, line: int, name: str) -> bool:
        row = self.sources.conn.execute(
            f"SELECT 1 FROM refs r JOIN files f ON f.id = r.file_id WHERE f.path = ? AND r.line = ? AND r.name = ?"
            f" AND r.kind IN ({','.join('?' * len(CALL_KINDS))}) LIMIT 1",
            (path, line, name, *CALL_KINDS),
        ).fetchone()
        return row is not None


def literal_words(glob: str) -> list[str]:
    """The literal identifier pieces of a rubric glob (`*Encrypt*Async` -> Encrypt, Async), longest
    first: what a search for the glob's subject can use."""
    pieces = [p for p in re.split(r"[*?\[\]]+", glob) if len(p) >= 3 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p)]
    return sorted(dict.fromkeys(pieces), key=lambda p: (-len(p), p))
