"""The follow-up preparation of a certify run: the symbol cards that `ask`, `chat` and `search`
read, built (incrementally) so the first question on a finished audit answers in seconds instead of
building them first (minutes on a 1M-line tree). No dense vectors: those stay on demand.

The cards read only the finished index, so certify builds them in a worker process of their own
while the certification graph runs (`FollowUp.start` right after indexing, `finish` after the
graph); the index is in WAL mode, so that reader never blocks the graph's writes. When the graph
itself opens the card store (hybrid passage search), the cards are built after it, as before. A failure here
never fails the audit: the follow-up then builds the cards itself.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from dwagent.agents.context import RunContext


def _build_cards(root: str, index_dir: str | None) -> float:
    """Refresh the card store of the index of `root`; returns the seconds it took."""
    from dwagent.tools.index import open_index
    from dwagent.tools.retrieve.hybrid import Retriever

    started = time.perf_counter()
    with open_index(Path(root), Path(index_dir) if index_dir else None) as store:
        Retriever(store.conn, store.root, dense="off")  # refreshes the card store
    return round(time.perf_counter() - started, 3)


def _graph_reads_cards(ctx: RunContext) -> bool:
    """True when the graph's passage searches would open the card store themselves (hybrid search:
    the dense extra installed and a dense index built for this tree, see inputs/passages.py)."""
    from dwagent.config import index_db_path
    from dwagent.tools.retrieve.embedder import dense_unavailable_reason

    return not dense_unavailable_reason() and (index_db_path(ctx.root, ctx.index_dir).parent / "retrieve" / "chroma").is_dir()


def _child(conn, root: str, index_dir: str | None) -> None:
    """Worker process: build the cards and send ("ok", seconds) or ("error", why)."""
    try:
        conn.send(("ok", _build_cards(root, index_dir)))
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class FollowUp:
    """The card build of one run, in a daemon worker process when one can be started (so an
    interrupted run never waits for it: `cancel`, or the interpreter's exit, ends it)."""

    def __init__(self, ctx: RunContext, proc=None, conn=None):
        self.ctx, self.proc, self.conn = ctx, proc, conn

    @classmethod
    def start(cls, ctx: RunContext) -> FollowUp:
        # no progress event here: the stage reports (start, done) when the run reaches it, after the
        # graph, as before (the progress view and --resume tests read the events in graph order)
        if _graph_reads_cards(ctx):  # two processes must not refresh one card store: after the graph
            return cls(ctx)
        index_dir = str(ctx.index_dir) if ctx.index_dir else None
        try:
            mp = multiprocessing.get_context()
            parent, child = mp.Pipe(duplex=False)
            proc = mp.Process(target=_child, args=(child, str(ctx.root), index_dir), daemon=True, name="dwagent-cards")
            proc.start()
            child.close()
            return cls(ctx, proc, parent)
        except (OSError, RuntimeError, ValueError):  # no worker process here: build inline at the end
            return cls(ctx)

    def cancel(self) -> None:
        """End the worker (an interrupted or failed run)."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.join()
            self.proc = None

    def finish(self) -> float:
        """Wait for (or do) the card build; returns its seconds (0 when it failed, said)."""
        ctx = self.ctx
        if ctx.progress:
            ctx.progress("follow_up", "start")
        seconds, error = 0.0, ""
        try:
            if self.proc is not None:
                kind, value = self.conn.recv()
                seconds, error = (float(value), "") if kind == "ok" else (0.0, str(value))
            else:
                seconds = _build_cards(str(ctx.root), str(ctx.index_dir) if ctx.index_dir else None)
        except Exception as exc:  # noqa: BLE001 - optional preparation (EOFError: the worker died), said and skipped
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if self.proc is not None:
                self.proc.join()
                self.proc = None
        if error and ctx.progress:
            ctx.progress("follow_up", f"symbol cards not prepared ({error}); `ask` builds them")
        if ctx.progress:
            ctx.progress("follow_up", f"done {seconds:.1f}s")
        return seconds
