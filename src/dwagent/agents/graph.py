"""The certification graph: LangGraph StateGraph wiring with a SQLite checkpointer.

    reader ─┐                     ┌─ plugin_auditor ────────────┐
            ├─ hostile_reviewer ──┼─ flow_tracer ─ tier_checker ┼─ review_passes ─ adjudicator ─ competitor_analyst
    evidence┘  (findings pass)    └─ claims_checker ────────────┘   (PASS challenges)

The reviewer judges findings before the matrices use them, so a dropped quote or a test-only hit
can never fail a cell; it then challenges every PASS the matrices produced. Checkpoints are written
synchronously after every step, so `--resume` continues after a crash (kill -9 included) from the
last completed step with the same inputs, and gives the same result.
"""
from __future__ import annotations

import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Callable

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from dwagent.agents.nodes.adjudicator import adjudicator_node
from dwagent.agents.nodes.claims_checker import claims_checker_node
from dwagent.agents.nodes.competitor_analyst import competitor_node
from dwagent.agents.context import RunContext
from dwagent.agents.nodes.evidence import evidence_node
from dwagent.agents.nodes.flow_tracer import flow_tracer_node
from dwagent.agents.nodes.hostile_reviewer import findings_node, passes_node
from dwagent.agents.node_cache import run_cached
from dwagent.agents.nodes.plugin_auditor import plugin_auditor_node
from dwagent.agents.nodes.reader import reader_node
from dwagent.agents.state import CertifyState
from dwagent.agents.nodes.tier_checker import tier_checker_node

NODES: dict[str, Callable] = {
    "reader": reader_node,
    "evidence": evidence_node,
    "hostile_reviewer": findings_node,
    "plugin_auditor": plugin_auditor_node,
    "flow_tracer": flow_tracer_node,
    "tier_checker": tier_checker_node,
    "claims_checker": claims_checker_node,
    "review_passes": passes_node,
    "competitor_analyst": competitor_node,
    "adjudicator": adjudicator_node,
}


class InjectedCrash(RuntimeError):
    """Raised on purpose inside a node (crash-injection for resume tests)."""


def _bound(name: str, fn: Callable, ctx: RunContext) -> Callable:
    def node(state: CertifyState) -> dict:
        if ctx.progress:
            ctx.progress(name, "start")
        if ctx.fail_in == name:
            raise InjectedCrash(f"injected crash in {name}")
        started, cpu = time.perf_counter(), time.thread_time()
        update = run_cached(name, fn, state, ctx)  # unchanged inputs: the stored result
        if ctx.progress:
            ctx.progress(name, f"done {time.perf_counter() - started:.1f}s")
        # CPU seconds of this node's thread: parallel branches share 2 cores, so wall time alone
        # says little about what a node costs (run.json shows both)
        cpu_used = {f"cpu.{name}": round(time.thread_time() - cpu, 3)}
        update = {**update, "timings": {**update.get("timings", {}), **cpu_used}}
        if ctx.gateway is not None:  # checkpointed with the step, so --resume keeps the model's usage
            update["llm_ledger"] = ctx.gateway.ledger.to_state()
        return update

    node.__name__ = name
    return node


def build_graph(ctx: RunContext):
    """The uncompiled StateGraph with every node bound to the run context."""
    g = StateGraph(CertifyState)
    for name, fn in NODES.items():
        g.add_node(name, _bound(name, fn, ctx))
    g.add_edge(START, "reader")
    g.add_edge(START, "evidence")
    g.add_edge(["reader", "evidence"], "hostile_reviewer")
    g.add_edge("hostile_reviewer", "plugin_auditor")
    g.add_edge("hostile_reviewer", "flow_tracer")
    g.add_edge("hostile_reviewer", "claims_checker")
    g.add_edge(["plugin_auditor", "tier_checker", "claims_checker"], "review_passes")
    # The analyst runs after the verdict: the comparison cites the certification's blocking items.
    g.add_edge("review_passes", "adjudicator")
    g.add_edge("adjudicator", "competitor_analyst")
    if ctx.gateway is None:
        g.add_edge("flow_tracer", "tier_checker")
        g.add_edge("competitor_analyst", END)
        return g
    # With a model: its flow-hop pass runs before the tiers read the flows, and its prose pass
    # after the verdict exists (agents/nodes/llm_stages.py); offline the graph has neither node.
    from dwagent.agents.nodes.llm_stages import llm_flows_node, llm_prose_node

    g.add_node("llm_flows", _bound("llm_flows", llm_flows_node, ctx))
    g.add_node("llm_prose", _bound("llm_prose", llm_prose_node, ctx))
    g.add_edge("flow_tracer", "llm_flows")
    g.add_edge("llm_flows", "tier_checker")
    g.add_edge("competitor_analyst", "llm_prose")
    g.add_edge("llm_prose", END)
    return g


def run_graph(ctx: RunContext, checkpoint_db: Path, resume: bool) -> dict:
    """Run (or resume) the graph; returns the final state."""
    checkpoint_db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(checkpoint_db), check_same_thread=False)
    try:
        saver = SqliteSaver(conn)
        saver.setup()
        config = {"configurable": {"thread_id": ctx.thread_id}}
        app = build_graph(ctx).compile(checkpointer=saver)
        snapshot = app.get_state(config) if resume else None
        if snapshot is not None and snapshot.values and ctx.gateway is not None:
            from dwagent.agents.nodes.llm_stages import resume_llm

            resume_llm(ctx.gateway, snapshot.values)
        if snapshot is not None and "report" in snapshot.values and not snapshot.next:
            return dict(snapshot.values)  # the interrupted run had in fact finished
        if snapshot is not None and (snapshot.next or snapshot.values):
            # Interrupted between the writes of a step and the next checkpoint: `next` is then
            # empty although the run is not done (every task of the step has its pending writes);
            # invoking with None applies them and goes on.
            app.invoke(None, config, durability="sync")
        else:
            saver.delete_thread(ctx.thread_id)
            app.invoke({}, config, durability="sync")
        return dict(app.get_state(config).values)
    finally:
        conn.close()
