"""Dead code: private methods (C#, DWA-330) and functions (Python, DWA-331) nothing refers to.

Precision first: a candidate is reported only when its name occurs nowhere else in the tree.
The search is by name, so any same-named use anywhere (another type's method, a test, an import,
a string such as `__all__`, `getattr(obj, "name")` or `"pkg.mod:func"`, a mention in a non-code
file or a comment) keeps it alive. Never candidates:
- both: members of types deriving (directly or through the tree's own bases) from a framework
  class outside the tree, which may call its subclasses' members by name (Unity's `Update`,
  `HelpFormatter._format_action` overrides, designer event handlers);
- C#: non-private members (callers may live outside the tree), overrides, virtual, abstract,
  partial and extern methods, members carrying any attribute (frameworks call them), names a
  method group could use without an indexed identifier (lower-case), entry methods (`Main`),
  serialiser/designer conventions (`ShouldSerialize*`, `Reset*`);
- Python: dunder and sunder (`_missing_`) names, functions with a decorator that may register them, conventional hook
  names (`convention_functions`: migrations, plugin hooks, handlers), names defined as a
  function in two or more modules (a naming protocol), names a dynamic `getattr` prefix could
  build (`"handle_" + kind`).
A public (no leading underscore) Python function may be called from outside the tree (scripts,
other services, a library's users), so it is reported only in an application tree (one with
framework entry points such as routes or commands), outside the configured public API, and with
corroborating evidence that it was superseded: a sibling function of the same module whose name
extends or shortens it at an underscore (`render` / `render_legacy`, `hash` / `hash_v2`) is
called from production code while this one is not.

Mentions outside code count only where they can bind a name: C# markup that wires handlers
(XAML, Razor, ASP.NET pages), and for Python a qualified `module.name` / `module:name` in any
other file (entry-point tables, job schedules) or the bare name in a template. Prose (README,
comments) never keeps code alive.
"""

from __future__ import annotations

import fnmatch
import json
import sqlite3

from dwagent.models import Finding
from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.config import GraphConfig, default_for
from dwagent.tools.rules.registry import get_rule, index_rule, make_finding

_CS_SKIP_MODS = frozenset({"partial", "extern", "override", "virtual", "abstract", "public", "protected", "internal"})
_CS_CONVENTION_PREFIXES = ("ShouldSerialize", "Reset")
_CACHE: dict[str, tuple[sqlite3.Connection, list[Finding]]] = {}  # both rules share one search per graph (the entry holds its connection)
_CS_MARKUP = (".xaml", ".axaml", ".razor", ".cshtml", ".aspx", ".ascx", ".master")
_PY_TEMPLATES = (".html", ".htm", ".jinja", ".jinja2", ".j2")


def _rows(conn: sqlite3.Connection, language: str):
    return conn.execute(
        "SELECT s.kind, s.name, s.qualname, s.container, s.attributes, s.modifiers, s.start_line, s.end_line, "
        "f.id, f.path FROM symbols s JOIN files f ON f.id = s.file_id "
        "WHERE f.role = 'production' AND f.language = ? ORDER BY f.path, s.start_line",
        (language,),
    ).fetchall()


_PY_NEUTRAL_BASES = frozenset({"object", "ABC", "Protocol", "Generic", "NamedTuple", "TypedDict"})


class _Bases:
    """Does a type derive, through bases declared in the tree, from a class outside it?"""

    def __init__(self, graph, language: str) -> None:
        self.graph = graph
        self.language = language
        self.by_name: dict[str, list[str]] = {}
        for q, t in graph.types.items():
            self.by_name.setdefault(t.name, []).append(q)
        self.memo: dict[str, bool] = {}

    def _external_class(self, base: str) -> bool:
        base = base.split("[", 1)[0].strip()
        if not base or "=" in base or base in self.by_name:
            return False
        if self.language == "csharp":
            return not (len(base) > 1 and base[0] == "I" and base[1].isupper())  # `IDisposable`: an interface
        return base not in _PY_NEUTRAL_BASES and not base.endswith(("Error", "Exception", "Warning"))

    def framework_derived(self, q: str, seen: frozenset[str] = frozenset()) -> bool:
        if q in self.memo:
            return self.memo[q]
        t = self.graph.types.get(q)
        hit = False
        if t is not None and q not in seen:
            for b in t.bases:
                if self._external_class(b) or any(self.framework_derived(p, seen | {q}) for p in self.by_name.get(b.split("[", 1)[0], ())):
                    hit = True
                    break
        self.memo[q] = hit
        return hit


def _csharp_candidates(conn: sqlite3.Connection, graph, cfg: GraphConfig) -> list[tuple]:
    rows = _rows(conn, "csharp")
    containers = {q: k for k, _n, q, *_ in rows if k in ("class", "struct", "record")}
    bases = _Bases(graph, "csharp")
    out = []
    for kind, name, qual, container, attrs, mods, start, end, fid, path in rows:
        mods_set = set(json.loads(mods))
        if (
            kind != "method"
            or "private" not in mods_set
            or mods_set & _CS_SKIP_MODS
            or attrs != "[]"
            or container not in containers
            or not name[:1].isupper()
            or "." in name
            or name.startswith(_CS_CONVENTION_PREFIXES)
            or name in cfg.entry_methods
            or bases.framework_derived(container)
        ):
            continue
        out.append((name, qual, fid, path, start, end, ""))
    return out


def _is_application(conn: sqlite3.Connection, cfg: GraphConfig) -> bool:
    """A tree with framework entry points (routes, commands, tasks) on production functions."""
    wanted = set(cfg.entry_attributes)
    for (attrs,) in conn.execute(
        "SELECT DISTINCT s.attributes FROM symbols s JOIN files f ON f.id = s.file_id "
        "WHERE f.role = 'production' AND f.language = 'python' AND s.attributes != '[]' "
        "AND s.kind IN ('function', 'method')"
    ):
        if wanted & set(json.loads(attrs)):
            return True
    return False


def _python_candidates(conn: sqlite3.Connection, graph, cfg: GraphConfig) -> list[tuple]:
    rows = _rows(conn, "python")
    bases = _Bases(graph, "python")
    classes = {q for k, _n, q, *_ in rows if k == "class"}
    functions = {q for k, _n, q, *_ in rows if k in ("function", "method")}
    module_level = [r for r in rows if r[0] == "function" and r[3] not in classes and r[3] not in functions]
    defined_in: dict[str, set[str]] = {}
    for r in module_level:
        defined_in.setdefault(r[1], set()).add(r[3])
    application = _is_application(conn, cfg)
    inert = set(cfg.inert_decorators)
    out = []
    for kind, name, qual, container, attrs, _mods, start, end, fid, path in rows:
        private = name.startswith("_") and not name.startswith("__")
        if kind == "method":
            if not private or container not in classes or bases.framework_derived(container):
                continue
        elif kind != "function" or container in classes or container in functions:
            continue  # nested functions are used (or not) by their enclosing function
        if (
            name.startswith("__")
            or (name.endswith("_") and private)
            or name in cfg.convention_functions
            or name in cfg.entry_methods
            or set(json.loads(attrs)) - inert
            or len(defined_in.get(name, ())) > 1
        ):
            continue
        if not private:
            if not application or any(fnmatch.fnmatchcase(qual, g) for g in cfg.public_api):
                continue
            siblings = sorted(
                r[1] for r in module_level if r[3] == container and r[1] != name and (r[1].startswith(name + "_") or name.startswith(r[1] + "_"))
            )
            used = _production_uses(conn, siblings)
            if not used:
                continue
            out.append((name, qual, fid, path, start, end, used[0]))
            continue
        out.append((name, qual, fid, path, start, end, ""))
    return out


def _production_uses(conn: sqlite3.Connection, names: list[str]) -> list[str]:
    """Those of `names` that production code calls, references or imports."""
    out = []
    for name in names:
        hit = conn.execute(
            "SELECT 1 FROM refs r JOIN files f ON f.id = r.file_id WHERE f.role = 'production' AND "
            "((r.name = ? AND r.kind NOT IN ('string', 'using')) OR (r.kind = 'using' AND r.name LIKE ?)) LIMIT 1",
            (name, "%." + name),
        ).fetchone()
        if hit:
            out.append(name)
    return out


def _referenced(conn: sqlite3.Connection, candidates: list[tuple]) -> set[str]:
    """Qualnames of candidates whose name is used anywhere outside their own declaration."""
    if not candidates:
        return set()
    names = sorted({c[0] for c in candidates})
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS dead_names (name TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.dead_names")
    conn.executemany("INSERT OR IGNORE INTO temp.dead_names VALUES (?)", [(n,) for n in names])
    uses: dict[str, list[tuple[int, int]]] = {}
    for name, fid, line in conn.execute("SELECT name, file_id, line FROM refs WHERE name IN temp.dead_names AND kind != 'string'"):
        uses.setdefault(name, []).append((fid, line))
    wanted = set(names)
    for (name,) in conn.execute("SELECT DISTINCT name FROM refs WHERE kind = 'using'"):
        last = name.rsplit(".", 1)[-1]  # `from pkg.mod import func` (an import is a reference)
        if last in wanted:
            uses.setdefault(last, []).append((-1, 0))
    out = set()
    for name, qual, fid, _path, start, end, _sibling in candidates:
        if any(f != fid or not start <= line <= end for f, line in uses.get(name, ())):
            out.add(qual)
    return out


def _mentioned(conn: sqlite3.Connection, language: str, name: str, qual: str, fid: int, prefixes: list[str]) -> bool:
    """The name in a string literal, built from a dynamic prefix, or bound by another file."""
    if conn.execute("SELECT 1 FROM refs WHERE kind = 'string' AND instr(name, ?) > 0 LIMIT 1", (name,)).fetchone():
        return True
    if any(name.startswith(p) and name != p for p in prefixes):
        return True
    python = language == "python"
    module = qual.rsplit(".", 2)[-2] if python and qual.count(".") >= 1 else ""
    phrases = [(f'"{name}"', _PY_TEMPLATES if python else _CS_MARKUP)]
    if module:
        phrases.append((f'"{module} {name}"', ("",)))  # `pkg.module:name` anywhere
    try:
        for phrase, suffixes in phrases:
            for (path,) in conn.execute(
                "SELECT f.path FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
                "JOIN files f ON f.id = c.file_id WHERE chunks_fts MATCH ? AND c.file_id != ? LIMIT 200",
                (f"text : {phrase}", fid),
            ):
                if path.lower().endswith(suffixes):
                    return True
    except sqlite3.OperationalError:
        return True  # the lexical index cannot answer: do not claim the name is unused
    return False


def _dynamic_prefixes(conn: sqlite3.Connection) -> list[str]:
    """String literals that look like the fixed part of a name built at run time (`"handle_" + x`,
    `f"do_{cmd}"`, `"do_%s" % cmd`)."""
    out = set()
    for (text,) in conn.execute(
        "SELECT DISTINCT name FROM refs WHERE kind = 'string' AND (name LIKE '%\\_' ESCAPE '\\' OR name LIKE '%{%' OR name LIKE '%\\%%' ESCAPE '\\')"
    ):
        head = text.split("{", 1)[0].split("%", 1)[0]  # `f"do_{x}"`, `"do_%s" % x`, `"do_" + x`
        if len(head) >= 3 and head.replace("_", "").isalnum():
            out.add(head)
    return sorted(out)


def _decl_line(view, path: str, start: int, end: int, name: str) -> int:
    for n, text in view.source.span(path, start, min(end, start + 8)):
        if name in text and ("def " in text or "(" in text):
            return n
    return start


def dead_code_findings(store, config=None) -> list[Finding]:
    """DWA-330 and DWA-331 findings for an index store, sorted."""
    conn = store.conn
    view = graph_for(store, config)
    key = view.graph.key
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is conn:
        return list(hit[1])
    cfg = view.config
    pycfg = cfg if cfg.language == "python" else default_for("python")
    cscfg = cfg if cfg.language == "csharp" else default_for("csharp")
    out: list[Finding] = []
    prefixes: list[str] | None = None
    for rule_id, language, candidates, what in (
        ("DWA-330", "csharp", _csharp_candidates(conn, view.graph, cscfg), "private method"),
        ("DWA-331", "python", _python_candidates(conn, view.graph, pycfg), "function"),
    ):
        used = _referenced(conn, candidates)
        meta = get_rule(rule_id).meta
        for name, qual, fid, path, start, end, sibling in candidates:
            if qual in used:
                continue
            if prefixes is None:
                prefixes = _dynamic_prefixes(conn)
            if _mentioned(conn, language, name, qual, fid, prefixes):
                continue
            line = _decl_line(view, path, start, end, name)
            msg = (
                f"{what} {name} is never called or referenced: searched every call, identifier, method "
                f"group, nameof, import and string literal in the tree (production and tests), and the "
                f"markup/configuration files that can bind a name, for '{name}'; none outside its own body"
                + (f"; its sibling {sibling} is what production code calls, so it looks superseded" if sibling else "")
                + "."
            )
            out.append(
                make_finding(
                    meta,
                    path,
                    line,
                    line,
                    view.source.line(path, line),
                    msg,
                    scope="production",
                    properties={"symbol": qual, "reason": "never-referenced"},
                )
            )
    out.sort(key=Finding.sort_key)
    _CACHE.clear()
    _CACHE[key] = (conn, out)
    return list(out)


@index_rule(id="DWA-330", title="Private method never called", category="dead-code", severity="low", cwe=(561,), domains=("readiness",))
def unused_private_method(store, config) -> list[Finding]:
    """A private, non-virtual C# method whose name no code, string or file in the tree mentions:
    nothing can call it, so it is dead weight (or a forgotten call)."""
    return [f for f in dead_code_findings(store, config) if f.rule == "DWA-330"]


@index_rule(
    id="DWA-331", title="Function never called", category="dead-code", severity="low", cwe=(561,), languages=("python",), domains=("readiness",)
)
def unused_function(store, config) -> list[Finding]:
    """A Python `_private` function or method, or (in an application) a module-level function, whose
    name nothing in the tree calls, imports, registers or mentions: nothing can run it."""
    return [f for f in dead_code_findings(store, config) if f.rule == "DWA-331"]
