"""One certification run: index the tree (incremental), run the graph, return the report."""
from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.graph import run_graph
from dwagent.config import index_db_path


@dataclass(frozen=True)
class RunResult:
    report: dict
    state: dict
    timings: dict[str, float]
    index_summary: dict


def checkpoint_path(ctx: RunContext) -> Path:
    """The checkpoint database lives beside the index (never in the audited tree)."""
    return index_db_path(ctx.root, ctx.index_dir).parent / "checkpoints.sqlite"


def tree_digest(db_path: Path) -> str:
    """sha256 over every indexed file's path and content hash, and every skip with its reason."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(str(db_path))
    try:
        for path, file_hash in conn.execute("SELECT path, hash FROM files ORDER BY path"):
            digest.update(f"{path}\0{file_hash}\n".encode())
        # a file that became unreadable, too large or binary changes the run as much as an edit
        for path, reason in conn.execute("SELECT path, reason FROM skips ORDER BY path, reason"):
            digest.update(f"skip\0{path}\0{reason}\n".encode())
    finally:
        conn.close()
    return digest.hexdigest()[:16]


def certify(ctx: RunContext, *, resume: bool = False) -> RunResult:
    """Index `ctx.root`, run the certification graph (or resume it) and return the report dict."""
    from dwagent.tools.index import build_index

    started = time.perf_counter()
    if ctx.progress:
        ctx.progress("index", "start")
    # rule_hits: the index workers run the per-file rules on the trees they parse (one parse per file)
    from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES

    summary = build_index(ctx.root, index_dir=ctx.index_dir, rule_hits=True, exclude=ctx.exclude,
                          max_file_bytes=ctx.max_file_bytes or DEFAULT_MAX_FILE_BYTES, progress=ctx.index_progress)
    index_seconds = round(time.perf_counter() - started, 3)
    if ctx.progress:
        ctx.progress("index", f"done {index_seconds:.1f}s")
    # A changed tree is a different run: --resume never continues a checkpoint of other content.
    ctx = replace(ctx, tree_digest=tree_digest(index_db_path(ctx.root, ctx.index_dir)))
    state = run_graph(ctx, checkpoint_path(ctx), resume)
    timings = {"index": index_seconds, **state.get("timings", {}), "total": round(time.perf_counter() - started, 3)}
    summary_dict = {k: getattr(summary, k) for k in getattr(summary, "__dataclass_fields__", {})}
    return RunResult(report=state["report"], state=state, timings=timings, index_summary=summary_dict)
