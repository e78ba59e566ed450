"""The index's SQLite schema: one database per audited tree, WAL mode, versioned.

This is a contract shared by the indexer (writer) and by rules, graph, retrieval and agents
(readers). Paths are posix and relative to the audited root. Lines are 1-based.
Bump SCHEMA_VERSION on any change and add a step to MIGRATIONS (or let the store rebuild).
"""

from __future__ import annotations

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per indexed file. role: production | test | generated.
CREATE TABLE IF NOT EXISTS files (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    language     TEXT NOT NULL,          -- csharp | python | md | yaml | json | text | ...
    hash         TEXT NOT NULL,          -- sha256 of the bytes
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    lines        INTEGER NOT NULL,
    role         TEXT NOT NULL,
    project      TEXT NOT NULL DEFAULT '',  -- nearest .csproj name / python top package / top folder
    parse_errors INTEGER NOT NULL DEFAULT 0 -- count of ERROR/MISSING nodes (file still indexed)
);

-- Files the walker did not index, each with its reason
-- (binary, too-large, undecodable, symlink-escape, symlink-loop, symlink-internal, unreadable,
-- excluded, ignored, parser-crash). Ignored or excluded folders are one row, "dir/".
CREATE TABLE IF NOT EXISTS skips (
    path   TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

-- Declarations. kind: namespace | class | interface | struct | record | enum | delegate |
-- method | constructor | property | field | event | function (python) | const.
-- qualname is dotted (Ns.Outer.Inner.Member); container is the qualname of the parent.
CREATE TABLE IF NOT EXISTS symbols (
    id         INTEGER PRIMARY KEY,
    file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    qualname   TEXT NOT NULL,
    container  TEXT NOT NULL DEFAULT '',
    namespace  TEXT NOT NULL DEFAULT '',
    bases      TEXT NOT NULL DEFAULT '[]',      -- JSON list of base type names as written
    attributes TEXT NOT NULL DEFAULT '[]',      -- JSON list of attribute/decorator names
    modifiers  TEXT NOT NULL DEFAULT '[]',      -- JSON list: public, static, abstract, async, partial...
    signature  TEXT NOT NULL DEFAULT '',        -- one line: return type, name, parameters
    doc        TEXT NOT NULL DEFAULT '',        -- first sentence of the doc comment / docstring
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL
);

-- Uses. kind: ident (identifier use) | new (object creation: name = type) |
-- invoke (call: name = method, receiver = text before the last '.') | string (literal: name = value) |
-- attribute | typeof | nameof | generic_arg | base (type in a base list) | using (import).
-- scope is the qualname of the enclosing member (or type) where the use occurs.
-- arg0 holds the first argument's source text for invocations (topics, keys), else ''.
-- Details (full list in tools/parse/csharp.py and python.py): names are bare (no namespace, no
-- type arguments: `new List<Foo>()` is new List + generic_arg Foo); `receiver` of new/base/typeof
-- is the type as written; generic_arg: receiver = the generic method or type receiving the
-- argument, arg0 = its position ("0", "1"), so AddSingleton<IFoo, Foo>() gives Foo at "1";
-- C# ident rows only for names starting with an upper-case letter or '_' (one per
-- scope/line/receiver/name); `A.B` gives ident B with receiver A.
CREATE TABLE IF NOT EXISTS refs (
    file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    receiver TEXT NOT NULL DEFAULT '',
    arg0     TEXT NOT NULL DEFAULT '',
    scope    TEXT NOT NULL DEFAULT '',
    line     INTEGER NOT NULL
);

-- Constants with literal values: C# const fields / static readonly strings, python module-level
-- UPPER_CASE = "literal". qualname is Ns.Type.NAME (python: module.NAME).
CREATE TABLE IF NOT EXISTS constants (
    file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    qualname TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    line     INTEGER NOT NULL
);

-- Syntax-aware chunks: type and member bodies (split when long), or fixed windows for
-- lexically indexed files. symbol is the qualname the chunk belongs to ('' for windows).
CREATE TABLE IF NOT EXISTS chunks (
    id         INTEGER PRIMARY KEY,
    file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    symbol     TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    text       TEXT NOT NULL
);

-- Lexical index over chunks; rowid = chunks.id (delete by rowid when a file is replaced).
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, symbol, tokenize='unicode61 tokenchars ''_'''
);

-- Per-file rule hits, cached by file hash and rules version (see tools/rules): a JSON list of
-- Finding dicts for the file. Re-computed when the file or the rule catalogue changes.
CREATE TABLE IF NOT EXISTS file_hits (
    file_id       INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    rules_version TEXT NOT NULL,
    hits          TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_symbols_file ON symbols(file_id);
CREATE INDEX IF NOT EXISTS ix_symbols_name ON symbols(name);
CREATE INDEX IF NOT EXISTS ix_symbols_qualname ON symbols(qualname);
CREATE INDEX IF NOT EXISTS ix_refs_file ON refs(file_id);
CREATE INDEX IF NOT EXISTS ix_refs_name ON refs(name, kind);
CREATE INDEX IF NOT EXISTS ix_constants_name ON constants(name);
CREATE INDEX IF NOT EXISTS ix_chunks_file ON chunks(file_id);
"""
