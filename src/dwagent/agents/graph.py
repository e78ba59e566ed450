"""The certification graph: LangGraph StateGraph wiring with a SQLite checkpointer.

    reader ─┐  (no source file: ─▶ nothing_to_audit ─▶ adjudicator)
            │                     ┌─ plugin_auditor ─────────────────────────────────────────┐
            ├─ hostile_reviewer ──┼─ Send × flow ─▶ trace_flow ─▶ flows_traced ─┬▶ tier_checker ┼─ review_passes
    evidence┘  (findings pass)    │  (no flow: straight to flows_traced)      └▶ llm_flows ─┘ │   (PASS challenges)
                                  └─ claims_checker ─────────────────────────────────────────┘
    review_passes ─ adjudicator ─ competitor_analyst ─┬▶ END
                                                      └▶ llm_prose ─▶ END      (llm_*: only with a model)

The reviewer judges findings before the matrices use them, so a dropped quote or a test-only hit
can never fail a cell; it then challenges every PASS the matrices produced. Each rubric flow is
its own task (`Send`), traced in parallel and cached on its own; `flows_traced` puts the rows back
in rubric order. The optional LLM stages are conditional edges on one graph shape: offline the
routes never enter them. A tree without source files exits early to the verdict. Checkpoints are written synchronously after every step, so `--resume`
continues after a crash (kill -9 included) from the last completed step with the same inputs,
and gives the same result.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from dwagent.agents.context import RunContext
from dwagent.agents.node_cache import run_cached
from dwagent.agents.nodes.adjudicator import adjudicator_node
from dwagent.agents.nodes.claims_checker import claims_checker_node
from dwagent.agents.nodes.competitor_analyst import competitor_node
from dwagent.agents.nodes.evidence import evidence_node
from dwagent.agents.nodes.flow_tracer import flow_tasks, flows_traced_node, trace_flow_node
from dwagent.agents.nodes.hostile_reviewer import findings_node, passes_node
from dwagent.agents.nodes.llm_stages import llm_flows_node, llm_prose_node, resume_llm
from dwagent.agents.nodes.nothing_to_audit import nothing_to_audit_node
from dwagent.agents.nodes.plugin_auditor import plugin_auditor_node
from dwagent.agents.nodes.reader import reader_node
from dwagent.agents.nodes.tier_checker import tier_checker_node
from dwagent.agents.state import CertifyState

if TYPE_CHECKING:  # langgraph's config type lives in langchain-core, which it depends on
    from langchain_core.runnables import RunnableConfig

NODES: dict[str, Callable] = {
    "reader": reader_node,
    "evidence": evidence_node,
    "hostile_reviewer": findings_node,
    "plugin_auditor": plugin_auditor_node,
    "trace_flow": trace_flow_node,
    "flows_traced": flows_traced_node,
    "llm_flows": llm_flows_node,
    "tier_checker": tier_checker_node,
    "claims_checker": claims_checker_node,
    "review_passes": passes_node,
    "competitor_analyst": competitor_node,
    "adjudicator": adjudicator_node,
    "llm_prose": llm_prose_node,
    "nothing_to_audit": nothing_to_audit_node,
}


class InjectedCrash(RuntimeError):
    """Raised on purpose inside a node (crash-injection for resume tests)."""


def _label(name: str, state: Mapping[str, Any]) -> tuple[str, str]:
    """(label for progress and timings, node-cache slot) of one node run: a per-flow task is
    `flow_tracer.<flow id>`, cached per flow; every other node is itself, one slot."""
    if name == "trace_flow":
        return f"flow_tracer.{state['flow_id']}", state["flow_id"]
    return name, ""


def _bound(name: str, fn: Callable, ctx: RunContext) -> Callable:
    def node(state: dict[str, Any]) -> dict:  # CertifyState, or a Send payload for a per-item node
        label, slot = _label(name, state)
        if ctx.progress:
            ctx.progress(label, "start")
        if ctx.fail_in == name:
            raise InjectedCrash(f"injected crash in {name}")
        started, cpu = time.perf_counter(), time.thread_time()
        update = run_cached(name, fn, state, ctx, slot=slot)  # unchanged inputs: the stored result
        if ctx.progress:
            ctx.progress(label, f"done {time.perf_counter() - started:.1f}s")
        # CPU seconds of this node's thread: parallel branches share 2 cores, so wall time alone
        # says little about what a node costs (run.json shows both)
        cpu_used = {f"cpu.{label}": round(time.thread_time() - cpu, 3)}
        update = {**update, "timings": {**update.get("timings", {}), **cpu_used}}
        if ctx.gateway is not None:  # checkpointed with the step, so --resume keeps the model's usage
            update["llm_ledger"] = ctx.gateway.ledger.to_state()
        return update

    node.__name__ = name
    return node


def build_graph(ctx: RunContext) -> StateGraph:
    """The uncompiled StateGraph with every node bound to the run context. One shape for every
    run: what differs (flows in the rubric, a model or none) is decided by the routes below."""
    g = StateGraph(CertifyState)
    for name in NODES:
        g.add_node(name, _bound(name, NODES[name], ctx))

    def route_after_review(state: CertifyState) -> list[str | Send] | Literal["nothing_to_audit"]:
        """The matrix nodes, with one task per rubric flow (a rubric without flows goes straight
        to the flows' join); a tree without source files exits early to the verdict."""
        if not state.get("inventory", {}).get("source_files"):
            return "nothing_to_audit"
        tasks = flow_tasks(state, ctx)
        flows: list[str | Send] = [Send("trace_flow", task) for task in tasks] if tasks else ["flows_traced"]
        return ["plugin_auditor", "claims_checker", *flows]

    def route_after_flows(state: CertifyState) -> Literal["llm_flows", "tier_checker"]:
        """With a model its flow-hop pass runs before the tiers read the flows."""
        return "llm_flows" if ctx.gateway is not None else "tier_checker"

    def route_after_verdict(state: CertifyState) -> str:
        """With a model its prose pass runs after the verdict exists (it never changes it)."""
        return "llm_prose" if ctx.gateway is not None else END

    g.add_edge(START, "reader")
    g.add_edge(START, "evidence")
    g.add_edge(["reader", "evidence"], "hostile_reviewer")
    g.add_conditional_edges(
        "hostile_reviewer", route_after_review, ["plugin_auditor", "claims_checker", "trace_flow", "flows_traced", "nothing_to_audit"]
    )
    g.add_edge("nothing_to_audit", "adjudicator")
    g.add_edge("trace_flow", "flows_traced")
    g.add_conditional_edges("flows_traced", route_after_flows, ["llm_flows", "tier_checker"])
    g.add_edge("llm_flows", "tier_checker")
    g.add_edge(["plugin_auditor", "tier_checker", "claims_checker"], "review_passes")
    # The analyst runs after the verdict: the comparison cites the certification's blocking items.
    g.add_edge("review_passes", "adjudicator")
    g.add_edge("adjudicator", "competitor_analyst")
    g.add_conditional_edges("competitor_analyst", route_after_verdict, ["llm_prose", END])
    g.add_edge("llm_prose", END)
    return g


def run_graph(ctx: RunContext, checkpoint_db: Path, resume: bool) -> dict:
    """Run (or resume) the graph; returns the final state."""
    checkpoint_db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(checkpoint_db), check_same_thread=False)
    try:
        saver = SqliteSaver(conn)
        saver.setup()
        config: RunnableConfig = {"configurable": {"thread_id": ctx.thread_id}}
        app = build_graph(ctx).compile(checkpointer=saver)
        snapshot = app.get_state(config) if resume else None
        if snapshot is not None and snapshot.values and ctx.gateway is not None:
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
