"""A snapshot manifest: which files, with which chunk ids, in which order."""
from __future__ import annotations

import json
import pickle
from dataclasses import asdict, dataclass


@dataclass
class FileEntry:
    path: str
    mode: int
    chunks: list[str]


@dataclass
class Manifest:
    label: str
    created: float
    files: list[FileEntry]

    def dumps(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode("utf-8")


def loads(blob: bytes) -> Manifest:
    raw = json.loads(blob)
    return Manifest(label=raw["label"], created=raw["created"],
                    files=[FileEntry(**f) for f in raw["files"]])


def loads_legacy(blob: bytes) -> Manifest:
    """Manifests written by snapvault 0.x (pickled), still found in old buckets."""
    return pickle.loads(blob)
