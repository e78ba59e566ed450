"""The LLM challenge can only annotate and lower by one level: never drop, never raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.llm import review
from dwagent.agents.nodes import llm_stages as mod
from dwagent.models import Finding, ReviewRecord


def _f(severity="critical") -> Finding:
    return Finding(
        id="F-1",
        fingerprint="fp",
        rule="DWA-101",
        category="tls-bypass",
        severity=severity,
        file="a.cs",
        start_line=1,
        end_line=1,
        excerpt="x",
        message="m",
    )


@pytest.mark.parametrize(
    "status, proposed, expected",
    [
        ("refuted", "critical", "high"),  # refuted: kept, one level lower
        ("downgraded", "low", "high"),  # asked for three levels: gets one
        ("downgraded", "high", "high"),
        ("confirmed", "critical", "critical"),
    ],
)
def test_llm_outcome_is_bounded(monkeypatch, status, proposed, expected):
    outcome_of = {"refuted": "dropped", "downgraded": "downgraded", "confirmed": "upheld"}

    def fake(gateway, finding, context):
        rec = ReviewRecord(challenge="llm", outcome=outcome_of[status], detail="argued")
        return review.ChallengeOutcome(status, finding.id, proposed, rec)

    monkeypatch.setattr(review, "llm_challenge", fake)
    out, _ = mod.llm_review([_f()], object(), Path("."))
    assert len(out) == 1 and out[0].severity == expected
    assert out[0].review[-1].challenge == "llm" and out[0].review[-1].outcome != "dropped"


def test_no_gateway_changes_nothing():
    f = _f()
    assert mod.llm_review([f], None, Path("."))[0] == [f]
