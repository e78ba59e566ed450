"""Append-only audit trail of flag changes, one JSON line per change."""
from __future__ import annotations

import contextlib
import json
import os
import time


class AuditLog:
    def __init__(self, path: str) -> None:
        self._path = path

    def record(self, actor: str, action: str, flag_key: str, detail: dict | None = None) -> None:
        entry = {"ts": time.time(), "actor": actor, "action": action, "flag": flag_key, "detail": detail or {}}
        try:
            with open(self._path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, sort_keys=True) + "\n")
        except Exception:
            pass

    def rotate(self, keep: int = 5) -> None:
        for i in range(keep - 1, 0, -1):
            src, dst = f"{self._path}.{i}", f"{self._path}.{i + 1}"
            # A missing generation just means the log has not been rotated that often yet.
            with contextlib.suppress(FileNotFoundError):
                os.replace(src, dst)
        with contextlib.suppress(FileNotFoundError):
            os.replace(self._path, f"{self._path}.1")

    def tail(self, n: int = 50) -> list[dict]:
        try:
            with open(self._path, encoding="utf-8") as fh:
                lines = fh.readlines()[-n:]
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines]
