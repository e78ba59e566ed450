"""Flow tracer: each rubric flow from its entry through its waypoints, with the five controls.

With the code graph (tools/graph/trace.py) the hops are a real call/bus path. Without it, the
waypoints are only located by name: the hops are shown but the flow can be at best NOT VERIFIED,
because a list of names is not a path.
"""

from __future__ import annotations

import time

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.passages import PassageSearch, literal_words
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.cells import cell, code_evidence, evidence_table
from dwagent.agents.verdict.flow_cells import trace_with_graph
from dwagent.models import SECURITY_CATEGORIES, Evidence
from dwagent.rubric.schema import Flow
from dwagent.tools.retrieve.hits import Filters

# Which counted findings on a hop's member break which control.
CONTROL_CATEGORIES = {
    "async": frozenset({"sync-over-async", "fake-async-delay"}),
    "errors": frozenset({"empty-catch", "not-implemented", "stub-return"}),
    "cancellation": frozenset(),
    "cleanup": frozenset({"unbounded-growth"}),
    "security": SECURITY_CATEGORIES,
}
MEMBER_KINDS = ("method", "function", "constructor")


def _locate(sources: Sources, globs: tuple[str, ...]) -> dict | None:
    hits = [s for s in sources.symbols(kinds=MEMBER_KINDS + ("class",), name_globs=globs) if s["role"] == "production"]
    if not hits:
        return None
    return sorted(hits, key=lambda s: (s["kind"] == "class", s["path"], s["start_line"]))[0]


def trace_flow(sources: Sources, flow: Flow, findings: list[dict]) -> tuple[dict, list[Evidence]]:
    """One flow's trace: hops (file:line), per-control cells and an overall status."""
    result = trace_with_graph(sources, flow, findings)
    if result is not None:
        return result
    evidence: list[Evidence] = []
    hops = []
    entry = _locate(sources, flow.entry)
    steps = [("entry", flow.entry)] + [(w.name, w.symbols) for w in flow.waypoints]
    missing = []
    for name, globs in steps:
        sym = entry if name == "entry" else _locate(sources, globs)
        if sym is None:
            missing.append(name)
            hops.append({"name": name, "found": False, "symbol": "", "file": "", "line": 0})
            continue
        ev = code_evidence(sources, sym["path"], sym["start_line"], note=f"{flow.id} {name}: {sym['qualname']}")
        evidence.append(ev)
        hops.append(
            {
                "name": name,
                "found": True,
                "symbol": sym["qualname"],
                "file": sym["path"],
                "line": sym["start_line"],
                "end_line": sym["end_line"],
                "evidence_id": ev.id,
            }
        )
    checks = {}
    located = [h for h in hops if h["found"]]
    for control in flow.controls:
        cats = CONTROL_CATEGORIES[control]
        bad = [
            f
            for f in findings
            if f["category"] in cats and any(h["file"] == f["file"] and h["line"] <= f["start_line"] <= h.get("end_line", h["line"]) for h in located)
        ]
        if bad:
            checks[control] = cell("FAIL", f"{len(bad)} finding(s) on the traced members", finding_ids=[f["id"] for f in bad])
        elif not cats:
            checks[control] = cell("NOT VERIFIED", "no evidence source for this control without the code graph")
        else:
            checks[control] = cell("NOT VERIFIED", "no findings on located members, but the call path is not verified")
    if entry is None:
        status, reason = "NOT VERIFIED", "entry not found"
    elif any(c["status"] == "FAIL" for c in checks.values()):
        status, reason = "FAIL", "a control fails on a traced member"
    else:
        status = "NOT VERIFIED"
        reason = "code graph unavailable: waypoints located by name only" + (f"; not found: {', '.join(missing)}" if missing else "")
    row = {
        "id": flow.id,
        "name": flow.name,
        "status": status,
        "reason": reason,
        "hops": hops,
        "cells": checks,
        "evidence_ids": sorted(e.id for e in evidence),
        "finding_ids": sorted({i for c in checks.values() for i in c["finding_ids"]}),
    }
    return row, evidence


# The fields of a finding the by-name trace reads: each flow task receives only these (the Send
# payload is checkpointed once per flow, so the whole findings list would be copied N times).
_TASK_FIELDS = ("id", "category", "file", "start_line")
_CONTROL_ANY = frozenset().union(*CONTROL_CATEGORIES.values())


def flow_tasks(state: CertifyState, ctx: RunContext) -> list[dict]:
    """One payload per rubric flow, in rubric order, for the per-flow fan-out (graph.py sends
    each to `trace_flow_node`): the flow id and the counted findings a trace can cite."""
    counted = [
        {k: f[k] for k in _TASK_FIELDS}
        for f in state.get("findings", [])
        if (f.get("suppression") or {}).get("kind") != "certifier-baseline" and f["category"] in _CONTROL_ANY
    ]
    return [{"flow_id": flow.id, "findings": counted} for flow in ctx.rubric.rubric.flows]


def trace_flow_node(task: dict, ctx: RunContext) -> dict:
    """Graph node run once per flow (a `Send` payload from `flow_tasks`): that flow's trace."""
    started = time.perf_counter()
    flow = next(f for f in ctx.rubric.rubric.flows if f.id == task["flow_id"])
    with Sources.open(ctx) as sources:
        row, evidence = trace_flow(sources, flow, task["findings"])
        retrieved, dense_reason = cite_unreached(sources, flow, row)
    if retrieved:
        row = {**row, "evidence_ids": sorted({*row["evidence_ids"], *(e.id for e in retrieved)})}
    update = {
        "flow_rows": {flow.id: row},
        "evidence": evidence_table([*evidence, *retrieved]),
        "timings": {f"flow_tracer.{flow.id}": round(time.perf_counter() - started, 3)},
    }
    return {**update, "optional": {"dense": dense_reason}} if dense_reason else update


# Waypoints of one flow the trace did not reach that are searched for in the tree: a bounded
# number of index queries per flow.
UNREACHED_QUERIES = 3


def cite_unreached(sources: Sources, flow: Flow, row: dict) -> tuple[list[Evidence], str]:
    """Retrieved passages that name a waypoint the trace could not reach (where the name lives,
    off the traced path), and why dense ranking did not join ('' when it did or nothing ran).
    The flow's status and cells do not change: the passages say where to look."""
    globs = {"entry": flow.entry, **{w.name: w.symbols for w in flow.waypoints}}
    search = PassageSearch(sources, UNREACHED_QUERIES)
    found: list[Evidence] = []
    for hop in row.get("hops", []):
        usable = [g for g in globs.get(hop["name"], ()) if literal_words(g)] if not hop["found"] else []
        if usable:
            found += search.matching(
                usable[0], note=f"flow {flow.id} waypoint {hop['name']}, not reached by the trace", filters=Filters(role="production")
            )
    return found, search.dense_reason if search.used else ""


def flows_traced_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node after the per-flow fan-out (also reached directly when the rubric has no flow):
    the flow rows in rubric order, whatever order the parallel tasks finished in; and the flow
    tracer's cost beside the per-flow figures: `cpu.flow_tracer` sums the tasks' CPU seconds (what
    the one-node tracer reported), `flow_tracer` is the longest task's wall time (the tasks run
    in parallel, so their wall times do not add up)."""
    rows = state.get("flow_rows", {})
    timings = state.get("timings", {})
    wall = [v for k, v in timings.items() if k.startswith("flow_tracer.")]
    cpu = [v for k, v in timings.items() if k.startswith("cpu.flow_tracer.")]
    return {
        "flows": {flow.id: rows[flow.id] for flow in ctx.rubric.rubric.flows if flow.id in rows},
        "timings": {"flow_tracer": round(max(wall, default=0.0), 3), "cpu.flow_tracer": round(sum(cpu), 3)},
    }
