"""Lexical search: FTS5 over the index's chunks plus FTS5 over split-identifier symbol cards.

Chunk search finds words and whole identifiers as written in code; card search finds
declarations whose names contain the query's words (`user name` -> `GetUserName`). Both rank
with bm25; card names weigh more than card bodies.
"""
from __future__ import annotations

import sqlite3

from dwagent.tools.retrieve.cards import CardStore
from dwagent.tools.retrieve.hits import Filters, Hit
from dwagent.tools.retrieve.tokens import fts_or_query, query_terms

PREVIEW_CHARS = 240
NAME_WEIGHT, BODY_WEIGHT = 8.0, 1.0


def _preview(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines)[:PREVIEW_CHARS]


def search_chunks(index: sqlite3.Connection, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
    """Top-k chunks by bm25 for the query's terms (identifiers and their parts)."""
    terms = query_terms(query)
    if not terms:
        return []
    where, params = filters.sql("f")
    sql = (
        "SELECT c.symbol, c.kind, c.start_line, c.end_line, c.text, f.path, f.language, f.project, f.role, "
        "bm25(chunks_fts) AS rank FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid "
        "JOIN files f ON f.id = c.file_id WHERE chunks_fts MATCH ?" + where +
        " ORDER BY rank, f.path, c.start_line LIMIT ?"
    )
    rows = index.execute(sql, [fts_or_query(terms), *params, k]).fetchall()
    return [
        Hit(r[5], r[2], r[3], r[0], r[1], r[6], r[7], r[8], -float(r[9]), ("lexical-chunk",), _preview(r[4]))
        for r in rows
    ]


def search_cards(cards: CardStore, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
    """Top-k declaration cards by bm25 over split names (weighted) and card text."""
    terms = query_terms(query)
    if not terms:
        return []
    where, params = filters.sql("c")
    sql = (
        "SELECT c.file, c.start_line, c.end_line, c.symbol, c.kind, c.language, c.project, c.role, c.text, "
        f"bm25(cards_fts, {NAME_WEIGHT}, {BODY_WEIGHT}) AS rank FROM cards_fts JOIN cards c ON c.id = cards_fts.rowid "
        "WHERE cards_fts MATCH ?" + where + " ORDER BY rank, c.file, c.start_line LIMIT ?"
    )
    rows = cards.conn.execute(sql, [fts_or_query(terms), *params, k]).fetchall()
    return [
        Hit(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], -float(r[9]), ("lexical-card",), _preview(r[8]))
        for r in rows
    ]
