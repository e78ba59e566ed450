"""The single writer: turns worker results into rows, replacing exactly one file's rows at a time.

On a cold build (empty database) the secondary indexes are dropped first and re-created at the
end, and the FTS table is filled in one statement from `chunks`; both measured faster than
maintaining them row by row (see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import re
import sqlite3

from dwagent.tools.index.schema import DDL

_INDEX_DDL = re.findall(r"CREATE INDEX IF NOT EXISTS \w+ ON [^;]+;", DDL)
_INDEX_NAMES = [re.search(r"EXISTS (\w+)", ddl).group(1) for ddl in _INDEX_DDL]

_INSERT_FILE = "INSERT INTO files(id, path, language, hash, size, mtime_ns, lines, role, project, parse_errors) VALUES (?,?,?,?,?,?,?,?,?,?)"
_INSERT_SYMBOL = (
    "INSERT INTO symbols(file_id, kind, name, qualname, container, namespace, bases, "
    "attributes, modifiers, signature, doc, start_line, end_line) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_REF = "INSERT INTO refs(file_id, kind, name, receiver, arg0, scope, line) VALUES (?,?,?,?,?,?,?)"
_INSERT_CONST = "INSERT INTO constants(file_id, qualname, name, value, line) VALUES (?,?,?,?,?)"
_INSERT_CHUNK = "INSERT INTO chunks(id, file_id, symbol, kind, start_line, end_line, text) VALUES (?,?,?,?,?,?,?)"


def clear_rows(conn: sqlite3.Connection) -> None:
    """Delete every indexed row (schema and meta stay)."""
    for table in ("chunks_fts", "file_hits", "symbols", "refs", "constants", "chunks", "skips", "files"):
        conn.execute(f"DELETE FROM {table}")


class IndexWriter:
    """Writes results in batches of `batch_files` files per transaction."""

    def __init__(self, conn: sqlite3.Connection, *, cold: bool, batch_files: int = 400) -> None:
        self.conn = conn
        self.cold = cold
        self.batch_files = batch_files
        self.pending = 0
        row = conn.execute("SELECT COALESCE(MAX(id), 0) FROM chunks").fetchone()
        self.next_chunk_id = int(row[0]) + 1
        self.counts = {"symbols": 0, "refs": 0, "constants": 0, "chunks": 0}
        if cold:
            # A cold build fills the FTS table only at the end: if it is interrupted, the next
            # run must start over rather than trust rows whose FTS entries never got written.
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('build_state', 'cold-in-progress')")
            conn.execute("PRAGMA synchronous=OFF")
            # Every row of a cold build follows its own file row, so the per-row foreign-key
            # lookups (one per symbol, ref, constant and chunk) cannot fail; ON again in finish().
            conn.execute("PRAGMA foreign_keys=OFF")
            for name in _INDEX_NAMES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        else:
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN")

    def delete_file(self, file_id: int) -> None:
        """Remove a file and every row derived from it."""
        c = self.conn
        c.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE file_id = ?)", (file_id,))
        for table in ("symbols", "refs", "constants", "chunks", "file_hits"):
            c.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))
        c.execute("DELETE FROM files WHERE id = ?", (file_id,))
        self._tick()

    def touch(self, file_id: int, size: int, mtime_ns: int) -> None:
        """Content unchanged (same hash): refresh the stat fields only."""
        self.conn.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, file_id))
        self._tick()

    def put_file(
        self, row: tuple, symbols: list, refs: list, constants: list, chunks: list, replace: bool, hits: tuple[str, str] | None = None
    ) -> None:
        """Insert one file's rows; with `replace`, its previous rows are deleted first. `hits` is
        the per-file rules' (version, json) computed by the worker (see rule_hits.py)."""
        c = self.conn
        file_id = row[0]
        if replace:
            self.delete_file(file_id)
        c.execute(_INSERT_FILE, row)
        if hits is not None:
            c.execute("INSERT OR REPLACE INTO file_hits(file_id, rules_version, hits) VALUES (?, ?, ?)", (file_id, *hits))
        if symbols:
            c.executemany(_INSERT_SYMBOL, symbols)
        if refs:
            c.executemany(_INSERT_REF, refs)
        if constants:
            c.executemany(_INSERT_CONST, constants)
        if chunks:
            first = self.next_chunk_id
            rows = [(first + i, file_id, *chunk) for i, chunk in enumerate(chunks)]
            self.next_chunk_id = first + len(rows)
            c.executemany(_INSERT_CHUNK, rows)
            if not self.cold:
                c.executemany("INSERT INTO chunks_fts(rowid, text, symbol) VALUES (?,?,?)", [(r[0], r[6], r[2]) for r in rows])
        self.counts["symbols"] += len(symbols)
        self.counts["refs"] += len(refs)
        self.counts["constants"] += len(constants)
        self.counts["chunks"] += len(chunks)
        self._tick()

    def replace_skips(self, skips: list[tuple[str, str, str]]) -> None:
        self.conn.execute("DELETE FROM skips")
        self.conn.executemany("INSERT OR REPLACE INTO skips(path, reason, detail) VALUES (?,?,?)", skips)

    def set_meta(self, items: dict[str, str]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", sorted(items.items()))

    def _tick(self) -> None:
        self.pending += 1
        if self.pending >= self.batch_files:
            self.conn.execute("COMMIT")
            self.conn.execute("BEGIN")
            self.pending = 0

    def finish(self) -> None:
        """Commit; after a cold build, fill the FTS table and re-create the indexes."""
        c = self.conn
        if self.cold:
            c.execute("INSERT INTO chunks_fts(rowid, text, symbol) SELECT id, text, symbol FROM chunks")
            for ddl in _INDEX_DDL:
                c.execute(ddl)
        c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('build_state', 'complete')")
        c.execute("COMMIT")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA foreign_keys=ON")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
