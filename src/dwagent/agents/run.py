"""One certification run: index the tree (incremental), run the graph, return the report."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.follow_up import FollowUp
from dwagent.agents.graph import run_graph
from dwagent.config import index_db_path


@dataclass(frozen=True)
class RunResult:
    report: dict
    state: dict
    timings: dict[str, float]
    index_summary: dict
    resume_note: str = ""  # what --resume found: continued, nothing to resume, or the tree changed


def _marker_path(ctx: RunContext) -> Path:
    return checkpoint_path(ctx).parent / "last-run.json"


def _read_marker(ctx: RunContext) -> dict:
    try:
        data = json.loads(_marker_path(ctx).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_marker(ctx: RunContext, finished: bool) -> None:
    # Beside the checkpoints: which run (tree digest, checkpoint thread) was last started, and
    # whether it finished, so `--resume` can say what it is continuing, or why it cannot.
    path = _marker_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"tree_digest": ctx.tree_digest, "thread_id": ctx.thread_id, "finished": finished}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _check_checkpoint_file(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA quick_check").fetchall()
    finally:
        conn.close()


def _check_checkpoints(path: Path, resume: bool) -> None:
    """A corrupt checkpoint database: with --resume an error naming it (exit 2); without, it is
    dwagent's own scratch data and is replaced by the fresh run."""
    if not path.exists():
        return
    try:
        _check_checkpoint_file(path)
    except sqlite3.DatabaseError as exc:
        if resume:
            from dwagent.errors import InputError

            raise InputError(
                f"the checkpoint {path} is corrupt ({exc}): the interrupted run cannot be resumed",
                "run again without --resume (the checkpoint is then replaced)",
            ) from exc
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def resume_note(previous: dict, ctx: RunContext, summary) -> str:
    """One line for the user about what `--resume` does with the last run."""
    if not previous:
        return "nothing to resume for this tree: running from the start"
    if previous.get("tree_digest") != ctx.tree_digest:
        return (
            f"the tree changed since the interrupted run ({summary.parsed} file(s) re-read, {summary.removed} "
            "removed or now skipped): its checkpoint is not reused; every stage runs again on the current tree"
        )
    if previous.get("thread_id") != ctx.thread_id:
        return "the settings differ from the interrupted run (rubric, gates, model or baseline): running from the start"
    if previous.get("finished"):
        return "the last run of this tree had finished: its result is reused"
    return "continuing the interrupted run from its last completed stage"


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

    summary = build_index(
        ctx.root,
        index_dir=ctx.index_dir,
        rule_hits=True,
        exclude=ctx.exclude,
        max_file_bytes=ctx.max_file_bytes or DEFAULT_MAX_FILE_BYTES,
        progress=ctx.index_progress,
    )
    index_seconds = round(time.perf_counter() - started, 3)
    if ctx.progress:
        ctx.progress("index", f"done {index_seconds:.1f}s")
    # A changed tree is a different run: --resume never continues a checkpoint of other content.
    ctx = replace(ctx, tree_digest=tree_digest(index_db_path(ctx.root, ctx.index_dir)))
    _check_checkpoints(checkpoint_path(ctx), resume)
    note = resume_note(_read_marker(ctx), ctx, summary) if resume else ""
    if note and ctx.progress:
        ctx.progress("resume", note)
    _write_marker(ctx, finished=False)
    # the symbol cards only read the finished index: built in a process of their own while the
    # graph runs (its nodes are mostly serial, so the second core is free)
    cards = FollowUp.start(ctx)
    try:
        state = run_graph(ctx, checkpoint_path(ctx), resume)
    except BaseException:  # Ctrl-C or an error: the cards are not waited for
        cards.cancel()
        raise
    _write_marker(ctx, finished=True)
    follow_up = cards.finish()
    timings = {"index": index_seconds, **state.get("timings", {}), "follow_up": follow_up, "total": round(time.perf_counter() - started, 3)}
    summary_dict = {k: getattr(summary, k) for k in getattr(summary, "__dataclass_fields__", {})}
    return RunResult(report=state["report"], state=state, timings=timings, index_summary=summary_dict, resume_note=note)
