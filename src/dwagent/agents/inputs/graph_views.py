"""The code graph views of one run: the evidence node hands over the graph its wiring rules built,
and the reviewer, plugin auditor, flow tracer and tier checker reuse it instead of reloading it
from the index database. One holder per RunContext (never process-wide), so two runs in one
process, or two trees, never see each other's graph."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from dwagent.tools.graph.api import GraphView, graph_for
from dwagent.tools.graph.persist import content_key
from dwagent.tools.graph.source import SourceLines


def _db_path(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else ""


class GraphViews:
    """The latest graph view of a run, keyed by index database path and graph content key."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # parallel branches run in threads
        self._latest: tuple[str, GraphView] | None = None

    def remember(self, conn: sqlite3.Connection, view: GraphView) -> None:
        """Keep the view a node built, for the later nodes of the same run."""
        with self._lock:
            self._latest = (_db_path(conn), view)

    def view_for(self, conn: sqlite3.Connection, config: Any) -> GraphView:
        """The GraphView for this index and config: the remembered one when its content key still
        matches, else loaded (or built) through tools/graph/api.graph_for and remembered."""
        key = content_key(conn, config)
        with self._lock:
            latest = self._latest
        if latest is not None and latest[0] == _db_path(conn) and getattr(latest[1].graph, "key", None) == key:
            # the remembered view reads source lines through the connection of the node that built
            # it (closed by now): rebind that part to this node's connection
            view = latest[1]
            return GraphView(view.graph, SourceLines(conn), view.config)
        view = graph_for(_Store(conn), config)
        self.remember(conn, view)
        return view


class _Store:
    """The store shape graph_for reads (anything with a sqlite3 `conn`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
