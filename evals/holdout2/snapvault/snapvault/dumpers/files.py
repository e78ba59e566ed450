"""Pack a directory tree into one tar stream for chunking."""
from __future__ import annotations

import tarfile
from pathlib import Path

EXCLUDED_NAMES = frozenset({".cache", "node_modules", "__pycache__"})


def _filter(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if any(part in EXCLUDED_NAMES for part in Path(info.name).parts):
        return None
    return info


def pack(source: Path, out: Path) -> Path:
    with tarfile.open(out, "w") as tar:
        tar.add(source, arcname=source.name, filter=_filter)
    return out
