"""Both official SDK clients against replayed HTTP: success, tool call, refusal, retries, errors."""

from __future__ import annotations

import json

import httpx2
from llm_fakes import CONFIRM, anthropic_reply, ask, error_reply, openai_reply

from dwagent.agents.llm.schemas import ChallengeReply


def test_openai_success_uses_strict_json_schema(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(CONFIRM))])
    result = ask(h.gateway)
    assert result == ChallengeReply.model_validate(CONFIRM)
    body = h.script.bodies()[0]
    assert body["model"] == "gpt-4.1-mini"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"]["additionalProperties"] is False
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert (usage.calls, usage.input_tokens, usage.output_tokens) == (1, 812, 96)
    assert usage.cost_usd == (812 * 0.40 + 96 * 1.60) / 1_000_000


def test_openai_tool_mode_reads_function_arguments(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(None, tool_args=json.dumps(CONFIRM))], structured="tool")
    assert ask(h.gateway) == ChallengeReply.model_validate(CONFIRM)
    body = h.script.bodies()[0]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "ChallengeReply"}}
    assert "response_format" not in body


def test_openai_compatible_local_server(make_harness):
    h = make_harness(
        "openai-compatible",
        "qwen2.5-coder:7b",
        [openai_reply("```json\n" + json.dumps(CONFIRM) + "\n```")],
        base_url="http://127.0.0.1:11434/v1",
    )
    assert ask(h.gateway) is not None
    assert str(h.script.requests[0].url) == "http://127.0.0.1:11434/v1/chat/completions"
    assert "max_tokens" in h.script.bodies()[0]
    assert h.gateway.ledger.usage("hostile_reviewer").cost_usd == 0.0


def test_anthropic_tool_call_success(make_harness):
    h = make_harness("anthropic", "claude-sonnet-5-5", [anthropic_reply(CONFIRM)])
    assert ask(h.gateway) == ChallengeReply.model_validate(CONFIRM)
    body = h.script.bodies()[0]
    assert body["tool_choice"] == {"type": "tool", "name": "ChallengeReply"}
    assert body["tools"][0]["input_schema"]["required"] == ["argument", "citations", "proposed_severity", "verdict"]
    assert "temperature" not in body
    assert "sk-test-not-a-real-key-000000" in h.script.requests[0].headers["authorization"]
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert usage.input_tokens == 905 and abs(usage.cost_usd - (905 * 2 + 120 * 10) / 1e6) < 1e-12


def test_openai_refusal_is_a_recorded_fallback(make_harness):
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(None, refusal="I can't help with that.")])
    assert ask(h.gateway) is None
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert usage.failures == 1 and usage.fallbacks == 1
    assert usage.reasons["fallback:refusal"] == 1


def test_anthropic_refusal_stop_reason(make_harness):
    h = make_harness("anthropic", "claude-sonnet-5-5", [anthropic_reply(None, text="", stop_reason="refusal")])
    assert ask(h.gateway) is None
    assert h.gateway.ledger.usage("hostile_reviewer").reasons["fallback:refusal"] == 1


def test_429_then_success_honours_retry_after(make_harness):
    steps = [error_reply(429, "Rate limit reached", {"retry-after": "2"}), openai_reply(json.dumps(CONFIRM))]
    h = make_harness("openai", "gpt-4.1-mini", steps)
    assert ask(h.gateway) is not None
    assert h.sleeps == [2.0]
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert usage.retries == 1 and usage.fallbacks == 0 and usage.reasons["retry:http-429"] == 1


def test_anthropic_overloaded_529_then_success(make_harness):
    steps = [error_reply(529, "Overloaded", kind="overloaded_error"), anthropic_reply(CONFIRM)]
    h = make_harness("anthropic", "claude-sonnet-5-5", steps)
    assert ask(h.gateway) is not None
    assert h.sleeps == [1.0]


def test_timeouts_exhaust_retries_with_exponential_backoff(make_harness):
    steps = [httpx2.ReadTimeout("read timed out")] * 4
    h = make_harness("openai", "gpt-4.1-mini", steps, max_retries=3)
    assert ask(h.gateway) is None
    assert h.sleeps == [1.0, 2.0, 4.0]
    usage = h.gateway.ledger.usage("hostile_reviewer")
    assert usage.reasons["fallback:timeout"] == 1 and usage.retries == 3
    assert len(h.script.requests) == 4


def test_retired_model_disables_the_model_visibly(make_harness):
    steps = [error_reply(404, "The model `gpt-3.5-turbo-0301` has been deprecated", kind="invalid_request_error")]
    h = make_harness("openai", "gpt-3.5-turbo-0301", steps)
    assert ask(h.gateway) is None
    assert ask(h.gateway, agent="triage") is None  # no second HTTP request: the script would raise
    ledger = h.gateway.ledger.to_dict()
    assert ledger["disabled"].startswith("model-unavailable: openai:gpt-3.5-turbo-0301")
    assert ledger["agents_without_model"] == ["hostile_reviewer", "triage"]
    assert ledger["agents"]["triage"]["reasons"] == {"fallback:disabled:" + ledger["disabled"]: 1}


def test_bad_request_is_not_retried_and_is_a_configuration_problem(make_harness):
    h = make_harness("anthropic", "claude-sonnet-5-5", [error_reply(400, "temperature is not supported")])
    assert ask(h.gateway) is None
    assert h.sleeps == []
    reasons = h.gateway.ledger.usage("hostile_reviewer").reasons
    assert reasons["fallback:rejected-request"] == 1 and reasons["failure:mode-rejected:tool"] == 1
    # the only mode Anthropic has was refused: a configuration problem, said as one, not "unreachable"
    disabled = h.gateway.ledger.disabled
    assert disabled.startswith("configuration:") and "temperature is not supported" in disabled
    assert "unreachable" not in disabled


def test_reasoning_models_get_low_effort_and_room_to_answer(make_harness):
    h = make_harness("openai", "gpt-5.6-terra", [openai_reply(json.dumps(CONFIRM))])
    assert ask(h.gateway) is not None
    body = h.script.bodies()[0]
    assert body["reasoning_effort"] == "low" and "temperature" not in body
    assert body["max_completion_tokens"] == 3 * 700


def test_dead_endpoint_is_switched_off_after_two_failed_calls(make_harness):
    import httpx2

    steps = [httpx2.ConnectError("connection refused")] * 4
    h = make_harness("openai-compatible", "m", steps, base_url="http://127.0.0.1:9/v1", max_retries=1, use_cache=False)
    assert ask(h.gateway) is None
    assert ask(h.gateway, agent="triage") is None
    assert ask(h.gateway, agent="flow_tracer") is None  # no request: the script would run dry
    ledger = h.gateway.ledger.to_dict()
    assert ledger["disabled"].startswith("unreachable: openai-compatible:m@http://127.0.0.1:9/v1")
    assert len(h.script.requests) == 4


def test_summary_lines_make_failures_visible(make_harness):
    from dwagent.agents.llm.ledger import UsageLedger, summary_lines

    h = make_harness("openai", "gpt-4.1-mini", [error_reply(404, "model retired")])
    ask(h.gateway)
    text = "\n".join(summary_lines(h.gateway.ledger.to_dict()))
    assert "switched off" in text and "model-unavailable" in text and "hostile_reviewer" in text
    assert summary_lines(UsageLedger().to_dict()) == ["No LLM was used: every verdict comes from deterministic evidence."]
