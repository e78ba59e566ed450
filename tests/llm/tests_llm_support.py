"""Shared test data for tests/llm (not a test module)."""
from __future__ import annotations

from dwagent.agents.llm.schemas import ChallengeReply
from dwagent.models import Finding

CONFIRM = {"verdict": "confirmed", "proposed_severity": "unchanged", "argument": "The callback accepts every certificate.", "citations": []}


def tls_finding() -> Finding:
    return Finding(
        id="F-tls1",
        rule="DWA-001",
        category="tls-bypass",
        severity="critical",
        file="src/Client.cs",
        start_line=8,
        end_line=8,
        excerpt="            handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;",
        message="TLS certificate validation disabled",
    )


def ask(gateway, agent: str = "hostile_reviewer"):
    """One challenge-shaped request with a small code input."""
    return gateway.complete_structured(
        agent, "hostile_reviewer", {"finding": {"id": "F-1", "rule": "DWA-001"}, "code": []}, ChallengeReply
    )
