"""The follow-up card build runs in a worker process beside the graph and can be cancelled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.follow_up import FollowUp
from dwagent.rubric.loader import load_rubric
from dwagent.tools.index import build_index

SRC = "namespace N { public class Store { public int Put(int a) => a; } }\n"


def _ctx(tmp_path: Path, events: list) -> RunContext:
    root = tmp_path / "tree"
    (root / "src").mkdir(parents=True)
    (root / "src/Store.cs").write_text(SRC, encoding="utf-8")
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    return RunContext(root=root.resolve(), rubric=load_rubric("generic"), index_dir=tmp_path / "idx", progress=lambda n, e: events.append((n, e)))


def _cards(tmp_path: Path) -> list[str]:
    conn = sqlite3.connect(str(tmp_path / "idx" / "retrieve" / "cards.sqlite"))
    try:
        return [r[0] for r in conn.execute("SELECT symbol FROM cards ORDER BY symbol")]
    finally:
        conn.close()


def test_cards_are_built_in_a_worker_while_the_caller_goes_on(tmp_path):
    events: list = []
    ctx = _ctx(tmp_path, events)
    job = FollowUp.start(ctx)
    assert job.proc is not None  # a worker process, not inline
    seconds = job.finish()
    assert seconds > 0 and job.proc is None
    assert "N.Store" in _cards(tmp_path)
    assert events[0] == ("follow_up", "start") and events[-1][1].startswith("done")
    assert not any("not prepared" in e for _, e in events)


def test_a_cancelled_build_leaves_no_worker(tmp_path):
    job = FollowUp.start(_ctx(tmp_path, []))
    proc = job.proc
    job.cancel()
    assert job.proc is None and proc is not None and not proc.is_alive()
