"""Results of the expensive certification nodes, cached beside the index by content fingerprint.

A node's update is a function of its input state, the run context (tree digest, rubric, switches)
and dwagent's own code and data. The key is a sha256 over all three: any changed file in the
audited tree (tree digest), rubric, baseline, switch, input state or dwagent source file gives a
new key, so a hit is always the result the node would compute now. Only nodes that read nothing
else (the index, the rubric, the state, the tree's indexed files — which the index re-hashes at
the start of every run) are cached, and never when an LLM gateway is attached (model calls must
reach the usage ledger).

The store holds the latest result per node, and per item of a per-item node (bounded size) in `node_cache.sqlite` next to the
index, never in the audited tree. Values are pickled: the cache folder is dwagent's own, like the
index, and pickle keeps tuples as tuples so a cached update equals a computed one exactly.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import sqlite3
import time
from pathlib import Path
from typing import Callable

# every node but the reader (it runs the tree's build and test commands when gates execute) and
# the adjudicator (cheap: it only assembles the report from the state)
CACHED_NODES = frozenset(
    {"evidence", "hostile_reviewer", "plugin_auditor", "trace_flow", "tier_checker", "claims_checker", "review_passes", "competitor_analyst"}
)
# dwagent sub-packages whose code or data can change a cached node's result (evals is not one)
_PACKAGES = ("dwagent", "dwagent.agents", "dwagent.tools", "dwagent.rubric", "dwagent.competitors", "dwagent.prompts")
_SUFFIXES = frozenset({".py", ".yaml", ".yml", ".json", ".txt", ".toml"})
# third-party packages whose version can change parse results (grammars) or models
_DEPENDENCIES = ("tree-sitter", "tree-sitter-c-sharp", "tree-sitter-python", "pydantic", "langgraph")
_SCHEMA = "CREATE TABLE IF NOT EXISTS node_cache (node TEXT PRIMARY KEY, key TEXT NOT NULL, value BLOB NOT NULL)"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over dwagent's source and data files and the versions of key dependencies."""
    import importlib
    import importlib.metadata
    import sys

    roots: set[Path] = set()
    for name in _PACKAGES:
        module = importlib.import_module(name)
        roots.add(Path(module.__file__).resolve().parent)
    files: set[Path] = set()
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in _SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                files.add(path)
    # a mapped sub-package may live inside another root (installed layout): each file once
    digest = hashlib.sha256(sys.version.encode())
    for dep in _DEPENDENCIES:
        try:
            digest.update(f"{dep}={importlib.metadata.version(dep)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{dep}=-\n".encode())
    for path in sorted(files):
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def node_key(name: str, state: dict, ctx) -> str:
    """The fingerprint of one node's inputs (timings excluded: they are not inputs)."""
    inputs = {k: v for k, v in state.items() if k != "timings"}
    context = {
        "root": ctx.root.as_posix(),
        "rubric": ctx.rubric.sha256,
        "tree": ctx.tree_digest,
        "execute_gates": ctx.execute_gates,
        "llm": ctx.llm_spec,
        "baseline": sorted(ctx.baseline.items()),
        "baseline_source": ctx.baseline_source,
    }
    blob = json.dumps([name, code_fingerprint(), context, inputs], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()


def cache_path(ctx) -> Path:
    """The cache database beside the index."""
    from dwagent.config import index_db_path

    return index_db_path(ctx.root, ctx.index_dir).parent / "node_cache.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30)
    conn.execute(_SCHEMA)
    return conn


def lookup(path: Path, name: str, key: str) -> dict | None:
    """The stored update of `name` for `key`, or None (missing, stale or unreadable)."""
    if not path.exists():
        return None
    try:
        conn = _connect(path)
        try:
            row = conn.execute("SELECT value FROM node_cache WHERE node = ? AND key = ?", (name, key)).fetchone()
        finally:
            conn.close()
        return pickle.loads(row[0]) if row else None
    except (sqlite3.Error, pickle.PickleError, EOFError, AttributeError, ImportError):
        return None  # a damaged cache is a miss, never an error


def store(path: Path, name: str, key: str, update: dict) -> None:
    """Replace the stored update of `name`; a failure to write only costs the next run's time."""
    try:
        conn = _connect(path)
        try:
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO node_cache VALUES (?, ?, ?)", (name, key, pickle.dumps(update, protocol=pickle.HIGHEST_PROTOCOL))
                )
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 — unpicklable value, full disk, locked file: the cache is optional
        pass


def run_cached(name: str, fn: Callable, state: dict, ctx, *, slot: str = "") -> dict:
    """`fn(state, ctx)`, served from the cache when the node's inputs are unchanged. The update's
    timings are the time this call took (a hit is cheap, and run.json says so). `slot` names one
    of a node's per-item tasks (a flow of the `Send` fan-out): each item keeps its own entry."""
    if name not in CACHED_NODES or ctx.gateway is not None:
        return fn(state, ctx)
    started = time.perf_counter()
    try:
        key = node_key(name, state, ctx)
    except (TypeError, ValueError):  # inputs that do not serialise (e.g. non-string keys): no caching
        return fn(state, ctx)
    path = cache_path(ctx)
    entry = f"{name}:{slot}" if slot else name
    hit = lookup(path, entry, key)
    if hit is not None:
        elapsed = round(time.perf_counter() - started, 3)
        return {**hit, "timings": {k: elapsed for k in hit.get("timings", {})}}
    update = fn(state, ctx)
    store(path, entry, key, update)
    return update
