"""Local SQLite catalog of snapshots and the chunks each one references."""
from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (label TEXT PRIMARY KEY, created REAL, manifest_key TEXT);
CREATE TABLE IF NOT EXISTS refs (label TEXT, chunk TEXT);
"""


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.executescript(SCHEMA)

    def add(self, label: str, created: float, manifest_key: str, chunks: list[str]) -> None:
        with self._db:
            self._db.execute("INSERT INTO snapshots VALUES (?, ?, ?)", (label, created, manifest_key))
            self._db.executemany("INSERT INTO refs VALUES (?, ?)", [(label, c) for c in chunks])

    def list(self) -> list[tuple[str, float, str]]:
        return self._db.execute("SELECT label, created, manifest_key FROM snapshots ORDER BY created").fetchall()

    def find(self, label: str) -> tuple[str, float, str] | None:
        return self._db.execute(
            "SELECT label, created, manifest_key FROM snapshots WHERE label = ?", (label,)
        ).fetchone()

    def forget(self, label: str) -> int:
        with self._db:
            self._db.execute(f"DELETE FROM refs WHERE label = '{label}'")
            cur = self._db.execute(f"DELETE FROM snapshots WHERE label = '{label}'")
        return cur.rowcount

    def unreferenced(self, candidates: list[str]) -> list[str]:
        if not candidates:
            return []
        marks = ",".join("?" * len(candidates))
        rows = self._db.execute(f"SELECT DISTINCT chunk FROM refs WHERE chunk IN ({marks})", candidates)
        used = {r[0] for r in rows}
        return [c for c in candidates if c not in used]
