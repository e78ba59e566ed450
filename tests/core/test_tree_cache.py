"""`dwagent cache` lists tree caches with size and age, `cache clean [--older-than]` removes
them, and the size cap evicts the least recently used tree first (never the one in use)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dwagent.tree_cache import LAST_USED_FILE, enforce_cap, parse_age, tree_caches


def _tree_cache(base: Path, key: str, size: int, age_s: float) -> Path:
    folder = base / "index" / key
    folder.mkdir(parents=True)
    (folder / "index.sqlite").write_bytes(b"\0" * size)
    marker = folder / LAST_USED_FILE
    marker.touch()
    t = time.time() - age_s
    os.utime(marker, (t, t))
    return folder


def _cli(*args, cache: Path, cwd: Path):
    env = {**os.environ, "DWAGENT_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "dwagent", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_lru_eviction_keeps_the_tree_in_use(tmp_path):
    old = _tree_cache(tmp_path, "a" * 16, 5000, 3 * 86400)
    mid = _tree_cache(tmp_path, "b" * 16, 5000, 2 * 86400)
    oldest_but_in_use = _tree_cache(tmp_path, "c" * 16, 5000, 9 * 86400)
    removed = enforce_cap(11000, keep=oldest_but_in_use, base=tmp_path)
    assert [c.key for c in removed] == ["a" * 16]
    assert not old.exists() and mid.exists() and oldest_but_in_use.exists()
    assert enforce_cap(None, base=tmp_path) == []


def test_list_and_clean_older_than_through_the_cli(tmp_path):
    cache = tmp_path / "cache"
    _tree_cache(cache, "1" * 16, 2048, 10 * 86400)
    _tree_cache(cache, "2" * 16, 1024, 60)
    proc = _cli("cache", "--json", cache=cache, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [t["key"] for t in doc["trees"]] == ["2" * 16, "1" * 16]  # most recently used first
    assert doc["trees"][1]["bytes"] >= 2048 and doc["trees"][1]["age_seconds"] >= 10 * 86400 - 5
    proc = _cli("cache", "clean", "--older-than", "7d", cache=cache, cwd=tmp_path)
    assert proc.returncode == 0 and "1 cache(s) removed" in proc.stdout
    assert [c.key for c in tree_caches(cache)] == ["2" * 16]
    proc = _cli("cache", "clean", cache=cache, cwd=tmp_path)
    assert proc.returncode == 0 and tree_caches(cache) == []


def test_a_real_index_run_marks_use_and_applies_the_cap(tmp_path):
    cache = tmp_path / "cache"
    stale = _tree_cache(cache, "f" * 16, 50_000, 30 * 86400)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "A.cs").write_text("class A {}\n")
    (tmp_path / "dwagent.toml").write_text("cache_max_size = 40000\n")
    proc = _cli("index", str(tree), "--json", cache=cache, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and "least recently used" in proc.stderr
    roots = [c.root for c in tree_caches(cache)]
    assert roots == [str(tree.resolve())]


def test_parse_age():
    assert parse_age("30m") == 1800 and parse_age("2") == 2 * 86400 and parse_age("1w") == 7 * 86400
