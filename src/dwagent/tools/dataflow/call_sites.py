"""Per-file summaries for the cross-file pass, cached in the index by file content hash.

Two summaries, each a function of one file's content (and the data-flow code, `version`):

- the names a file calls (`\\bname\\s*(<...>)?\\(` anywhere in its text): which files may call a
  summarised function, without reading the tree again;
- for one question (callee name, arity, argument position, sink category), the calls of that
  name with that arity in document order: each call's line, the origins of the argument the
  data-flow core finds, and the function the call sits in (its name and parameter names, so a
  pass-through parameter can be followed one level up).

A question's answer is computed on a fresh memo of the file's flow analyser, so it does not depend
on which questions were asked before it: a cached answer equals a recomputed one. Rows are keyed by
(path, content hash, version); rows of a file whose hash changed are dropped at the start of a
pass. After a one-file change, only that file is read again and only the files whose answers are
not cached (the changed file, or callers of a function whose finding is new) are parsed:
`analysed` lists them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dwagent.tools.dataflow.flow import Hop, Origin

# every identifier followed by a call's parenthesis (optionally generic arguments first), and a
# `Qualifier.name` pair when a qualifier precedes it; a lookahead, so names inside `<...>` are
# found too
_CALLED = re.compile(r"\b(\w+)(?:\s*\.\s*(\w+))?(?=\s*(?:<[^>\n]*>)?\()")
_DDL = """
CREATE TABLE IF NOT EXISTS flow_calls (path TEXT PRIMARY KEY, hash TEXT NOT NULL, version TEXT NOT NULL, names TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS flow_sites (
    path TEXT NOT NULL, hash TEXT NOT NULL, version TEXT NOT NULL, question TEXT NOT NULL, sites TEXT NOT NULL,
    PRIMARY KEY (path, question));
"""


@dataclass(frozen=True)
class Site:
    """One call of the questioned name: its line, the argument's origins, and the enclosing
    function's name and parameter names (`function` is None at top level)."""

    line: int
    origins: tuple[Origin, ...]
    function: str | None
    params: tuple[str, ...]


def called_names(text: str) -> frozenset[str]:
    """The identifiers `text` calls (a superset of what a single-name call pattern finds), plus
    `Qualifier.name` for each qualified call (what the pattern of `Qualifier . name (` finds)."""
    out: set[str] = set()
    for first, second in _CALLED.findall(text):
        if second:
            out.add(second)
            out.add(f"{first}.{second}")
        else:
            out.add(first)
    return frozenset(out)


class CallSites:
    """The cached summaries of one pass over an index store."""

    def __init__(self, store, version: str, limit: int):
        self.conn = store.conn
        self.root = Path(store.root)
        self.version = version
        self.limit = limit  # calls kept per answer: the pass gives up after that many anyway
        self.hashes: dict[str, str] = {}
        self.analysed: set[str] = set()  # files parsed for an uncached answer in this pass
        self.read: set[str] = set()  # files read for their called names in this pass
        self._answers: dict[tuple[str, str], tuple[Site, ...]] = {}
        self._new_names: list[tuple] = []
        self._new_sites: list[tuple] = []
        self._parsed: dict[str, tuple] = {}
        self._texts: dict[str, str] = {}
        try:
            with self.conn:
                self.conn.executescript(_DDL)
            self.cached = True
        except sqlite3.OperationalError:  # a read-only index: the pass runs, it is just not cached
            self.cached = False

    # ---- called names -----------------------------------------------------------------------
    def load_names(self, files: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
        """Called names of each (path, hash): from the cache, else read from disk."""
        for path, digest in files:
            self.hashes[path] = digest
        rows = self.conn.execute("SELECT path, hash, names FROM flow_calls WHERE version = ?", (self.version,)).fetchall() if self.cached else []
        cached = {p: (h, n) for p, h, n in rows}
        out: dict[str, frozenset[str]] = {}
        for path, digest in files:
            hit = cached.get(path)
            if hit is not None and hit[0] == digest:
                out[path] = frozenset(json.loads(hit[1]))
                continue
            try:  # not kept: most files are never parsed, and the pass should not hold the tree
                text = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                out[path] = frozenset()
                continue
            self.read.add(path)
            out[path] = called_names(text)
            self._new_names.append((path, digest, self.version, json.dumps(sorted(out[path]))))
        return out

    def text(self, path: str) -> str | None:
        """The file's text as the pass reads it (None when unreadable)."""
        if path not in self._texts:
            try:
                self._texts[path] = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        return self._texts[path]

    # ---- answers ----------------------------------------------------------------------------
    def sites(
        self, path: str, language: str, name: str, arity: int, index: int, category: str, qualifier: str = "", typed: bool = False
    ) -> tuple[Site, ...]:
        """The calls of `name` with `arity` arguments in `path` (at most `limit` + 1); with
        `qualifier`, only calls whose receiver's last part is `qualifier`."""
        question = f"{language}\0{name}\0{arity}\0{index}\0{category}\0{qualifier}" + ("\0typed" if typed else "")
        key = (path, question)
        if key in self._answers:
            return self._answers[key]
        row = (
            self.conn.execute(
                "SELECT sites FROM flow_sites WHERE path = ? AND question = ? AND hash = ? AND version = ?",
                (path, question, self.hashes.get(path, ""), self.version),
            ).fetchone()
            if self.cached
            else None
        )
        if row is not None:
            found = _decode(row[0])
        else:
            found = self._compute(path, language, name, arity, index, category, qualifier, typed)
            if path in self.hashes:
                self._new_sites.append((path, self.hashes[path], self.version, question, _encode(found)))
        self._answers[key] = found
        return found

    def _compute(self, path, language, name, arity, index, category, qualifier, typed=False) -> tuple[Site, ...]:
        from dwagent.tools.parse.context import FileContext
        from dwagent.tools.syntax.tree import ancestor, name_of

        self.analysed.add(path)
        if path not in self._parsed:
            text = self.text(path) or ""
            ctx = FileContext(path=path, language=language, role="production", source=text.encode("utf-8"))
            self._parsed[path] = (ctx, new_flows(ctx, language), call_index(ctx, language))
        ctx, flows, calls = self._parsed[path]
        flows._memo.clear()  # an answer must not depend on the questions asked before it
        out: list[Site] = []
        for call, args in calls.get(name, ()):
            if len(args) != arity or (qualifier and not _qualified(ctx, call, language, qualifier, typed)):
                continue
            if len(out) > self.limit:
                break
            fn = ancestor(call, ("method_declaration", "function_definition"))
            out.append(
                Site(
                    call.start_point[0] + 1,
                    flows.origins(args[index], category),
                    None if fn is None else name_of(ctx, fn),
                    () if fn is None else tuple(param_names(ctx, fn)),
                )
            )
        return tuple(out)

    # ---- the index --------------------------------------------------------------------------
    def save(self) -> None:
        """Write this pass's new summaries and drop the rows of files that changed or left."""
        if not self.cached:
            return
        try:
            self._write()
        except sqlite3.OperationalError:
            pass  # a locked or read-only index only costs the next pass its time
        self._new_names, self._new_sites = [], []

    def _write(self) -> None:
        with self.conn:
            if self._new_names:
                self.conn.executemany("INSERT OR REPLACE INTO flow_calls VALUES (?, ?, ?, ?)", self._new_names)
            if self._new_sites:
                self.conn.executemany("INSERT OR REPLACE INTO flow_sites VALUES (?, ?, ?, ?, ?)", self._new_sites)
            for table in ("flow_calls", "flow_sites"):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE version != ? OR NOT EXISTS "
                    f"(SELECT 1 FROM files f WHERE f.path = {table}.path AND f.hash = {table}.hash)",
                    (self.version,),
                )

    def stats(self) -> dict:
        """What this pass read and analysed (run.json: `rules.crossfile`)."""
        return {"files_read": len(self.read), "files_analysed": len(self.analysed), "analysed": sorted(self.analysed)}


def _encode(sites: tuple[Site, ...]) -> str:
    return json.dumps(
        [
            [s.line, [[o.trust, o.label, [[h.line, h.note] for h in o.hops], o.param, o.identifier] for o in s.origins], s.function, list(s.params)]
            for s in sites
        ]
    )


def _decode(blob: str) -> tuple[Site, ...]:
    return tuple(
        Site(line, tuple(Origin(t, lab, tuple(Hop(a, b) for a, b in hops), p, ident) for t, lab, hops, p, ident in origins), fn, tuple(params))
        for line, origins, fn, params in json.loads(blob)
    )


def param_names(ctx, fn) -> list[str]:
    from dwagent.tools.syntax.tree import text

    params = fn.child_by_field_name("parameters")
    out = []
    for p in params.named_children if params is not None else ():
        n = p.child_by_field_name("name") if p.type != "identifier" else p
        if n is None and p.named_children:
            n = p.named_children[0]
        if n is not None and p.type != "comment":
            out.append(text(ctx, n))
    return [n for n in out if n not in ("self", "cls")]


def call_index(ctx, language: str) -> dict[str, list]:
    """Every call of a file by callee name: (call node, positional arguments), in document order."""
    from dwagent.tools.syntax.tree import arguments, callee, nodes

    out: dict[str, list] = {}
    if language == "csharp":
        for call in nodes(ctx, "invocation_expression"):
            out.setdefault(callee(ctx, call)[1], []).append((call, arguments(call)))
        return out
    from dwagent.tools.syntax.python import call_name

    for call in nodes(ctx, "call"):
        argn = call.child_by_field_name("arguments")
        out.setdefault(call_name(ctx, call)[1], []).append(
            (call, [a for a in (argn.named_children if argn is not None else ()) if a.type not in ("comment", "keyword_argument")])
        )
    return out


def new_flows(ctx, language: str):
    """A fresh flow analyser for `ctx` (its own memo)."""
    if language == "csharp":
        from dwagent.tools.dataflow.csharp import CSharpFlows

        return CSharpFlows(ctx)
    from dwagent.tools.dataflow.python import PythonFlows

    return PythonFlows(ctx)


def receiver(ctx, call, language: str) -> str:
    """The receiver text of a call (`a.b` of `a.b.Name(...)`), '' when unqualified."""
    if language == "csharp":
        from dwagent.tools.syntax.tree import callee

        return callee(ctx, call)[0]
    from dwagent.tools.syntax.python import call_name

    return call_name(ctx, call)[0]


def _receiver_is(ctx, call, type_name: str) -> bool:
    """The call's receiver is `new T(...)` or a name the caller declares as `T` / `new T(...)`."""
    from dwagent.tools.syntax.tree import ancestor, text

    fn = call.child_by_field_name("function")
    recv = fn.child_by_field_name("expression") if fn is not None and fn.type == "member_access_expression" else None
    if recv is None:
        return False
    if recv.type == "object_creation_expression":
        return text(ctx, recv.child_by_field_name("type")).split(".")[-1] == type_name
    if recv.type != "identifier":
        return False
    scope = ancestor(call, ("method_declaration", "constructor_declaration", "class_declaration"))
    body = text(ctx, scope) if scope is not None else ctx.text
    t, r = re.escape(type_name), re.escape(text(ctx, recv))
    return bool(re.search(rf"\b{t}\??\s+{r}\b|\b{r}\s*=\s*new\s+{t}\s*\(", body))


def _qualified(ctx, call, language: str, qualifier: str, typed: bool) -> bool:
    """The call names the finding's type as its receiver (or, when `typed`, has a receiver of it)."""
    if receiver(ctx, call, language).split(".")[-1].strip() == qualifier:
        return True
    return typed and language == "csharp" and _receiver_is(ctx, call, qualifier)
