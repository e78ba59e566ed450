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

from dwagent.tools.retrieve.tokens import split_identifier, split_text

CARDS_VERSION = "4"
TYPE_KINDS = frozenset({"class", "interface", "struct", "record", "enum", "delegate"})
SKIP_KINDS = frozenset({"namespace"})
DATA_KINDS = frozenset({"class", "struct", "record"})
BEHAVIOUR_KINDS = frozenset({"method", "function", "constructor"})
MAX_MEMBERS = 40  # a card is a summary; giant types keep their first members only
_MEMBER_RANK = {"method": 0, "function": 0, "event": 1, "property": 1, "field": 2, "const": 2}

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
    embed_text TEXT NOT NULL,          -- the compact form the dense index embeds
    hash       TEXT NOT NULL,          -- of embed_text: a changed hash means re-embed
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
    embed_text: str
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


def _first_sentence(doc: str) -> str:
    doc = " ".join(doc.split())
    cut = doc.find(". ")
    return doc[: cut + 1] if cut > 0 else doc


def _words(identifier: str) -> str:
    return " ".join(split_identifier(identifier)) or identifier


def embed_text(sym: sqlite3.Row, member_names: list[str]) -> str:
    """The compact text a dense vector is computed from: what the declaration means, in words.

    MiniLM's cost grows with input length and inputs are truncated, so the tokens go to the
    informative part: the declaration's own name and bases split into words, the first doc
    sentence, then distinct member names (not full signatures, whose types and modifiers
    repeat across a tree), and the enclosing namespace/module last."""
    qualname = sym["qualname"]
    container, _, name = qualname.rpartition(".")
    head = f"{sym['kind']} {_words(name)}"
    bases = [b.rsplit(".", 1)[-1].split("<", 1)[0] for b in _json_list(sym["bases"])]
    if bases:
        head += " : " + ", ".join(_words(b) for b in bases)
    parts = [head]
    if sym["doc"]:
        parts.append(_first_sentence(sym["doc"]))
    if member_names:
        distinct = list(dict.fromkeys(_words(m) for m in member_names))
        parts.append("members: " + ", ".join(distinct[:MAX_MEMBERS]))
    if container:
        # Namespaces mostly repeat the type's own words; only the new ones are worth tokens.
        said = set(" ".join(parts).lower().split())
        fresh = [w for seg in container.split(".") for w in _words(seg).split() if w not in said]
        if fresh:
            parts.append("in " + " ".join(dict.fromkeys(fresh)))
    return "\n".join(parts)


def _plain_data(sym: sqlite3.Row, behaviour: set[str]) -> bool:
    """A class/struct/record with no doc and no behaviour: its card is only names (the type's and
    its fields'), which lexical card search already matches, so a vector adds noise, not meaning.
    Interfaces, enums and delegates stay: their names are their meaning."""
    return sym["kind"] in DATA_KINDS and not sym["doc"] and sym["qualname"] not in behaviour


def build_file_cards(index: sqlite3.Connection, file_id: int) -> list[tuple[str, str, int, int, str, str, bool]]:
    """(kind, qualname, start, end, text, embed_text, dense) for each declaration of one file."""
    rows = index.execute(
        "SELECT kind, name, qualname, container, bases, attributes, signature, doc, start_line, end_line "
        "FROM symbols WHERE file_id = ? ORDER BY start_line, qualname",
        (file_id,),
    ).fetchall()
    members: dict[str, list[str]] = {}
    ranked: dict[str, list[tuple[int, str]]] = {}
    behaviour: set[str] = set()  # types that declare a method, function or constructor
    kinds = {r["qualname"]: r["kind"] for r in rows}
    for r in rows:
        if r["container"] and r["kind"] in BEHAVIOUR_KINDS:
            behaviour.add(r["container"])
        if r["container"]:
            members.setdefault(r["container"], []).append(r["signature"] or r["name"])
            if r["kind"] in _MEMBER_RANK:
                ranked.setdefault(r["container"], []).append((_MEMBER_RANK[r["kind"]], r["name"]))
    # Behaviour says most about what a type does, so methods lead (declaration order within a
    # rank, the sort is stable); constructors repeat the type's name and are left out.
    member_names = {c: [name for _, name in sorted(v, key=lambda x: x[0])] for c, v in ranked.items()}
    out = []
    for r in rows:
        if r["kind"] in SKIP_KINDS:
            continue
        is_type = r["kind"] in TYPE_KINDS
        free_function = r["kind"] == "function" and kinds.get(r["container"]) not in TYPE_KINDS
        text = _card_text(r, members.get(r["qualname"], []) if is_type else [])
        compact = embed_text(r, member_names.get(r["qualname"], []) if is_type else [])
        dense = free_function or (is_type and not _plain_data(r, behaviour))
        out.append((r["kind"], r["qualname"], r["start_line"], r["end_line"], text, compact, dense))
    return out


class CardStore:
    """The side database of cards for one index. Use `refresh()` after (re)indexing."""

    def __init__(self, index: sqlite3.Connection, path: Path) -> None:
        self.index = index
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path))
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        version = self.conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if version is None or version[0] != CARDS_VERSION:
            # Another card format (or none yet): its tables may lack columns, so start over.
            for table in ("card_files", "cards", "cards_fts"):
                self.conn.execute(f"DROP TABLE IF EXISTS {table}")
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CARDS_VERSION,))
            self.conn.commit()
        self.conn.executescript(_DDL)

    def close(self) -> None:
        self.conn.close()

    def refresh(self) -> tuple[int, int]:
        """Bring cards in line with the index; returns (files rebuilt, files removed)."""
        self.index.row_factory = sqlite3.Row
        current = {r["path"]: r for r in self.index.execute("SELECT id, path, hash, language, project, role FROM files")}
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
        for kind, qualname, start, end, text, compact, dense in build_file_cards(self.index, f["id"]):
            key = f"{f['path']}#{qualname}#{start}"
            digest = hashlib.sha1(compact.encode()).hexdigest()[:16]
            cur = self.conn.execute(
                "INSERT OR REPLACE INTO cards (key, file, language, project, role, kind, symbol, start_line, "
                "end_line, text, embed_text, hash, dense) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (key, f["path"], f["language"], f["project"], f["role"], kind, qualname, start, end, text, compact, digest, int(dense)),
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
            "SELECT id, key, file, language, project, role, kind, symbol, start_line, end_line, text, embed_text, "
            "hash FROM cards WHERE dense = 1 ORDER BY key"
        ).fetchall()
        return [Card(**dict(r)) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
