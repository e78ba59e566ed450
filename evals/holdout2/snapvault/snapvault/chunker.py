"""Split files into chunks and skip the ones already uploaded."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator

from snapvault.crypto import chunk_id

# Chunk ids uploaded by this process, so the daemon does not ask the store twice.
_uploaded: set[str] = set()


def iter_chunks(path: Path, size: int) -> Iterator[tuple[str, bytes]]:
    with path.open("rb") as fh:
        while True:
            block = fh.read(size)
            if not block:
                return
            yield chunk_id(block), block


def needs_upload(cid: str) -> bool:
    if cid in _uploaded:
        return False
    _uploaded.add(cid)
    return True


@functools.lru_cache(maxsize=4096)
def stat_signature(path: str, mtime_ns: int, size: int) -> str:
    """Cheap change detector keyed by (path, mtime, size); bounded."""
    return f"{path}:{mtime_ns}:{size}"
