"""The per-tree caches under the cache root: what they are, how big and how old, and a size cap
with least-recently-used eviction.

Layout (dwagent.config): `<cache_root>/index/<tree_key>/` holds one tree's index, checkpoints,
node cache and retrieval side files. A tree's cache is "used" when a command works on it
(`last-used` is touched); over the cap, the least recently used trees are removed first, never
the one in use. Everything here is dwagent's own data: removing it only costs a rebuild.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from dwagent.config import INDEX_FILE_NAME, cache_root

LAST_USED_FILE = "last-used"


@dataclass(frozen=True)
class TreeCache:
    """One tree's cache folder: its key, the audited root it belongs to, bytes and last use."""

    key: str
    path: Path
    root: str  # "" when the index cannot tell (interrupted first build, corrupt file)
    size_bytes: int
    last_used: float  # epoch seconds

    def age_seconds(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.last_used)


def _size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def _root_of(folder: Path) -> str:
    db = folder / INDEX_FILE_NAME
    if not db.is_file():
        return ""
    try:
        # immutable: a look must not touch the -shm file (that would make every cache "just used")
        conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row else ""


def _last_used(folder: Path) -> float:
    marker = folder / LAST_USED_FILE
    try:
        return marker.stat().st_mtime
    except OSError:
        try:
            return max((p.stat().st_mtime for p in folder.iterdir() if not p.name.endswith(("-shm", "-wal"))), default=folder.stat().st_mtime)
        except OSError:
            return 0.0


def tree_caches(base: Path | None = None) -> list[TreeCache]:
    """Every per-tree cache under the cache root, most recently used first (then by key)."""
    index_root = (base or cache_root()) / "index"
    if not index_root.is_dir():
        return []
    out = []
    for p in index_root.iterdir():
        if p.is_dir():
            used = _last_used(p)  # before anything opens the folder's files
            out.append(TreeCache(p.name, p, _root_of(p), _size(p), used))
    return sorted(out, key=lambda c: (-c.last_used, c.key))


def other_entries(base: Path | None = None) -> list[tuple[str, int]]:
    """(name, bytes) of what else the cache root holds (model response cache, tokenizer files)."""
    root = base or cache_root()
    if not root.is_dir():
        return []
    return sorted((p.name, _size(p) if p.is_dir() else p.stat().st_size) for p in root.iterdir() if p.name != "index")


def mark_used(index_db: Path) -> None:
    """Record that the cache holding `index_db` was used now."""
    folder = index_db.parent
    if folder.is_dir():
        (folder / LAST_USED_FILE).touch()


def remove(cache: TreeCache) -> None:
    shutil.rmtree(cache.path, ignore_errors=True)


def clean(older_than_s: float | None = None, base: Path | None = None, now: float | None = None) -> list[TreeCache]:
    """Remove every tree cache (or those unused for more than `older_than_s`); returns them."""
    removed = []
    for cache in tree_caches(base):
        if older_than_s is None or cache.age_seconds(now) > older_than_s:
            remove(cache)
            removed.append(cache)
    return removed


def enforce_cap(max_bytes: int | None, keep: Path | None = None, base: Path | None = None) -> list[TreeCache]:
    """Evict least recently used tree caches until the total is within `max_bytes`; the folder
    `keep` (the tree in use) is never evicted. Returns what was removed."""
    if not max_bytes:
        return []
    caches = tree_caches(base)
    total = sum(c.size_bytes for c in caches)
    removed = []
    keep_real = Path(os.path.realpath(keep)) if keep is not None else None
    for cache in sorted(caches, key=lambda c: (c.last_used, c.key)):  # oldest first
        if total <= max_bytes:
            break
        if keep_real is not None and Path(os.path.realpath(cache.path)) == keep_real:
            continue
        remove(cache)
        removed.append(cache)
        total -= cache.size_bytes
    return removed


def parse_age(text: str) -> float:
    """Seconds for an age like `30m`, `12h`, `7d`, `2w` (a bare number is days)."""
    from dwagent.errors import UsageError

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    raw = text.strip().lower()
    unit = raw[-1] if raw and raw[-1] in units else "d"
    number = raw[:-1] if raw and raw[-1] in units else raw
    try:
        value = float(number)
    except ValueError:
        raise UsageError(f"--older-than {text}: not an age", "write e.g. 12h, 7d or 2w") from None
    if value < 0:
        raise UsageError(f"--older-than {text}: negative age", "write e.g. 12h, 7d or 2w")
    return value * units[unit]


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def human_age(seconds: float) -> str:
    for unit, span in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= span:
            return f"{seconds / span:.1f}{unit}"
    return f"{seconds:.0f}s"


def after_use(root: Path, index_dir: Path | None, say=None) -> list[TreeCache]:
    """After a command used the cache of `root`: mark it used and apply the size cap
    (`cache_max_size`, from the settings) to the default cache. An explicit --index-dir is the
    user's own folder and is left alone. `say(line)` is told about every eviction."""
    from dwagent.config import index_db_path, resolve_settings

    if index_dir is not None:
        return []
    db = index_db_path(root)
    mark_used(db)
    removed = enforce_cap(resolve_settings({}).values.get("cache_max_size"), keep=db.parent)
    for cache in removed:
        if say is not None:
            say(
                f"cache: removed the least recently used cache of {cache.root or cache.key} "
                f"({human_bytes(cache.size_bytes)}) to stay under cache_max_size"
            )
    return removed
