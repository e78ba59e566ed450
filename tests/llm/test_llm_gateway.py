"""Gateway policy: repair then fallback, caps, cache, redaction, ledger shape."""

from __future__ import annotations

import json

from llm_fakes import CONFIRM, anthropic_reply, ask, openai_reply

from dwagent.agents.llm.schemas import ChallengeReply
from dwagent.models import Finding


def test_malformed_json_gets_one_repair_then_succeeds(make_harness):
    steps = [openai_reply('{"verdict": "confirmed", "argument": '), openai_reply(json.dumps(CONFIRM))]
    h = make_harness("openai", "gpt-4.1-mini", steps)
    assert ask(h.gateway) == ChallengeReply.model_validate(CONFIRM)
    repair_body = h.script.bodies()[1]["messages"][1]["content"]
    assert "could not be used" in repair_body and "ChallengeReply" in repair_body
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert (usage.calls, usage.repairs, usage.failures, usage.fallbacks) == (2, 1, 1, 0)


def test_malformed_twice_falls_back_deterministically(make_harness):
    wrong_shape = {"verdict": "maybe", "citations": "none"}
    steps = [anthropic_reply(wrong_shape), anthropic_reply(wrong_shape)]
    h = make_harness("anthropic", "claude-sonnet-5-5", steps)
    assert ask(h.gateway) is None
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert usage.repairs == 1 and usage.fallbacks == 1
    assert usage.reasons["fallback:malformed-output"] == 1
    assert len(h.script.requests) == 2


def test_max_tokens_cap_stops_before_any_request(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [], max_tokens=300)
    assert ask(h.gateway) is None
    assert h.script.requests == []
    ledger = h.gateway.ledger.to_dict()
    assert ledger["budget_exhausted"] == "max-tokens"
    assert ledger["agents_without_model"] == ["hostile_reviewer"]


def test_budget_exhaustion_is_sticky_and_recorded_per_agent(make_harness):
    # The first call fits the review stage's share (45%) of a $0.02 budget on claude-sonnet-5-5;
    # its reported usage (100k input tokens = $0.20) exhausts the whole budget, so every later
    # call falls back without a request.
    steps = [anthropic_reply(CONFIRM, input_tokens=100_000, output_tokens=50)]
    h = make_harness("anthropic", "claude-sonnet-5-5", steps, budget_usd=0.02, use_cache=False)
    assert ask(h.gateway) is not None
    assert ask(h.gateway, agent="triage") is None
    assert ask(h.gateway, agent="flow_tracer") is None
    ledger = h.gateway.ledger.to_dict()
    assert ledger["budget_exhausted"] == "budget-usd"
    assert ledger["agents_without_model"] == ["flow_tracer", "triage"]
    assert ledger["totals"]["calls"] == 1
    assert len(h.script.requests) == 1


def test_cache_hit_costs_nothing_and_no_cache_bypasses(make_harness, tmp_path):
    cache = tmp_path / "shared-cache"
    first = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))], cache_dir=cache)
    assert ask(first.gateway) is not None
    second = make_harness("openai", "gpt-4.1-mini", [], cache_dir=cache)
    assert ask(second.gateway) == ChallengeReply.model_validate(CONFIRM)
    usage = second.gateway.ledger.usage("hostile_reviewer")
    assert (usage.calls, usage.cache_hits, usage.cost_usd, usage.input_tokens) == (0, 1, 0.0, 0)
    third = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))], cache_dir=cache, use_cache=False)
    assert ask(third.gateway) is not None
    assert len(third.script.requests) == 1


def test_cache_key_changes_with_model_and_inputs(make_harness, tmp_path):
    cache = tmp_path / "c"
    a = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))], cache_dir=cache)
    ask(a.gateway)
    b = make_harness("openai", "gpt-4.1", [openai_reply(json.dumps(CONFIRM))], cache_dir=cache)
    ask(b.gateway)
    assert len(b.script.requests) == 1  # another model: a miss


def _secret_finding() -> Finding:
    return Finding(
        rule="DWA-010",
        category="hardcoded-secret",
        severity="high",
        file="src/Db.cs",
        start_line=3,
        end_line=3,
        excerpt='    private const string ConnKey = "Zq8!vT3#pL0-customer-db";',
        message="hard-coded secret",
    )


def test_no_secret_leaves_the_machine(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))])
    h.gateway.register_secrets([_secret_finding()])
    code_with_secrets = (
        'var conn = "Server=db;User Id=app;Password=Hunter2Hunter2;";\n'
        'var k = "Zq8!vT3#pL0-customer-db";\n'
        'var aws = "AKIAIOSFODNN7EXAMPLE";\n'
        'string apiKey = "9f8e7d6c5b4a39281706";\n'
        'var auth = "Bearer abcdefghijklmnopqrstuvwxyz012345";\n'
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"
    )
    from dwagent.agents.llm.templates import CodeBlock

    h.gateway.complete_structured(
        "hostile_reviewer",
        "hostile_reviewer",
        {"finding": {"note": "uses Zq8!vT3#pL0-customer-db"}, "code": [CodeBlock("c1", "src/Db.cs", 1, code_with_secrets)]},
        ChallengeReply,
    )
    raw = h.script.requests[0].content.decode()
    sent = json.loads(raw)["messages"][1]["content"]
    for secret in (
        "Hunter2Hunter2",
        "Zq8!vT3#pL0-customer-db",
        "AKIAIOSFODNN7EXAMPLE",
        "9f8e7d6c5b4a39281706",
        "abcdefghijklmnopqrstuvwxyz012345",
        "MIIEowIBAAKCAQEA7",
    ):
        assert secret not in raw and secret not in sent
    assert sent.count("[REDACTED:") >= 6
    assert "var conn" in sent  # the code around the secrets still goes out


def test_ledger_is_deterministic_and_sorted(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))])
    ask(h.gateway, agent="triage")
    ask(h.gateway, agent="hostile_reviewer")  # same prompt and inputs: served from the cache
    ledger = h.gateway.ledger.to_dict()
    assert list(ledger["agents"]) == ["hostile_reviewer", "triage"]
    assert list(ledger) == sorted(ledger)
    assert ledger["totals"]["calls"] == 1 and ledger["totals"]["cache_hits"] == 1
    assert ledger["provider"] == "openai"
    assert ledger["token_count_exact"] is True


def test_offline_ledger_has_the_same_shape():
    from dwagent.agents.llm.ledger import UsageLedger

    offline = UsageLedger().to_dict()
    assert offline["mode"] == "offline" and offline["totals"]["calls"] == 0 and offline["agents"] == {}


def test_missing_key_is_a_clear_usage_error(tmp_path):
    import pytest

    from dwagent.agents.llm.config import LLMSettings
    from dwagent.agents.llm.gateway import LLMGateway
    from dwagent.errors import DwagentError

    with pytest.raises(DwagentError) as info:
        LLMGateway.from_settings(LLMSettings(provider="anthropic", model="claude-sonnet-5-5", key_env="ANTHROPIC_API_KEY", cache_dir=tmp_path))
    assert "ANTHROPIC_API_KEY" in info.value.message and info.value.hint
    assert LLMGateway.from_settings(LLMSettings(cache_dir=tmp_path)) is None
