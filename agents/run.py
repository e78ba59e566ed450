"""One certification run: index the tree (incremental), run the graph, return the report."""
from __future__ import annotations

import time
from dataclasses import dataclass
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


def certify(ctx: RunContext, *, resume: bool = False) -> RunResult:
    """Index `ctx.root`, run the certification graph (or resume it) and return the report dict."""
    from dwagent.tools.index import build_index

    started = time.perf_counter()
    if ctx.progress:
        ctx.progress("index", "start")
    summary = build_index(ctx.root, index_dir=ctx.index_dir)
    index_seconds = round(time.perf_counter() - started, 3)
    if ctx.progress:
        ctx.progress("index", f"done {index_seconds:.1f}s")
    state = run_graph(ctx, checkpoint_path(ctx), resume)
    timings = {"index": index_seconds, **state.get("timings", {}), "total": round(time.perf_counter() - started, 3)}
    summary_dict = {k: getattr(summary, k) for k in getattr(summary, "__dataclass_fields__", {})}
    return RunResult(report=state["report"], state=state, timings=timings, index_summary=summary_dict)
