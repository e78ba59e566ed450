"""The early exit: a tree in which no C# or Python source file was indexed has nothing for the
plugin auditor, flow tracer, tier checker or claims checker to read, so the graph routes straight
from the reviewer to the adjudicator through this node (agents/graph.py)."""

from __future__ import annotations

from dwagent.agents.context import RunContext
from dwagent.agents.state import CertifyState


def nothing_to_audit_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: says which analyses had nothing to read (NOT RUN, never PASS); the
    adjudicator's no-source item blocks the verdict."""
    return {"not_run": {"analysis": "no C# or Python source file was indexed: the plugin, flow, tier and claim analyses had nothing to read"}}
