"""Callers and topic sides from the code graph (`dwagent.tools.graph`), when it can answer.

This is the one place chat depends on the graph's API. The graph is loaded lazily (it is
persisted in the index once built) and any failure means "graph not available": the caller then
falls back to name-matched references and says so.
"""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

from dwagent.agents.chat.tools import CallSite
from dwagent.tools.graph.api import graph_for


class GraphAdapter:
    """Wraps `graph_for` + `query.who_calls` / `query.topic` for chat's questions."""

    def __init__(self, index: sqlite3.Connection, config=None) -> None:
        self.index = index
        self.config = config
        self._view = None
        self._failed = False

    def _graph(self):
        if self._view is None and not self._failed:
            try:
                self._view = graph_for(SimpleNamespace(conn=self.index), self.config)
            except Exception:  # a graph that cannot be built here is "not available", not a crash
                self._failed = True
        return self._view

    def callers(self, qualname: str) -> list[CallSite] | None:
        """Callers of the member, including publishers of topics it handles; None when unavailable."""
        view = self._graph()
        if view is None:
            return None
        from dwagent.tools.graph.query import who_calls

        try:
            sites = who_calls(view, qualname)
        except Exception:
            return None
        return sorted({CallSite(s.file, s.line, s.caller, f"graph:{s.via}") for s in sites}, key=lambda c: (c.file, c.line, c.scope, c.source))

    def topics_for(self, qualname: str) -> dict[str, list[CallSite]] | None:
        """For each topic the member publishes or subscribes to: the other sites of that topic."""
        view = self._graph()
        if view is None:
            return None
        from dwagent.tools.graph.query import topic

        out: dict[str, list[CallSite]] = {}
        try:
            own = sorted({s.topic for s in view.graph.bus if s.topic and (s.scope == qualname or qualname in s.handlers)})
            for name in own:
                use = topic(view, name)
                out[f"{name} publishers"] = [CallSite(s.file, s.line, s.scope, "graph:bus") for s in use.publishers]
                out[f"{name} subscribers"] = [CallSite(s.file, s.line, s.scope, "graph:bus") for s in use.subscribers]
        except Exception:
            return None
        return out

    def type_liveness(self, qualname: str) -> tuple[str, str] | None:
        """(type qualname, why it is wired or '') for the type declaring `qualname`; None when unknown."""
        view = self._graph()
        if view is None:
            return None
        parts = qualname.split(".")
        for n in range(len(parts), 0, -1):
            node = view.graph.types.get(".".join(parts[:n]))
            if node is not None:
                return node.qualname, node.live
        return None


def load_graph(index: sqlite3.Connection, config=None) -> GraphAdapter | None:
    """The graph adapter over this index (it says "not available" when the graph cannot be built)."""
    return GraphAdapter(index, config)
