"""Lexical search: FTS5 over the index's chunks plus FTS5 over split-identifier symbol cards.

Chunk search finds words and whole identifiers as written in code; card search finds
declarations whose names contain the query's words (`user name` -> `GetUserName`). Both rank
with bm25; card names weigh more than card bodies.

Terms that occur in a large share of documents (`get`, `async` in C#) add little to a bm25
ranking but dominate its cost on a big tree, so they are dropped from the match expression
when rarer terms are present (the rarest few are always kept). Document frequencies come from
a temporary fts5vocab view, so nothing is written to the shared index.
"""

from __future__ import annotations

import sqlite3

from dwagent.tools.retrieve.cards import CardStore
from dwagent.tools.retrieve.hits import Filters, Hit
from dwagent.tools.retrieve.tokens import fts_or_query, query_terms

PREVIEW_CHARS = 240
NAME_WEIGHT, BODY_WEIGHT = 8.0, 1.0
MAX_DF_RATIO = 0.05  # a term in more than 5% of documents is "common"
KEEP_AT_LEAST = 2  # ... but the rarest two matching terms always stay
MIN_COMMON_DF = 10  # and on a tiny corpus nothing is common: pruning is for speed at scale


def _preview(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines)[:PREVIEW_CHARS]


class _Fts:
    """Document frequencies of one FTS5 table, for pruning common terms."""

    def __init__(self, conn: sqlite3.Connection, table: str, count_sql: str) -> None:
        self.conn = conn
        self.vocab = f"dw_{table}_vocab"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{self.vocab} USING fts5vocab(main, {table}, row)")
        self.docs = conn.execute(count_sql).fetchone()[0]

    def prune(self, terms: list[str]) -> list[str]:
        return self.prune_with_commonness(terms)[0]

    def prune_with_commonness(self, terms: list[str]) -> tuple[list[str], bool]:
        """(terms to match, whether every one of them is common)."""
        df = {}
        for t in terms:
            row = self.conn.execute(f"SELECT doc FROM temp.{self.vocab} WHERE term = ?", (t,)).fetchone()
            if row and row[0]:
                df[t] = row[0]
        present = [t for t in terms if t in df]
        limit = max(MIN_COMMON_DF, int(MAX_DF_RATIO * self.docs))
        kept = [t for t in present if df[t] <= limit]
        if len(kept) < KEEP_AT_LEAST:
            rarest = sorted(present, key=lambda t: (df[t], t))[:KEEP_AT_LEAST]
            kept = [t for t in present if t in kept or t in rarest]
        return kept, bool(kept) and all(df[t] > limit for t in kept)


class LexicalSearcher:
    """bm25 search over the index's chunks and the side database's cards. Without a card store
    (`cards=None`: the certification graph, which must not build the cards on its cold path)
    only chunks are searched."""

    def __init__(self, index: sqlite3.Connection, cards: CardStore | None) -> None:
        self.index = index
        self.cards = cards
        self._chunk_fts = _Fts(index, "chunks_fts", "SELECT COUNT(*) FROM chunks")
        self._card_fts = _Fts(cards.conn, "cards_fts", "SELECT COUNT(*) FROM cards") if cards is not None else None

    def refresh_stats(self) -> None:
        """Re-read document counts (after the cards or the index changed)."""
        self._chunk_fts.docs = self.index.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        if self._card_fts is not None:
            self._card_fts.docs = self._card_fts.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]

    def chunks(self, query: str, k: int, filters: Filters = Filters(), prefix: bool = False) -> list[Hit]:
        """Top-k chunks by bm25 for the query's terms (identifiers and their parts); with
        `prefix`, a term also matches tokens it begins (`encrypt` finds `EncryptionEnabled`)."""
        if prefix:  # a prefix has no document frequency of its own: nothing to prune
            terms, all_common = query_terms(query), False
        else:
            terms, all_common = self._chunk_fts.prune_with_commonness(query_terms(query))
        if not terms:
            return []
        # Only common words left: requiring all of them keeps the match set (and the cost) small.
        match = " AND ".join(fts_or_query([t]) for t in terms) if all_common else fts_or_query(terms, prefix)
        where, params = filters.sql("f")
        cols = "c.symbol, c.kind, c.start_line, c.end_line, c.text, f.path, f.language, f.project, f.role"
        if where:
            sql = (
                f"SELECT {cols}, bm25(chunks_fts) AS score FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
                "JOIN files f ON f.id = c.file_id WHERE chunks_fts MATCH ?" + where + " ORDER BY score, f.path, c.start_line LIMIT ?"
            )
            args = [match, *params, k]
        else:
            # Rank inside FTS first, then join only the winners (joining every match is the slow part).
            sql = (
                f"SELECT {cols}, top.score FROM (SELECT rowid, bm25(chunks_fts) AS score FROM chunks_fts "
                "WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) AS top JOIN chunks c ON c.id = top.rowid "
                "JOIN files f ON f.id = c.file_id ORDER BY top.score, f.path, c.start_line"
            )
            args = [match, k]
        rows = self.index.execute(sql, args).fetchall()
        return [Hit(r[5], r[2], r[3], r[0], r[1], r[6], r[7], r[8], -float(r[9]), ("lexical-chunk",), _preview(r[4])) for r in rows]

    def card_hits(self, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
        """Top-k declaration cards by bm25 over split names (weighted) and card text."""
        if self._card_fts is None or self.cards is None:
            return []
        terms, all_common = self._card_fts.prune_with_commonness(query_terms(query))
        if not terms:
            return []
        match = fts_or_query(terms)
        if all_common:  # only common words left: look for them in declaration names only
            match = "name : (" + match + ")"
        where, params = filters.sql("c")
        sql = (
            "SELECT c.file, c.start_line, c.end_line, c.symbol, c.kind, c.language, c.project, c.role, c.text, "
            f"bm25(cards_fts, {NAME_WEIGHT}, {BODY_WEIGHT}) AS score FROM cards_fts JOIN cards c ON c.id = cards_fts.rowid "
            "WHERE cards_fts MATCH ?" + where + " ORDER BY score, c.file, c.start_line LIMIT ?"
        )
        rows = self.cards.conn.execute(sql, [match, *params, k]).fetchall()
        return [Hit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], -float(r[9]), ("lexical-card",), _preview(r[8])) for r in rows]
