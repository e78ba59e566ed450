"""Persist the code graph next to the index (same SQLite file, `graph_*` tables).

The graph is keyed by a hash over GRAPH_VERSION, the graph config and every indexed file's
(path, content hash): when the index changes in any file, or the config changes, the graph is
rebuilt (name resolution is global, so a per-file patch would be wrong); otherwise it is loaded.
The tables are plain and queryable by other tools (`graph_edges`, `graph_bus`, ...).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3

from dwagent.tools.graph.build import build_graph
from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.entrypoints import EntryPoint
from dwagent.tools.graph.model import BusSite, CodeGraph, Edge, FieldUse, Location, MethodNode, OptionSite, TypeNode

GRAPH_VERSION = "11"  # 11: per-action web authentication (graph_entrypoints.actions); 10: entry points with dispatch roots, web hosts, in-action key checks; 9: entry-point inventory (graph_entrypoints); 8: python imports reference types; 7: framework base types, python library mode, served functions; scan edges, top-level programs, typeof DI, generic call args, decorator roots, non-bus receivers, reflective field reads

DDL = """
CREATE TABLE IF NOT EXISTS graph_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph_types (
    qualname TEXT PRIMARY KEY, name TEXT, kind TEXT, namespace TEXT, role TEXT, locations TEXT,
    bases TEXT, attributes TEXT, modifiers TEXT, signature TEXT, live TEXT, referrers TEXT, test_refs TEXT);
CREATE TABLE IF NOT EXISTS graph_methods (
    qualname TEXT PRIMARY KEY, name TEXT, kind TEXT, container TEXT, file TEXT, role TEXT,
    start_line INTEGER, end_line INTEGER, signature TEXT, modifiers TEXT, attributes TEXT);
CREATE TABLE IF NOT EXISTS graph_edges (
    src TEXT, dst TEXT, kind TEXT, file TEXT, line INTEGER, detail TEXT);
CREATE TABLE IF NOT EXISTS graph_bus (
    side TEXT, topic TEXT, pattern INTEGER, expr TEXT, scope TEXT, handlers TEXT, file TEXT,
    line INTEGER, method TEXT);
CREATE TABLE IF NOT EXISTS graph_options (option TEXT, kind TEXT, file TEXT, line INTEGER, scope TEXT);
CREATE TABLE IF NOT EXISTS graph_fields (
    qualname TEXT, name TEXT, file TEXT, line INTEGER, end_line INTEGER, writes TEXT, reads INTEGER,
    initialised INTEGER);
CREATE TABLE IF NOT EXISTS graph_discovered (type TEXT PRIMARY KEY, reason TEXT);
CREATE TABLE IF NOT EXISTS graph_instantiated (type TEXT PRIMARY KEY, reason TEXT);
CREATE TABLE IF NOT EXISTS graph_entrypoints (
    kind TEXT, file TEXT, line INTEGER, scope TEXT, owner TEXT, bind TEXT, bind_evidence TEXT, tls TEXT,
    tls_evidence TEXT, auth TEXT, auth_evidence TEXT, handlers TEXT, detail TEXT, roots TEXT, actions TEXT);
CREATE INDEX IF NOT EXISTS ix_graph_edges_src ON graph_edges(src);
CREATE INDEX IF NOT EXISTS ix_graph_edges_dst ON graph_edges(dst);
CREATE INDEX IF NOT EXISTS ix_graph_bus_topic ON graph_bus(topic);
"""
_TABLES = (
    "graph_types",
    "graph_methods",
    "graph_edges",
    "graph_bus",
    "graph_options",
    "graph_fields",
    "graph_discovered",
    "graph_instantiated",
    "graph_entrypoints",
)


def content_key(conn: sqlite3.Connection, config: GraphConfig) -> str:
    """Hash of the graph version, the config and every indexed file's path + content hash."""
    h = hashlib.sha256()
    h.update(GRAPH_VERSION.encode())
    h.update(json.dumps(dataclasses.asdict(config), sort_keys=True).encode())
    for path, digest in conn.execute("SELECT path, hash FROM files ORDER BY path"):
        h.update(f"\0{path}\0{digest}".encode())
    return h.hexdigest()


# one encoder for every row: json.dumps with a non-default option builds a new encoder per call,
# which was half the cost of saving a large graph (same text either way)
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _j(value) -> str:
    return _ENCODER.encode(list(value)) if value else "[]"


def save_graph(conn: sqlite3.Connection, graph: CodeGraph) -> None:
    """Replace the stored graph with `graph` (one transaction)."""
    with conn:
        for table in _TABLES:  # dropped, not emptied: a table written by an older version may lack a column
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.executescript(DDL)
        conn.executemany(
            "INSERT INTO graph_types VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    t.qualname,
                    t.name,
                    t.kind,
                    t.namespace,
                    t.role,
                    json.dumps([dataclasses.astuple(l) for l in t.locations]),
                    _j(t.bases),
                    _j(t.attributes),
                    _j(t.modifiers),
                    t.signature,
                    t.live,
                    _j(t.referrers),
                    _j(t.test_refs),
                )
                for t in sorted(graph.types.values(), key=lambda t: t.qualname)
            ],
        )
        conn.executemany(
            "INSERT INTO graph_methods VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (m.qualname, m.name, m.kind, m.container, m.file, m.role, m.start_line, m.end_line, m.signature, _j(m.modifiers), _j(m.attributes))
                for m in sorted(graph.methods.values(), key=lambda m: m.qualname)
            ],
        )
        conn.executemany("INSERT INTO graph_edges VALUES (?,?,?,?,?,?)", [dataclasses.astuple(e) for e in graph.edges])
        conn.executemany(
            "INSERT INTO graph_bus VALUES (?,?,?,?,?,?,?,?,?)",
            [(s.side, s.topic, int(s.pattern), s.expr, s.scope, _j(s.handlers), s.file, s.line, s.method) for s in graph.bus],
        )
        conn.executemany("INSERT INTO graph_options VALUES (?,?,?,?,?)", [dataclasses.astuple(o) for o in graph.options])
        conn.executemany(
            "INSERT INTO graph_fields VALUES (?,?,?,?,?,?,?,?)",
            [(f.qualname, f.name, f.file, f.line, f.end_line, _j(f.writes), f.reads, int(f.initialised)) for f in graph.fields],
        )
        conn.executemany("INSERT INTO graph_discovered VALUES (?,?)", sorted(graph.discovered.items()))
        conn.executemany("INSERT INTO graph_instantiated VALUES (?,?)", sorted(graph.instantiated.items()))
        conn.executemany(
            "INSERT INTO graph_entrypoints VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(*[getattr(e, f) for f in EntryPoint.__slots__[:11]], _j(e.handlers), e.detail, _j(e.roots), _j(e.actions)) for e in graph.entry_points],
        )
        conn.execute("INSERT OR REPLACE INTO graph_meta VALUES ('key', ?)", (graph.key,))
        conn.execute("INSERT OR REPLACE INTO graph_meta VALUES ('version', ?)", (GRAPH_VERSION,))


def stored_key(conn: sqlite3.Connection) -> str:
    """The key of the stored graph ('' when none)."""
    try:
        row = conn.execute("SELECT value FROM graph_meta WHERE key = 'key'").fetchone()
    except sqlite3.OperationalError:
        return ""
    return row[0] if row else ""


def load_stored(conn: sqlite3.Connection) -> CodeGraph:
    """Read the stored graph back."""
    g = CodeGraph()
    for q, name, kind, ns, role, locs, bases, attrs, mods, sig, live, refs, trefs in conn.execute("SELECT * FROM graph_types"):
        g.types[q] = TypeNode(
            q,
            name,
            kind,
            ns,
            role,
            [Location(*l) for l in json.loads(locs)],
            tuple(json.loads(bases)),
            tuple(json.loads(attrs)),
            tuple(json.loads(mods)),
            sig,
            live,
            json.loads(refs),
            json.loads(trefs),
        )
    for row in conn.execute("SELECT * FROM graph_methods"):
        g.methods[row[0]] = MethodNode(*row[:9], tuple(json.loads(row[9])), tuple(json.loads(row[10])))
    g.edges = [Edge(*row) for row in conn.execute("SELECT * FROM graph_edges")]
    g.bus = [
        BusSite(side, topic, bool(pat), expr, scope, tuple(json.loads(h)), file, line, method)
        for side, topic, pat, expr, scope, h, file, line, method in conn.execute("SELECT * FROM graph_bus")
    ]
    g.options = [OptionSite(*row) for row in conn.execute("SELECT * FROM graph_options")]
    g.fields = [FieldUse(q, n, f, l, e, tuple(json.loads(w)), r, bool(i)) for q, n, f, l, e, w, r, i in conn.execute("SELECT * FROM graph_fields")]
    g.discovered = dict(conn.execute("SELECT type, reason FROM graph_discovered"))
    g.instantiated = dict(conn.execute("SELECT type, reason FROM graph_instantiated"))
    g.entry_points = [
        EntryPoint(*row[:11], tuple(json.loads(row[11])), row[12], tuple(json.loads(row[13])), tuple(tuple(a) for a in json.loads(row[14])))
        for row in conn.execute("SELECT * FROM graph_entrypoints")
    ]
    g.key = stored_key(conn)
    return g


def load_graph(conn: sqlite3.Connection, config: GraphConfig | None = None, *, persist: bool = True) -> CodeGraph:
    """The graph for the index behind `conn`: loaded when up to date, else built (and saved)."""
    config = config or GraphConfig.csharp_default()
    key = content_key(conn, config)
    if persist and stored_key(conn) == key:
        return load_stored(conn)
    graph = build_graph(conn, config)
    graph.key = key
    if persist:
        try:
            save_graph(conn, graph)
        except sqlite3.OperationalError:
            pass  # a read-only index still gets a graph, it is just not cached
    return graph
