"""One code graph per run and process: the evidence node builds it (through the wiring rules);
the reviewer and the flow tracer reuse it instead of reloading it from the index database."""
from __future__ import annotations

import threading

_LOCK = threading.Lock()
_VIEWS: dict[str, object] = {}  # index database path -> GraphView (latest only)


def _db_key(conn) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else ""


def remember(conn, view) -> None:
    """Keep the view the evidence node used, for the later nodes of the same process."""
    with _LOCK:
        _VIEWS.clear()
        _VIEWS[_db_key(conn)] = view


def view_for(sources):
    """The GraphView for this index and config: the remembered one when its content key still
    matches, else loaded (or built) through tools/graph/api.graph_for."""
    from dwagent.tools.graph.api import graph_for
    from dwagent.tools.graph.persist import content_key

    key = content_key(sources.conn, sources.graph_config)
    with _LOCK:
        view = _VIEWS.get(_db_key(sources.conn))
    if view is not None and getattr(view.graph, "key", None) == key:
        # the remembered view reads source lines through the evidence node's (now closed)
        # connection: rebind that part to this node's connection
        from dwagent.tools.graph.api import GraphView
        from dwagent.tools.graph.source import SourceLines

        return GraphView(view.graph, SourceLines(sources.conn), view.config)
    view = graph_for(sources, sources.graph_config)
    remember(sources.conn, view)
    return view
