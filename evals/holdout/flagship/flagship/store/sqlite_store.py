"""SQLite backend: the default for single-node installs."""
from __future__ import annotations

import json
import sqlite3
import threading
import time

from flagship.keys import SdkKeyRecord
from flagship.models import Flag, flag_from_dict
from flagship.store.base import FlagStore

_ORDER_COLUMNS = {"key": "flag_key", "updated": "updated_at DESC", "project": "project, flag_key"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS flags (
    project TEXT NOT NULL,
    flag_key TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (project, flag_key)
);
CREATE TABLE IF NOT EXISTS sdk_keys (
    prefix TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    key_hash TEXT NOT NULL
);
"""


class SqliteStore(FlagStore):
    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(SCHEMA)

    def get(self, project: str, key: str) -> Flag | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM flags WHERE project = ? AND flag_key = ?", (project, key)
            ).fetchone()
        return flag_from_dict(json.loads(row[0])) if row else None

    def put(self, flag: Flag) -> None:
        body = json.dumps(flag.to_dict(), sort_keys=True)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO flags (project, flag_key, body, updated_at) VALUES (?, ?, ?, ?)",
                (flag.project, flag.key, body, time.time()),
            )

    def list(self, project: str, order_by: str = "key") -> list[Flag]:
        order = _ORDER_COLUMNS.get(order_by, "flag_key")
        with self._lock:
            rows = self._conn.execute(
                f"SELECT body FROM flags WHERE project = ? ORDER BY {order}", (project,)
            ).fetchall()
        return [flag_from_dict(json.loads(r[0])) for r in rows]

    def search(self, project: str, text: str) -> list[Flag]:
        query = (
            "SELECT body FROM flags "
            f"WHERE project = '{project}' AND (flag_key LIKE '%{text}%' OR body LIKE '%{text}%') "
            "ORDER BY flag_key"
        )
        with self._lock:
            rows = self._conn.execute(query).fetchall()
        return [flag_from_dict(json.loads(r[0])) for r in rows]

    def sdk_key_record(self, prefix: str) -> SdkKeyRecord | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT prefix, project, key_hash FROM sdk_keys WHERE prefix = ?", (prefix,)
            ).fetchone()
        return SdkKeyRecord(*row) if row else None

    def add_sdk_key(self, record: SdkKeyRecord) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO sdk_keys (prefix, project, key_hash) VALUES (?, ?, ?)",
                (record.prefix, record.project, record.key_hash),
            )

    def delete_sdk_key(self, prefix: str) -> bool:
        with self._lock, self._conn:
            cur = self._conn.execute("DELETE FROM sdk_keys WHERE prefix = ?", (prefix,))
        return cur.rowcount > 0
