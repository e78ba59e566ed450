"""Run-time locations: where dwagent keeps its per-tree cache (the index database).

The audited tree is never written to. The cache root is `$DWAGENT_CACHE_DIR` when set, else
`~/.cache/dwagent`; each audited tree gets its own folder keyed by a hash of its real path, so two
checkouts of the same project never share (or corrupt) one index.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

CACHE_ENV = "DWAGENT_CACHE_DIR"
INDEX_FILE_NAME = "index.sqlite"


def cache_root() -> Path:
    """The folder holding every per-tree cache ($DWAGENT_CACHE_DIR or ~/.cache/dwagent)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "dwagent"


def tree_key(root: Path) -> str:
    """A stable 16-hex-digit key for a tree: sha1 of its resolved real path."""
    real = os.path.realpath(root)
    return hashlib.sha1(real.encode("utf-8", errors="surrogateescape")).hexdigest()[:16]


def index_db_path(root: Path, index_dir: Path | None = None) -> Path:
    """The index database for `root`: `<index_dir>/index.sqlite` when given, else
    `<cache_root>/index/<tree_key>/index.sqlite`."""
    if index_dir is not None:
        return Path(index_dir).expanduser() / INDEX_FILE_NAME
    return cache_root() / "index" / tree_key(root) / INDEX_FILE_NAME
