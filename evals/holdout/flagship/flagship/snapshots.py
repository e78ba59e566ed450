"""Export and import whole projects as compressed snapshots."""
from __future__ import annotations

import gzip
import json
import pickle
import time

from flagship.models import Flag, flag_from_dict
from flagship.settings import Settings
from flagship.store.base import FlagStore

SNAPSHOT_VERSION = 2


def export_snapshot(store: FlagStore, project: str, settings: Settings) -> bytes:
    payload = {
        "version": SNAPSHOT_VERSION,
        "project": project,
        "taken_at": time.time(),
        "flags": [f.to_dict() for f in store.list(project)],
    }
    return gzip.compress(json.dumps(payload, sort_keys=True).encode("utf-8"), compresslevel=settings.snapshot_level)


def export_archive(store: FlagStore, projects: list[str], settings: Settings) -> bytes:
    """All projects in one file, for the nightly backup job."""
    payload = {p: [f.to_dict() for f in store.list(p)] for p in sorted(projects)}
    return gzip.compress(json.dumps(payload, sort_keys=True).encode("utf-8"), compresslevel=1)


def import_snapshot(store: FlagStore, blob: bytes) -> int:
    payload = json.loads(gzip.decompress(blob))
    if payload.get("version") != SNAPSHOT_VERSION:
        raise ValueError(f"unsupported snapshot version {payload.get('version')!r}")
    return store.put_many(flag_from_dict(raw) for raw in payload["flags"])


def import_legacy_snapshot(store: FlagStore, blob: bytes) -> int:
    """Snapshots written by flagship 0.4 and earlier were pickled lists of Flag objects."""
    flags: list[Flag] = pickle.loads(gzip.decompress(blob))
    return store.put_many(flags)
