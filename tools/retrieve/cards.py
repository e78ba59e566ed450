"""Symbol cards: a short text per declaration, kept in a side database next to the index.

A card says what a declaration is (kind, qualified name, bases, attributes, doc summary, and for
a type its member signatures). Cards are cheap to build from the index's `symbols` table, are
searched lexically with identifiers split into words, and type cards are what the dense index
embeds. The side database is rebuilt per file when the file's hash changes, so refreshing after
an incremental index run only touches changed files.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dwagent.tools.retrieve.tokens import split_text

CARDS_VERSION = "1"
TYPE_KINDS = frozenset({"class", "interface", "struct", "record", "enum", "delegate"})
SKIP_KINDS = frozenset({"namespace"})
MAX_MEMBERS = 40  # a card is a summary; giant types keep their first members only

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS card_files (path TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,   -- path#qualname#start_line
    file       TEXT NOT NULL,
    language   TEXT NOT NULL,
    project    TEXT NOT NULL,
    role       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    symbol     TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    dense      INTEGER NOT NULL        -- 1: embedded by the dense index (types, free functions)
);
CREATE INDEX IF NOT EXISTS ix_cards_file ON cards(file);
CREATE VIRTUAL TABLE IF NOT EXISTS cards_fts USING fts5(name, body, tokenize='unicode61 tokenchars ''_''');
"""


@dataclass(frozen=True)
class Card:
    """One declaration's card as stored in the side database."""

    id: int
    key: str
    file: str
    language: str
    project: str
    role: str
    kind: str
    symbol: str
    start_line: int
    end_line: int
    text: str
    hash: str


def index_db_path(conn: sqlite3.Connection) -> Path:
    """The file behind the index connection (the side data lives beside it)."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2])
    raise ValueError("the index connection has no file behind it")


def _json_list(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _card_text(sym: sqlite3.Row, members: list[str]) -> str:
    head = f"{sym['kind']} {sym['qualname']}"
    bases = _json_list(sym["bases"])
    if bases:
        head += " : " + ", ".join(bases)
    lines = [head]
    attrs = _json_list(sym["attributes"])
    if attrs:
        lines.append("[" + ", ".join(attrs) + "]")
    if sym["signature"] and sym["kind"] not in TYPE_KINDS:
        lines.append(sym["signature"])
    if sym["doc"]:
        lines.append(sym["doc"])
    if members:
        lines.append("members: " + "; ".join(members[:MAX_MEMBERS]))
    return "\n".join(lines)


def build_file_cards(index: sqlite3.Connection, file_id: int) -> list[tuple[str, str, int, int, str, bool]]:
    """(kind, qualname, start, end, text, dense) for each declaration of one file."""
    rows = index.execute(
        "SELECT kind, name, qualname, container, bases, attributes, signature, doc, start_line, end_line "
        "FROM symbols WHERE file_id = ? ORDER BY start_line, qualname",
        (file_id,),
    ).fetchall()
    members: dict[str, list[str]] = {}
    kinds = {r["qualname"]: r["kind"] for r in rows}
    for r in rows:
        if r["container"]:
            members.setdefault(r["container"], []).append(r["signature"] or r["name"])
    out = []
    for r in rows:
        if r["kind"] in SKIP_KINDS:
            continue
        is_type = r["kind"] in TYPE_KINDS
        free_function = r["kind"] == "function" and kinds.get(r["container"]) not in TYPE_KINDS
        text = _card_text(r, members.get(r["qualname"], []) if is_type else [])
        out.append((r["kind"], r["qualname"], r["start_line"], r["end_line"], text, is_type or free_function))
    return out


class CardStore:
    """The side database of cards for one index. Use `refresh()` after (re)indexing."""

    def __init__(self, index: sqlite3.Connection, path: Path) -> None:
        self.index = index
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path))
        self.conn.row_factory = sqlite3.Row
        self.conn.executescript(_DDL)
        version = self.conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if version is None or version[0] != CARDS_VERSION:
            self._clear()
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CARDS_VERSION,))
            self.conn.commit()

    def _clear(self) -> None:
        for table in ("card_files", "cards", "cards_fts"):
            self.conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self.conn.close()

    def refresh(self) -> tuple[int, int]:
        """Bring cards in line with the index; returns (files rebuilt, files removed)."""
        self.index.row_factory = sqlite3.Row
        current = {
            r["path"]: r
            for r in self.index.execute("SELECT id, path, hash, language, project, role FROM files")
        }
        known = dict(self.conn.execute("SELECT path, hash FROM card_files").fetchall())
        removed = sorted(set(known) - set(current))
        changed = sorted(p for p, r in current.items() if known.get(p) != r["hash"])
        with self.conn:
            for path in removed + changed:
                self._drop_file(path)
            for path in changed:
                self._add_file(current[path])
        return len(changed), len(removed)

    def _drop_file(self, path: str) -> None:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM cards WHERE file = ?", (path,))]
        self.conn.executemany("DELETE FROM cards_fts WHERE rowid = ?", [(i,) for i in ids])
        self.conn.execute("DELETE FROM cards WHERE file = ?", (path,))
        self.conn.execute("DELETE FROM card_files WHERE path = ?", (path,))

    def _add_file(self, f: sqlite3.Row) -> None:
        for kind, qualname, start, end, text, dense in build_file_cards(self.index, f["id"]):
            key = f"{f['path']}#{qualname}#{start}"
            digest = hashlib.sha1(text.encode()).hexdigest()[:16]
            cur = self.conn.execute(
                "INSERT OR REPLACE INTO cards (key, file, language, project, role, kind, symbol, start_line, "
                "end_line, text, hash, dense) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (key, f["path"], f["language"], f["project"], f["role"], kind, qualname, start, end, text, digest, int(dense)),
            )
            name = qualname.rsplit(".", 1)[-1]
            self.conn.execute(
                "INSERT INTO cards_fts (rowid, name, body) VALUES (?, ?, ?)",
                (cur.lastrowid, split_text(name), split_text(text)),
            )
        self.conn.execute("INSERT OR REPLACE INTO card_files VALUES (?, ?)", (f["path"], f["hash"]))

    def dense_cards(self) -> list[Card]:
        """Cards the dense index embeds, sorted by key."""
        rows = self.conn.execute(
            "SELECT id, key, file, language, project, role, kind, symbol, start_line, end_line, text, hash "
            "FROM cards WHERE dense = 1 ORDER BY key"
        ).fetchall()
        return [Card(**dict(r)) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
