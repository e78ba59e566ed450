"""Flow tracing through the code graph (tools/graph/trace.py): the rubric's flow mapped onto a
FlowSpec, the FlowTrace mapped back onto the report's hops and control cells."""

from __future__ import annotations

import re

from dwagent.agents.verdict.cells import absence, cell, code_evidence
from dwagent.agents.verdict.flow_links import classify_link, flow_status
from dwagent.models import Evidence
from dwagent.rubric.schema import Flow
from dwagent.tools.graph.flowtypes import FlowSpec
from dwagent.tools.graph.trace import trace_flow

# Rubric control -> the tracer's flow-level check name(s).
CONTROL_CHECKS = {"async": ("async",), "errors": ("error-handling",), "cancellation": ("cancellation",), "cleanup": ("disposal",)}


def glob_waypoint(globs: tuple[str, ...]) -> str:
    """A tracer waypoint (`re:`) matching member qualnames whose full name or last segments
    match one of the rubric's identifier globs (case-insensitive).

    Each glob `G` means `(?:^|\\.)G$` searched in the qualname. A leading `*` already matches
    from the start of the name, so the segment anchor is dropped for it, and a trailing `*` makes
    the end anchor moot; the shorter pattern matches the same names without the backtracking of
    `.*` at every position (seconds per flow on a large tree)."""
    parts = []
    for g in globs:
        core = g.strip("*")
        rx = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in core)
        parts.append(("" if g.startswith("*") else "(?:^|\\.)") + rx + ("" if g.endswith("*") else "$"))
    return "re:(?i)(?:" + "|".join(parts) + ")"


def _evidence(sources, file: str, start: int, end: int, excerpt: str, note: str) -> Evidence | None:
    if not file or start < 1:
        return None
    return code_evidence(sources, file, start, end or start, note=note)


def _unauthenticated_entries(view, hops) -> list:
    """Network entry points with no peer authentication whose type holds a hop of the trace."""
    owners = {view.graph.methods[h.node].container for h in hops if h.node in view.graph.methods}
    return [e for e in getattr(view.graph, "entry_points", ()) if e.network and e.auth == "none" and e.owner in owners]


def trace_with_graph(sources, flow: Flow, findings: list[dict]):
    """(row, evidence) for one flow traced over the code graph; None when the graph is unavailable."""
    if getattr(sources, "graph_config", None) is None:
        return None
    view = sources.graph_view()
    spec = FlowSpec(
        name=flow.id,
        entry=glob_waypoint(flow.entry),
        waypoints=tuple(glob_waypoint(w.symbols) for w in flow.waypoints),
        requires=flow.security_controls if "security" in flow.controls else (),
    )
    trace = trace_flow(view, spec)
    names = {spec.entry: "entry", **{glob_waypoint(w.symbols): w.name for w in flow.waypoints}}
    evidence: list[Evidence] = []
    hops = []
    for h in trace.hops:
        ev = _evidence(sources, h.file, h.line, h.line, h.excerpt, f"{flow.id}: {h.via} {h.node}")
        if ev:
            evidence.append(ev)
        hops.append(
            {
                "name": names.get(h.waypoint, "") or h.node.rsplit(".", 1)[-1],
                "found": True,
                "symbol": h.node,
                "file": h.file,
                "line": h.line,
                "end_line": h.line,
                "via": h.via,
                "evidence_id": ev.id if ev else "",
                "checks": {c.check: c.status for c in trace.hop_checks if c.hop == h.node},
            }
        )
    globs_of = {spec.entry: flow.entry, **{glob_waypoint(w.symbols): w.symbols for w in flow.waypoints}}
    links: list[tuple[str, str, str]] = []
    for b in trace.broken:
        kind, text = classify_link(view, b, globs_of.get(b.waypoint, ()))
        name = names.get(b.waypoint, b.waypoint)
        links.append((kind, name, text))
        hops.append({"name": name, "found": False, "symbol": "", "file": "", "line": 0, "via": f"{kind}: {text}"[:400]})
    checks: dict[str, dict] = {}
    by_name = {c.check: c for c in trace.checks}
    for control in flow.controls:
        wanted = CONTROL_CHECKS.get(control) or tuple(spec.requires)
        found = [by_name[n] for n in wanted if n in by_name]
        if control == "security" and not spec.requires:
            ev = absence(flow.id, "the rubric requires no security control on this flow")
            evidence.append(ev)
            checks[control] = cell("PASS", "no security control required", [ev])
            continue
        if not found:
            checks[control] = cell(
                "NOT VERIFIED", "no security control required by the rubric" if control == "security" else "the tracer did not report this check"
            )
            continue
        evs = [
            e for e in (_evidence(sources, c.file, c.start_line, c.end_line, c.excerpt, f"{flow.id} {c.check}: {c.detail[:120]}") for c in found) if e
        ]
        evidence.extend(evs)
        # a required control "not found" on a trace that stopped short says nothing about the stages
        # never reached: NOT FOUND, not FAIL (a control the traced hops break is still a FAIL)
        status_of = {id(c): "NOT FOUND" if trace.broken and c.status == "FAIL" and "not found: searched" in c.detail else c.status for c in found}
        statuses = set(status_of.values())
        detail = "; ".join(f"{c.check} {status_of[id(c)]}: {c.detail}" for c in found)
        if trace.broken and any(status_of[id(c)] != c.status for c in found):
            detail += f" (the trace stopped short of {len(trace.broken)} waypoint(s))"
        detail = detail[:400]
        if "FAIL" in statuses:
            checks[control] = cell("FAIL", detail, evs)
        elif "NOT FOUND" in statuses:
            checks[control] = cell("NOT VERIFIED", detail, evs)
        elif statuses == {"NOT APPLICABLE"}:  # e.g. cancellation on a flow of sync CPU-only hops
            checks[control] = cell("NOT APPLICABLE", detail, evs)
        else:
            checks[control] = cell("PASS", detail, evs)
    crossed = _unauthenticated_entries(view, trace.hops)
    if crossed:
        evs = [
            code_evidence(
                sources, e.file, e.line, note=f"{flow.id}: crosses {e.kind} (bind {e.bind}, tls {e.tls}, auth {e.auth}): {e.auth_evidence[:160]}"
            )
            for e in crossed
        ]
        evidence.extend(evs)
        checks["entry_points"] = cell(
            "FAIL",
            f"the flow crosses {len(crossed)} network entry point(s) that authenticate no peer (first: {crossed[0].file}:{crossed[0].line})",
            evs,
        )
    status, reason = flow_status(trace.status, links, checks)
    row = {
        "id": flow.id,
        "name": flow.name,
        "status": status,
        "reason": reason,
        "hops": hops,
        "cells": checks,
        "evidence_ids": sorted({e.id for e in evidence}),
        "finding_ids": [],
    }
    return row, evidence
