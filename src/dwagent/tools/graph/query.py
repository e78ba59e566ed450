"""Questions agents and the CLI ask the graph: who calls X, what X calls, who uses a topic, a path.

"Who calls X" follows the bus: when X handles a topic, the publishers of that topic are callers
too (`via` = `bus:<topic>`), because components that talk only through the bus never call each
other directly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.bus import topic_matches
from dwagent.tools.graph.flowtypes import FlowTrace
from dwagent.tools.graph.model import TOPIC_PREFIX, BusSite
from dwagent.tools.graph.trace import resolve_waypoint, trace_path


@dataclass(frozen=True)
class CallSite:
    """One call (or bus delivery) into or out of a member, with its line."""

    caller: str
    callee: str
    via: str  # call | new | method-group | by-name | bus:<topic>
    file: str
    line: int
    excerpt: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TopicUse:
    """Publishers and subscribers of a topic (exact and pattern matches)."""

    topic: str
    publishers: tuple[BusSite, ...]
    subscribers: tuple[BusSite, ...]

    def to_dict(self) -> dict:
        return {"topic": self.topic, "publishers": [asdict(s) for s in self.publishers], "subscribers": [asdict(s) for s in self.subscribers]}


def _site(view: GraphView, caller: str, callee: str, via: str, file: str, line: int) -> CallSite:
    return CallSite(caller, callee, via, file, line, view.source.line(file, line).strip())


def who_calls(view: GraphView, symbol: str) -> list[CallSite]:
    """Every caller of the members `symbol` names, including publishers of topics they handle."""
    g = view.graph
    out: set[CallSite] = set()
    for target in resolve_waypoint(view, symbol):
        for e in g.in_edges(target):
            if e.kind == "deliver":
                for p in g.in_edges(e.src):
                    if p.kind == "publish":
                        out.add(_site(view, p.src, target, "bus:" + e.src[len(TOPIC_PREFIX) :], p.file, p.line))
            elif e.kind in ("call", "new", "method-group", "by-name"):
                out.add(_site(view, e.src, target, e.kind, e.file, e.line))
    return sorted(out, key=lambda c: (c.callee, c.file, c.line, c.caller))


def callers(view: GraphView, symbol: str) -> list[CallSite]:
    """Direct callers only (no bus)."""
    return [c for c in who_calls(view, symbol) if not c.via.startswith("bus:")]


def callees(view: GraphView, symbol: str) -> list[CallSite]:
    """What the members `symbol` names call or publish (publish edges end at `topic:<name>`)."""
    g = view.graph
    out: set[CallSite] = set()
    for src in resolve_waypoint(view, symbol):
        for e in g.out_edges(src):
            if e.kind == "publish":
                out.add(_site(view, src, e.dst, "bus:" + e.dst[len(TOPIC_PREFIX) :], e.file, e.line))
            elif e.kind in ("call", "new", "method-group", "by-name"):
                out.add(_site(view, src, e.dst, e.kind, e.file, e.line))
    return sorted(out, key=lambda c: (c.caller, c.file, c.line, c.callee))


def topic(view: GraphView, name: str) -> TopicUse:
    """Sites of a topic given by value (`storage.write`), pattern, or the constant written (`Topics.X`)."""
    g = view.graph
    sites = [s for s in g.bus if s.topic]
    values = {s.topic for s in sites if s.expr == name or s.expr.endswith("." + name)} or {name}
    pubs, subs = [], []
    for s in sites:
        for v in values:
            pattern = "*" in v or "#" in v
            if s.side == "publish" and topic_matches(v, s.topic, pattern, s.pattern):
                pubs.append(s)
                break
            if s.side == "subscribe" and topic_matches(s.topic, v, s.pattern, pattern):
                subs.append(s)
                break
    key = lambda s: (s.file, s.line)  # noqa: E731
    return TopicUse(", ".join(sorted(values)), tuple(sorted(pubs, key=key)), tuple(sorted(subs, key=key)))


def path(view: GraphView, source: str, target: str) -> FlowTrace:
    """A traced path from `source` to `target` (see `trace.trace_path`)."""
    return trace_path(view, source, target)
