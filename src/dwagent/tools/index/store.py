"""Opening the index database: schema creation and versioning, and the read API (`IndexStore`).

Readers (rules, graph, retrieval, agents) call `open_index(root)` and query `store.conn` directly
(rows are `sqlite3.Row`); the schema is documented in `tools/index/schema.py`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dwagent.config import index_db_path
from dwagent.errors import InputError
from dwagent.tools.index.schema import DDL, SCHEMA_VERSION
from dwagent.tools.parse.context import FileContext
from dwagent.tools.source_text import read_canonical

# Bump when extraction output changes: a stored index with another value is rebuilt in full,
# because its rows would silently disagree with what the current extractors produce.
EXTRACTOR_VERSION = "5"  # 4: lines split at "\n" only (source_lines), not at form feeds; 5: C# bases resolve `using` aliases

_TABLES = ("meta", "files", "skips", "symbols", "refs", "constants", "chunks", "chunks_fts", "file_hits")


@dataclass(frozen=True)
class FileRow:
    """One indexed file (a row of `files`)."""

    id: int
    path: str
    language: str
    hash: str
    size: int
    mtime_ns: int
    lines: int
    role: str
    project: str
    parse_errors: int


def connect(db_path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection with the house pragmas; creates the schema when `create` is true."""
    if create:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db_path), timeout=30.0)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MB page cache
    if create:
        _ensure_schema(conn)
    return conn


def _ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the schema, or rebuild it when the stored schema or extractor version differs.

    The index is a cache of the tree, so a version change is handled by rebuilding rather than
    by migrating rows that an older extractor produced.
    """
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if has_meta:
        stored = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if stored.get("schema_version") != str(SCHEMA_VERSION) or stored.get("extractor_version") != EXTRACTOR_VERSION:
            for table in _TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.commit()
    conn.executescript(DDL)
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [("schema_version", str(SCHEMA_VERSION)), ("extractor_version", EXTRACTOR_VERSION)],
    )
    conn.commit()


class IndexStore:
    """A read handle on one tree's index. Use as a context manager or call `close()`."""

    def __init__(self, root: Path, db_path: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.db_path = db_path
        self.conn = conn

    def files(self, language: str | None = None, role: str | None = None) -> list[FileRow]:
        """Indexed files, sorted by path, optionally filtered by language and role."""
        sql = "SELECT id, path, language, hash, size, mtime_ns, lines, role, project, parse_errors FROM files"
        clauses, params = [], []
        if language is not None:
            clauses.append("language = ?")
            params.append(language)
        if role is not None:
            clauses.append("role = ?")
            params.append(role)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY path"
        return [FileRow(*tuple(row)) for row in self.conn.execute(sql, params)]

    def file(self, path: str) -> FileRow | None:
        """The row of one indexed file, or None."""
        row = self.conn.execute(
            "SELECT id, path, language, hash, size, mtime_ns, lines, role, project, parse_errors FROM files WHERE path = ?", (path,)
        ).fetchone()
        return FileRow(*tuple(row)) if row is not None else None

    def file_context(self, path: str) -> FileContext:
        """A FileContext for an indexed file, its bytes read from disk now (not from the index)."""
        row = self.file(path)
        if row is None:
            raise InputError(f"not in the index: {path}", "re-run `dwagent index` on the tree")
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root):
            raise InputError(f"path leaves the audited root: {path}")
        try:
            data = read_canonical(target)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}", "re-run `dwagent index`") from exc
        return FileContext(path=row.path, language=row.language, role=row.role, source=data, project=row.project)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(root: Path | str, index_dir: Path | None = None) -> IndexStore:
    """Open the existing index of `root`; DwagentError (exit 2) when there is none or it is stale
    in format (built by another dwagent version)."""
    real_root = Path(root).expanduser().resolve()
    db_path = index_db_path(real_root, index_dir)
    if not db_path.is_file():
        raise InputError(f"no index for {real_root}", f"run `dwagent index {root}` first")
    conn = connect(db_path, create=False)
    try:
        stored = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(f"unreadable index at {db_path}: {exc}", f"run `dwagent index {root}` again") from exc
    if stored.get("schema_version") != str(SCHEMA_VERSION) or stored.get("extractor_version") != EXTRACTOR_VERSION:
        conn.close()
        raise InputError(f"the index at {db_path} was built by another dwagent version", f"run `dwagent index {root}` again")
    if stored.get("build_state") == "cold-in-progress":
        conn.close()
        raise InputError(
            f"the index at {db_path} is incomplete (being built, or a build was interrupted)", f"wait for it, or run `dwagent index {root}` again"
        )
    return IndexStore(real_root, db_path, conn)
