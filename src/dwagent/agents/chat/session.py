"""A conversation about a report's findings: a LangGraph graph with a SQLite checkpointer.

Each (report, finding) pair is its own thread, so a conversation resumes where it stopped, and a
conversation about one finding never leaks into another. The report key is a hash of
findings.json: a re-run audit with different findings starts fresh threads.
"""

from __future__ import annotations

import operator
import sqlite3
from pathlib import Path
from typing import Annotated, TypedDict

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from dwagent.agents.chat.intents import classify
from dwagent.agents.chat.offline import OfflineAnswerer
from dwagent.agents.chat.report_loader import Report
from dwagent.agents.chat.tools import ChatTools
from dwagent.errors import InputError

STATE_FILE = "chat.sqlite"


class ChatState(TypedDict):
    finding_id: str
    question: str
    turns: Annotated[list[dict], operator.add]


class ChatSession:
    """Ask questions about findings of one report; answers are persisted per finding."""

    def __init__(self, report: Report, tools: ChatTools, gateway=None, state_path: Path | None = None) -> None:
        self.report = report
        self.tools = tools
        self.gateway = gateway
        self.offline = OfflineAnswerer(tools)
        path = state_path or report.directory / STATE_FILE
        try:
            self._conn = sqlite3.connect(str(path), check_same_thread=False)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open the conversation store {path}: {exc}", "make the report folder writable") from None
        self.saver = SqliteSaver(self._conn)
        graph = StateGraph(ChatState)
        graph.add_node("answer", self._answer_node)
        graph.add_edge(START, "answer")
        graph.add_edge("answer", END)
        self.graph = graph.compile(checkpointer=self.saver)

    def thread_id(self, finding_id: str) -> str:
        return f"{self.report.key}:{finding_id}"

    def _config(self, finding_id: str) -> dict:
        return {"configurable": {"thread_id": self.thread_id(finding_id)}}

    def _answer_node(self, state: ChatState) -> dict:
        finding = self.report.finding(state["finding_id"])
        if finding is None:  # checked by ask(); kept so a resumed thread cannot crash the graph
            raise InputError(f"no finding {state['finding_id']!r} in this report", "list ids with /findings")
        question = state["question"]
        answer = self.offline.answer(finding, question, classify(question))
        if self.gateway is not None:
            from dwagent.agents.chat.llm_answer import answer_with_llm

            answer = answer_with_llm(self.gateway, self.report.root, finding, question, state.get("turns", []), answer)
        turn = {"question": question, "intent": answer.intent, "mode": answer.mode, "answer": answer.render(), "data": answer.to_dict()}
        return {"turns": [turn]}

    def ask(self, finding_id: str, question: str) -> dict:
        """Answer `question` about the finding and persist the turn; returns the turn dict."""
        finding = self.report.finding(finding_id)
        if finding is None:
            raise InputError(f"no finding {finding_id!r} in this report", "list ids with `dwagent chat REPORT_DIR` then /findings")
        result = self.graph.invoke({"finding_id": finding.id, "question": question}, self._config(finding.id))
        return result["turns"][-1]

    def history(self, finding_id: str) -> list[dict]:
        """Earlier turns about this finding (oldest first), from the checkpointer."""
        finding = self.report.finding(finding_id)
        if finding is None:
            return []
        snapshot = self.graph.get_state(self._config(finding.id))
        return list((snapshot.values or {}).get("turns", []))

    def close(self) -> None:
        self._conn.close()
