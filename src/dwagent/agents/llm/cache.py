"""Content-addressed response cache on disk.

The key hashes everything that can change an answer: provider, model, prompt name and version
(hash of the prompt file), the output schema, and the exact (redacted) text sent. A re-run of an
unchanged tree therefore makes no calls and costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def cache_key(parts: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of `parts`."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ResponseCache:
    """Files at <dir>/llm-responses/<key[:2]>/<key>.json holding the validated output."""

    directory: Path

    def _path(self, key: str) -> Path:
        return self.directory / "llm-responses" / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent or damaged: a miss, never an error

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(value, sort_keys=True, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache dir costs money on the next run but must not fail this one
