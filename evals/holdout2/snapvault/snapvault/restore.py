"""Bring files back from a snapshot."""
from __future__ import annotations

import logging
import os
import tarfile
from pathlib import Path

from snapvault import manifest as manifest_mod
from snapvault.clients.base import ObjectStore
from snapvault.crypto import SecretBox

log = logging.getLogger(__name__)


def load_manifest(store: ObjectStore, box: SecretBox, key: str) -> manifest_mod.Manifest:
    blob = box.decrypt(store.get(key))
    if blob[:1] == b"\x80":
        return manifest_mod.loads_legacy(blob)
    return manifest_mod.loads(blob)


def restore_all(store: ObjectStore, box: SecretBox, manifest_key: str, target: Path) -> int:
    snap = load_manifest(store, box, manifest_key)
    count = 0
    for entry in snap.files:
        dest = os.path.join(target, entry.path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as fh:
            for cid in entry.chunks:
                fh.write(box.decrypt(store.get(f"chunks/{cid}")))
        os.chmod(dest, entry.mode & 0o777)
        count += 1
    log.info("restored %d files from %s", count, snap.label)
    return count


def restore_one(store: ObjectStore, box: SecretBox, manifest_key: str, wanted: str, target: Path) -> Path:
    snap = load_manifest(store, box, manifest_key)
    root = target.resolve()
    dest = (root / wanted).resolve()
    if not dest.is_relative_to(root):
        raise ValueError(f"{wanted!r} would be restored outside {root}")
    entry = next(e for e in snap.files if e.path == wanted)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(b"".join(box.decrypt(store.get(f"chunks/{cid}")) for cid in entry.chunks))
    return dest


def unpack_export(archive: Path, target: Path) -> None:
    """Unpack a `snapvault export` tarball handed over by another site."""
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
