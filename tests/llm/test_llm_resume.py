"""`--resume` with a model: the usage ledger and the cited prose of the steps that ran before the
crash are checkpointed with the graph state, so run.json's `llm` section after a resumed run
equals an uninterrupted run's, and the redactor still knows the secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_model import FakeServer
from test_llm_certify_e2e import TLS_TREE

from dwagent.agents.context import RunContext
from dwagent.agents.graph import InjectedCrash
from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.agents.llm.ledger import UsageLedger
from dwagent.agents.run import certify
from dwagent.rubric.loader import load_rubric

SECRET = "sk_live_51HqXAbCdEfGhIjKlMnOpQrStUv"


def _gateway(url: str, cache: Path) -> LLMGateway:
    settings = LLMSettings(provider="openai-compatible", model="fake", base_url=url, api_key="local", cache_dir=cache)
    gateway = LLMGateway.from_settings(settings)
    assert gateway is not None
    return gateway


def _certify(root: Path, index: Path, gateway: LLMGateway, *, resume: bool = False, fail_in: str = "") -> dict:
    ctx = RunContext(
        root=root.resolve(), rubric=load_rubric("generic"), index_dir=index, execute_gates=False, gateway=gateway, llm_spec="fake", fail_in=fail_in
    )
    return certify(ctx, resume=resume).report


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for rel, text in TLS_TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def uninterrupted(tree: Path, tmp_path: Path) -> tuple[dict, dict]:
    with FakeServer() as server:
        gateway = _gateway(server.url, tmp_path / "cache-fresh")
        report = _certify(tree, tmp_path / "index-fresh", gateway)
    return report, gateway.ledger.to_dict()


def test_resume_after_a_crash_keeps_the_usage_of_completed_steps(tree, tmp_path, uninterrupted):
    fresh_report, fresh_usage = uninterrupted
    assert fresh_usage["agents"]["hostile_reviewer"]["calls"] > 0 and fresh_usage["prose"]
    with FakeServer() as server:
        crashed = _gateway(server.url, tmp_path / "cache")
        with pytest.raises(InjectedCrash):
            _certify(tree, tmp_path / "index", crashed, fail_in="competitor_analyst")
        assert crashed.ledger.usage("hostile_reviewer").calls > 0  # calls made before the crash
        sent_before = len(server.requests)
        resumed = _gateway(server.url, tmp_path / "cache")  # a new process: a new, empty ledger
        report = _certify(tree, tmp_path / "index", resumed, resume=True)
        # the review ran before the crash: resuming neither re-asks nor re-charges it
        assert not any("ChallengeReply" in json.dumps(body) for body in server.requests[sent_before:])
    assert report == fresh_report
    # the crash came at a step's start, so no call was in flight: the ledger matches exactly
    assert resumed.ledger.to_dict() == fresh_usage


def test_resuming_a_finished_run_reports_its_usage_and_prose(tree, tmp_path, uninterrupted):
    _, fresh_usage = uninterrupted
    with FakeServer() as server:
        _certify(tree, tmp_path / "index", _gateway(server.url, tmp_path / "cache"))
        sent = len(server.requests)
        again = _gateway(server.url, tmp_path / "cache")
        _certify(tree, tmp_path / "index", again, resume=True)
    assert len(server.requests) == sent  # nothing re-asked
    assert again.ledger.to_dict() == fresh_usage and again.ledger.to_dict()["prose"]


def test_resume_reregisters_the_secrets_before_any_prompt(tree, tmp_path):
    with FakeServer() as server:
        with pytest.raises(InjectedCrash):
            _certify(tree, tmp_path / "index", _gateway(server.url, tmp_path / "cache"), fail_in="competitor_analyst")
        resumed = _gateway(server.url, tmp_path / "cache")
        _certify(tree, tmp_path / "index", resumed, resume=True)
    assert SECRET in resumed.redactor.known
    assert not any(SECRET in json.dumps(body) for body in server.requests)


def test_ledger_state_round_trips_and_ignores_another_model():
    ledger = UsageLedger("openai", "m1")
    ledger.record_call("triage", 100, 20, 0.0012345678)
    ledger.record_fallback("triage", "refusal")
    ledger.record_prose("rationale", "domain:x", "Cited [E1].")
    ledger.budget_exhausted = "max-tokens"
    state = json.loads(json.dumps(ledger.to_state()))
    copy = UsageLedger("openai", "m1")
    assert copy.restore(state) and copy.to_dict() == ledger.to_dict() and copy.to_state() == ledger.to_state()
    other = UsageLedger("openai", "m2")
    assert not other.restore(state) and other.to_dict() == UsageLedger("openai", "m2").to_dict()


def test_the_state_keeps_the_later_of_two_ledger_snapshots():
    from dwagent.agents.state import latest_snapshot

    early, late = {"events": 3, "x": 1}, {"events": 5, "x": 2}
    assert latest_snapshot(early, late) == late and latest_snapshot(late, early) == late
    assert latest_snapshot(None, early) == early and latest_snapshot(early, {}) == early
