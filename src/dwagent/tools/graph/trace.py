"""Trace declared flows through the combined call + bus graph.

For each waypoint the tracer runs a breadth-first search (depth cap `GraphConfig.trace_depth`)
from the node reached for the previous waypoint; when none exists it retries from earlier nodes
of the path, latest first, because orchestrators call stage after stage (the path from the
compress handler to the encrypt handler runs back through the pipeline that called both).
Resolved edges are preferred: `by-name` guesses are only used when no resolved path exists.
A waypoint no path reaches is a broken link naming the closest candidates tried: topics reached
that no one subscribes to, and the topics/callers through which the waypoint could be entered.
"""

from __future__ import annotations

import difflib
import re
from collections import deque

from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.flowchecks import flow_checks, hop_checks
from dwagent.tools.graph.flowtypes import BrokenLink, FlowSpec, FlowTrace, Hop
from dwagent.tools.graph.model import TOPIC_PREFIX, Edge

FOLLOW = frozenset({"call", "new", "method-group", "publish", "deliver"})


def _memo(view: GraphView, name: str) -> dict:
    """A per-graph memo (the graph does not change once built): several entries of one flow
    resolve the same waypoints, and a regex over every member costs seconds on a large tree."""
    return view.graph.__dict__.setdefault("_trace_memo", {}).setdefault(name, {})


def resolve_waypoint(view: GraphView, waypoint: str) -> list[str]:
    """Node ids a waypoint names (see FlowSpec), sorted; production members when any match."""
    memo = _memo(view, "resolve")
    if waypoint not in memo:
        found = _resolve(view, waypoint)
        prod = [q for q in found if q in view.graph.methods and view.graph.methods[q].role == "production"]
        memo[waypoint] = tuple(prod or found)
    return list(memo[waypoint])


def _resolve(view: GraphView, waypoint: str) -> list[str]:
    g = view.graph
    w = waypoint.strip()
    if w.startswith(TOPIC_PREFIX):
        return [w] if g.in_edges(w) or g.out_edges(w) else []
    if w.startswith("re:"):
        rx = re.compile(w[3:])
        return sorted(q for q in g.methods if rx.search(q))
    if w in g.methods:
        return [w]
    suffix = "." + w
    hits = sorted(q for q in g.methods if q.endswith(suffix))
    if hits:
        return hits
    if w in g.types or any(q.endswith(suffix) for q in g.types):
        types = [q for q in g.types if q == w or q.endswith(suffix)]
        return sorted(m for m, node in g.methods.items() if node.container in types and node.kind == "method")
    return []


def _bfs(view: GraphView, sources: list[str], targets: set[str], kinds: frozenset[str], depth: int, avoid: set[str]) -> list[Edge] | None:
    """Shortest edge path from any source to any target (sources tried together), or None."""
    prev: dict[str, Edge | None] = {s: None for s in sources}
    queue = deque((s, 0) for s in sources)
    while queue:
        node, d = queue.popleft()
        if node in targets and prev[node] is not None:
            path = []
            cur = node
            while prev[cur] is not None:
                e = prev[cur]
                path.append(e)
                cur = e.src
            return list(reversed(path))
        if d >= depth:
            continue
        for e in view.graph.out_edges(node):
            if e.kind not in kinds or e.dst in prev or e.dst in avoid:
                continue
            prev[e.dst] = e
            queue.append((e.dst, d + 1))
    return None


def _reached(view: GraphView, sources: list[str], depth: int) -> set[str]:
    seen = set(sources)
    queue = deque((s, 0) for s in sources)
    while queue:
        node, d = queue.popleft()
        if d >= depth:
            continue
        for e in view.graph.out_edges(node):
            if e.kind in FOLLOW | {"by-name"} and e.dst not in seen:
                seen.add(e.dst)
                queue.append((e.dst, d + 1))
    return seen


def _candidates(view: GraphView, waypoint: str, targets: list[str], sources: list[str]) -> tuple[str, tuple[str, ...]]:
    g = view.graph
    if not targets:
        memo = _memo(view, "near")
        if waypoint.startswith("re:"):
            memo[waypoint] = ()  # a pattern is not a name: there is no near name to suggest
        if waypoint not in memo:
            if "" not in memo:  # the Type.Member names, once per graph
                memo[""] = sorted({q.rsplit(".", 2)[-2] + "." + q.rsplit(".", 1)[-1] for q in g.methods if q.count(".") >= 1})
            word = waypoint.rsplit(".", 2)[-1] if "." in waypoint else waypoint
            memo[waypoint] = tuple(difflib.get_close_matches(word, memo[""], n=3))
        return f"waypoint '{waypoint}' matches no declared member or topic", memo[waypoint]
    reached = _reached(view, sources, view.config.trace_depth)
    dead_topics = sorted(n for n in reached if n.startswith(TOPIC_PREFIX) and not g.out_edges(n))
    entries: list[str] = []
    entry_topics: list[str] = []
    for t in targets:
        for s in g.bus:
            if s.side == "subscribe" and t in s.handlers:
                pubs = [e for e in g.in_edges(TOPIC_PREFIX + s.topic) if e.kind == "publish"] if s.topic else []
                entry_topics.append(s.topic or s.expr)
                entries.append(f"subscribed to '{s.topic or s.expr}' at {s.file}:{s.line}" + ("" if pubs else " (nothing publishes it)"))
        for e in g.in_edges(t):
            if e.kind in ("call", "by-name", "new", "method-group"):
                entries.append(f"called from {e.src} at {e.file}:{e.line}")
    keys = entry_topics or [waypoint]

    def closeness(topic_node: str) -> float:
        name = topic_node[len(TOPIC_PREFIX) :]
        return max(difflib.SequenceMatcher(None, name, k).ratio() for k in keys)

    ranked = sorted(dead_topics, key=lambda n: (-closeness(n), n))[:3]
    tried = [f"{n} (reached from the flow, but no subscriber receives it)" for n in ranked]
    reason = f"no path from the flow so far to {waypoint} within {view.config.trace_depth} hops" + (
        f"; it is entered only via: {'; '.join(sorted(set(entries))[:4])}" if entries else "; nothing calls it or delivers to it"
    )
    return reason, tuple(tried + sorted(set(entries))[:4])


def _hop_for(view: GraphView, e: Edge, waypoint: str = "") -> Hop:
    m = view.graph.methods.get(e.dst)
    return Hop(
        node=e.dst,
        via=e.kind,
        file=e.file,
        line=e.line,
        excerpt=view.source.line(e.file, e.line),
        decl_file=m.file if m else "",
        decl_line=m.start_line if m else 0,
        waypoint=waypoint,
    )


def trace_flow(view: GraphView, spec: FlowSpec) -> FlowTrace:
    """Trace `spec` and run its checks."""
    entry = resolve_waypoint(view, spec.entry)
    if not entry:
        reason, near = _candidates(view, spec.entry, [], [])
        return FlowTrace(
            spec=spec,
            status="NOT VERIFIED",
            reason=f"entry: {reason}",
            broken=(BrokenLink(waypoint=spec.entry, after="", reason=reason, candidates=near),),
        )
    # several members may match the entry: trace from each (bounded) and keep the best
    best: FlowTrace | None = None
    for first in entry[:MAX_ENTRIES]:
        trace = _trace_from(view, spec, first)
        if best is None or (len(trace.broken), -len(trace.hops)) < (len(best.broken), -len(best.hops)):
            best = trace
    return best  # type: ignore[return-value]


MAX_ENTRIES = 8


def _trace_from(view: GraphView, spec: FlowSpec, first: str) -> FlowTrace:
    m = view.graph.methods.get(first)
    hops: list[Hop] = [
        Hop(
            node=first,
            via="entry",
            file=m.file if m else "",
            line=m.start_line if m else 0,
            excerpt=view.source.line(m.file, m.start_line) if m else "",
            decl_file=m.file if m else "",
            decl_line=m.start_line if m else 0,
            waypoint=spec.entry,
        )
    ]
    path_nodes = [first]
    broken: list[BrokenLink] = []
    depth = view.config.trace_depth
    for wp in spec.waypoints:
        targets = resolve_waypoint(view, wp)
        found = None
        if targets:
            tset = set(targets)
            for kinds in (FOLLOW, FOLLOW | {"by-name"}):
                for i in range(len(path_nodes) - 1, -1, -1):
                    found = _bfs(view, [path_nodes[i]], tset, kinds, depth, set(path_nodes[:i]))
                    if found:
                        break
                if found:
                    break
            if not found and set(path_nodes) & tset:
                continue  # already on the path
        if not found:
            reason, near = _candidates(view, wp, targets, path_nodes)
            broken.append(BrokenLink(waypoint=wp, after=path_nodes[-1], reason=reason, candidates=near))
            if targets:
                path_nodes.append(targets[0])  # keep tracing the later waypoints from here
            continue
        for j, e in enumerate(found):
            hops.append(_hop_for(view, e, wp if j == len(found) - 1 else ""))
            path_nodes.append(e.dst)
    per_hop = hop_checks(view, hops)
    flow = flow_checks(view, spec, hops, per_hop)
    statuses = {c.status for c in flow}
    if broken or "FAIL" in statuses:
        status = "FAIL"
    elif "NOT FOUND" in statuses:
        status = "CONDITIONAL"
    else:
        status = "PASS"
    reason = "; ".join(
        [f"broken at {b.waypoint}" for b in broken] + [f"{c.check} {c.status}" for c in flow if c.status not in ("PASS", "NOT APPLICABLE")]
    )
    return FlowTrace(spec=spec, status=status, reason=reason, hops=tuple(hops), broken=tuple(broken), hop_checks=tuple(per_hop), checks=tuple(flow))


def trace_path(view: GraphView, source: str, target: str) -> FlowTrace:
    """`dwagent trace --from X --to Y`: a one-waypoint flow with no required controls."""
    return trace_flow(view, FlowSpec(name=f"{source} -> {target}", entry=source, waypoints=(target,)))
