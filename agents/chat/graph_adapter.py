"""Callers and topic sides from the code graph, when the graph package provides them.

The graph is built by another part of dwagent; this adapter is the one place chat depends on its
API, and returns None (meaning "graph not available") when it is missing or cannot answer.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from dwagent.agents.chat.tools import CallSite


class GraphAdapter:
    """Wraps the graph query module for chat's two questions."""

    def __init__(self, query_module, store) -> None:
        self.q = query_module
        self.store = store

    def callers(self, qualname: str) -> list[CallSite] | None:
        fn = getattr(self.q, "callers", None) or getattr(self.q, "who_calls", None)
        if fn is None:
            return None
        try:
            rows = fn(self.store, qualname)
        except Exception:  # an API mismatch or a graph that cannot answer: fall back honestly
            return None
        return sorted(
            (CallSite(_get(r, "file"), int(_get(r, "line") or 0), _get(r, "scope") or _get(r, "caller"), "graph") for r in rows),
            key=lambda s: (s.file, s.line),
        )

    def topics_for(self, qualname: str) -> dict[str, list[CallSite]] | None:
        fn = getattr(self.q, "topics_for", None)
        if fn is None:
            return None
        try:
            sides = fn(self.store, qualname)
        except Exception:
            return None
        return {
            side: [CallSite(_get(r, "file"), int(_get(r, "line") or 0), _get(r, "scope"), "graph") for r in rows]
            for side, rows in dict(sides).items()
        }


def _get(row, name: str):
    if isinstance(row, dict):
        return row.get(name, "")
    return getattr(row, name, "")


def load_graph(index, root: Path) -> GraphAdapter | None:
    """The graph adapter, or None when the graph query module is not installed."""
    if importlib.util.find_spec("dwagent.tools.graph.query") is None:
        return None
    from dwagent.tools.graph import query

    return GraphAdapter(query, index)
