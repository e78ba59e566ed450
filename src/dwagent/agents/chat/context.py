"""Wire a report to the lookups chat needs: the index, the retriever and the code graph.

Each piece is optional. A missing index means no callers or similar code, which the answers
say; nothing is silently replaced by a guess.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from dwagent.agents.chat.report_loader import Report
from dwagent.agents.chat.tools import ChatTools
from dwagent.tools.index import open_index


def _index_path(report: Report) -> Path | None:
    index = report.run.get("index")
    candidates = [index.get("db_path")] if isinstance(index, dict) else [index]  # certify: index.db_path
    candidates += [report.run.get("index_path"), report.run.get("index_db")]
    for value in candidates:
        if isinstance(value, str) and value and Path(value).is_file():
            return Path(value)
    return None


def open_report_index(report: Report) -> sqlite3.Connection | None:
    """The audited tree's index: run.json's index path, else the index package's default location."""
    path = _index_path(report)
    if path is not None:
        conn = sqlite3.connect(str(path))
        conn.row_factory = sqlite3.Row
        return conn
    try:
        store = open_index(report.root)
    except Exception:  # no index built for this tree, or an unreadable one: answer without it
        return None
    return getattr(store, "conn", None)


def build_tools(report: Report, dense: str = "if-built") -> ChatTools:
    """ChatTools for a report, with whatever of index/retriever/graph is available."""
    index = open_report_index(report)
    retriever = None
    graph = None
    if index is not None:
        from dwagent.tools.retrieve.hybrid import Retriever

        retriever = Retriever(index, report.root, dense=dense)
        from dwagent.agents.chat.graph_adapter import load_graph

        graph = load_graph(index, _certify_graph_config(report, index))
    return ChatTools(report.root, index, retriever, graph)


def _certify_graph_config(report: Report, index: sqlite3.Connection):
    """The graph configuration the certify run used (its rubric's), so the graph it persisted
    in the index is reused: with the default configuration the first question rebuilt the whole
    graph (over 30 s on a 1M-line tree). None (the default) when the rubric cannot be loaded."""
    rubric_info = report.run.get("rubric") if isinstance(report.run, dict) else None
    source = rubric_info.get("source") if isinstance(rubric_info, dict) else None
    if not source:
        return None
    from types import SimpleNamespace

    from dwagent.agents.inputs.graph_config import graph_config_for, main_language
    from dwagent.rubric.loader import load_rubric

    try:
        return graph_config_for(load_rubric(str(source)).rubric, main_language(SimpleNamespace(conn=index)))
    except Exception:  # an old or moved rubric: the default configuration still answers
        return None
