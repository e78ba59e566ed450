"""The narrow read interface nodes use: the index tables (tools/index/schema.py), file lines, and
the code graph when it is available. Nodes never parse files themselves.

One `Sources` per node invocation: sqlite connections are not shared across the threads LangGraph
runs parallel branches in.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from dwagent.agents.inputs.globs import ident_matcher
from dwagent.agents.inputs.graph_config import graph_config_for, main_language
from dwagent.agents.inputs.graph_views import GraphViews
from dwagent.agents.review.reachability import reachability_of
from dwagent.agents.review.stub_callers import StubCallers, StubJudgement
from dwagent.config import index_db_path
from dwagent.errors import InputError
from dwagent.models import Finding
from dwagent.tools.graph.api import GraphView
from dwagent.tools.source_text import read_text, source_lines


def _like(glob: str) -> str:
    """A SQL LIKE pattern (ESCAPE '\\') equivalent to an identifier glob, used as a pre-filter."""
    out = []
    for ch in glob:
        if ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        elif ch in "%_\\":
            out.append("\\" + ch)
        elif ch == "[":
            return "%"  # character classes: let the exact matcher decide
        else:
            out.append(ch)
    return "".join(out)


def _like_clause(columns: tuple[str, ...], globs: tuple[str, ...]) -> tuple[str, list[str]]:
    parts, args = [], []
    for g in globs:
        pat = _like(g)
        for col in columns:
            parts.append(f"{col} LIKE ? ESCAPE '\\'")
            args.append(pat)
    return "(" + " OR ".join(parts) + ")", args


class Sources:
    """Read-only access to one audited tree's index (and graph)."""

    def __init__(self, root: Path, conn: sqlite3.Connection, graph_config=None, graph_views: GraphViews | None = None) -> None:
        self.root = Path(root)
        self.conn = conn
        self.graph_config = graph_config  # GraphConfig when the code graph is available
        self._lines: dict[str, list[str]] = {}
        # the run's graph holder (RunContext.graph_views); a Sources of its own when none is given
        self._graph_views = graph_views if graph_views is not None else GraphViews()
        self._view: GraphView | None = None
        self._types_by_file: dict[str, list] | None = None
        self._stub_callers: StubCallers | None = None

    @classmethod
    @contextmanager
    def open(cls, ctx) -> Iterator[Sources]:
        """Open the run's index read-only; InputError if it was never built."""
        path = index_db_path(ctx.root, ctx.index_dir)
        if not path.is_file():
            raise InputError(f"no index at {path}", hint="the certify command builds it first; re-run without --resume")
        # A plain connection (not mode=ro): a read-only open of a WAL database fails when its
        # -shm file is absent. Nodes only ever read through it.
        conn = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        try:
            yield cls(ctx.root, conn, _graph_config(ctx, conn), ctx.graph_views)
        finally:
            conn.close()

    # -- files -------------------------------------------------------------------------------
    def files(self, language: str | None = None, role: str | None = None) -> list[sqlite3.Row]:
        """Indexed files (path, language, role, project, lines, hash), sorted by path."""
        sql = "SELECT id, path, language, role, project, lines, hash, parse_errors FROM files"
        where, args = [], []
        if language:
            where.append("language = ?")
            args.append(language)
        if role:
            where.append("role = ?")
            args.append(role)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(self.conn.execute(sql + " ORDER BY path", args))

    def lines(self, path: str) -> list[str]:
        """The file's lines as text (decoded leniently); [] when unreadable."""
        if path not in self._lines:
            target = self.root / path
            try:
                self._lines[path] = source_lines(read_text(target))
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def excerpt(self, path: str, start: int, end: int) -> str:
        return "\n".join(self.lines(path)[start - 1 : end])

    # -- symbols -----------------------------------------------------------------------------
    def symbols(self, kinds: tuple[str, ...] = (), name_globs: tuple[str, ...] = (), path_prefix: str = "") -> list[dict]:
        """Declarations filtered by kind, by glob over name or qualname, and by path prefix."""
        sql = (
            "SELECT s.kind, s.name, s.qualname, s.container, s.bases, s.modifiers, s.attributes,"
            " s.start_line, s.end_line, f.path, f.role FROM symbols s JOIN files f ON f.id = s.file_id"
        )
        where, args = [], []
        if kinds:
            where.append(f"s.kind IN ({','.join('?' * len(kinds))})")
            args.extend(kinds)
        if path_prefix:
            where.append("f.path LIKE ? ESCAPE '\\'")
            args.append(path_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if name_globs:
            clause, more = _like_clause(("s.name", "s.qualname"), tuple(name_globs))
            where.append(clause)
            args.extend(more)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rx = ident_matcher(tuple(name_globs))
        out = []
        for row in self.conn.execute(sql + " ORDER BY f.path, s.start_line, s.qualname", args):
            if rx and not (rx.fullmatch(row["name"]) or rx.fullmatch(row["qualname"])):
                continue
            d = dict(row)
            d["bases"] = json.loads(d["bases"] or "[]")
            d["modifiers"] = json.loads(d["modifiers"] or "[]")
            d["attributes"] = json.loads(d["attributes"] or "[]")
            out.append(d)
        return out

    def refs(self, kinds: tuple[str, ...] = (), names: tuple[str, ...] = (), name_globs: tuple[str, ...] = ()) -> list[dict]:
        """Uses (refs table) filtered by kind and exact names or globs, with their file path."""
        sql = "SELECT r.kind, r.name, r.receiver, r.arg0, r.scope, r.line, f.path, f.role FROM refs r JOIN files f ON f.id = r.file_id"
        where, args = [], []
        if kinds:
            where.append(f"r.kind IN ({','.join('?' * len(kinds))})")
            args.extend(kinds)
        if names:
            where.append(f"r.name IN ({','.join('?' * len(names))})")
            args.extend(names)
        if name_globs:
            clause, more = _like_clause(("r.name",), tuple(name_globs))
            where.append(clause)
            args.extend(more)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rx = ident_matcher(tuple(name_globs))
        rows = self.conn.execute(sql + " ORDER BY f.path, r.line, r.name", args)
        return [dict(r) for r in rows if not rx or rx.fullmatch(r["name"])]

    def enclosing_member(self, path: str, line: int) -> dict | None:
        """The innermost method/function/constructor/property around a line, if indexed."""
        row = self.conn.execute(
            "SELECT s.kind, s.name, s.qualname, s.start_line, s.end_line FROM symbols s JOIN files f ON f.id = s.file_id"
            " WHERE f.path = ? AND s.start_line <= ? AND s.end_line >= ?"
            " AND s.kind IN ('method','constructor','function','property')"
            " ORDER BY (s.end_line - s.start_line) ASC LIMIT 1",
            (path, line, line),
        ).fetchone()
        return dict(row) if row else None

    def count_tests(self) -> int:
        """Test methods/functions in test files: C# [Fact]/[Theory]/[Test]/[TestMethod]/[TestCase],
        python test_* functions."""
        n = 0
        for row in self.conn.execute(
            "SELECT s.name, s.attributes, f.language FROM symbols s JOIN files f ON f.id = s.file_id"
            " WHERE f.role = 'test' AND s.kind IN ('method', 'function')"
        ):
            attrs = {a.split(".")[-1].removesuffix("Attribute") for a in json.loads(row["attributes"] or "[]")}
            if row["language"] == "python":
                n += row["name"].startswith("test")
            elif attrs & {"Fact", "Theory", "Test", "TestMethod", "TestCase", "DataTestMethod"}:
                n += 1
        return n

    # -- graph -------------------------------------------------------------------------------
    def graph_view(self) -> GraphView:
        """The code graph of this index (built once per run, shared through the run context).
        Only meaningful when `graph_config` is set; callers check that first."""
        if self._view is None:
            self._view = self._graph_views.view_for(self.conn, self.graph_config)
        return self._view

    def types_by_file(self) -> dict[str, list]:
        """path -> [(start line, end line, type node)] over the graph's type declarations."""
        if self._types_by_file is None:
            by_file: dict[str, list] = {}
            for t in self.graph_view().graph.types.values():
                for loc in t.locations:
                    by_file.setdefault(loc.file, []).append((loc.start_line, loc.end_line, t))
            self._types_by_file = by_file
        return self._types_by_file

    def reachability(self, finding: Finding) -> str:
        """reachable / unreachable / unknown for the code around a finding (code graph)."""
        try:
            return reachability_of(self, finding)
        except Exception:  # the graph is optional evidence; its failure must not change verdicts
            return finding.reachability

    def stub_judgement(self, finding: Finding) -> StubJudgement | None:
        """What the callers of a NotImplementedException member say about it (code graph), or None."""
        if self.graph_config is None:
            return None
        try:
            if self._stub_callers is None:
                view = self.graph_view()
                self._stub_callers = StubCallers(view.graph, view.source)
            return self._stub_callers.judge(finding)
        except Exception:  # the graph is optional evidence; its failure must not change verdicts
            return None


def _graph_config(ctx, conn):
    return graph_config_for(ctx.rubric.rubric, main_language(_Conn(conn)))


class _Conn:
    def __init__(self, conn):
        self.conn = conn
