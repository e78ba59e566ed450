"""The graph as other parts use it: one call that returns an up-to-date graph for an index store.

`graph_for(store, config)` loads the persisted graph when the index has not changed, else builds
and saves it; the result is cached per (database, content key) within the process, so the
several wiring rules run by the rules engine share one build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dwagent.tools.graph.config import GraphConfig, default_for
from dwagent.tools.graph.model import CodeGraph
from dwagent.tools.graph.persist import content_key, load_graph
from dwagent.tools.graph.source import SourceLines

# Keyed by the index's content key; the entry also holds its connection, so a later connection that
# happens to get the same id() (after the first was closed and freed) never receives a view bound to it.
_CACHE: dict[str, tuple[Any, GraphView]] = {}


@dataclass
class GraphView:
    """A built graph plus the source lines of the index it came from."""

    graph: CodeGraph
    source: SourceLines
    config: GraphConfig


def coerce_config(config: Any) -> GraphConfig:
    """A GraphConfig from what a caller holds: a GraphConfig, an object or mapping with a `graph`
    entry (GraphConfig or mapping), a plain mapping of graph settings, or None (C# defaults)."""
    if isinstance(config, GraphConfig):
        return config
    if config is None:
        return GraphConfig.csharp_default()
    inner = config.get("graph") if isinstance(config, Mapping) else getattr(config, "graph", None)
    if isinstance(inner, GraphConfig):
        return inner
    if isinstance(inner, Mapping):
        return GraphConfig.from_mapping(inner)
    if isinstance(config, Mapping) and inner is None:
        return GraphConfig.from_mapping(config)
    return GraphConfig.csharp_default()


def _main_language(conn) -> str:
    """csharp or python: whichever has more indexed files (C# on a tie or an empty tree)."""
    counts = dict(conn.execute("SELECT language, COUNT(*) FROM files WHERE language IN ('csharp', 'python') GROUP BY language").fetchall())
    return "python" if counts.get("python", 0) > counts.get("csharp", 0) else "csharp"


def graph_for(store: Any, config: Any = None) -> GraphView:
    """The up-to-date graph for an index store (anything with a sqlite3 `conn`)."""
    conn = store.conn
    cfg = coerce_config(config) if config is not None else default_for(_main_language(conn))
    key = content_key(conn, cfg)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is conn:
        return hit[1]
    graph = load_graph(conn, cfg)
    view = GraphView(graph, SourceLines(conn), cfg)
    _CACHE.clear()  # one tree at a time: keep memory bounded
    _CACHE[key] = (conn, view)
    return view
