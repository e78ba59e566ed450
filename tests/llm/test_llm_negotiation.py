"""Structured-mode negotiation, validation errors vs outages, rate-following timeouts, context
overflow, per-stage budgets and the token plan: the real OpenAI SDK over an injected transport
that answers the way llama-cpp-python's server does (json_schema -> HTTP 500 validation error)."""

from __future__ import annotations

import json

import httpx2
import pytest
from llm_fakes import CONFIRM, ask, error_reply, openai_reply

from dwagent.agents.llm.budget import STAGE_SHARES, plan_for
from dwagent.agents.llm.capabilities import EndpointProfile, EndpointStore, is_validation_error
from dwagent.agents.llm.config import LLMOverrides, load_settings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.agents.llm.schemas import ChallengeReply, ProseReply
from dwagent.errors import UsageError

LOCAL = "http://127.0.0.1:8765/v1"
# The shape llama-cpp-python 0.3.x gives an unknown response_format type.
VALIDATION_500 = (
    "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be 'text' "
    "or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]"
)


def local_server(request: httpx2.Request) -> httpx2.Response:
    """Rejects json_schema like llama-cpp-python does; answers json_object and tool requests."""
    body = json.loads(request.content)
    kind = (body.get("response_format") or {}).get("type")
    if kind == "json_schema":
        return error_reply(500, VALIDATION_500, kind="internal_server_error")
    if body.get("tool_choice"):
        return openai_reply(None, tool_args=json.dumps(CONFIRM))
    return openai_reply(json.dumps(CONFIRM))


def _local(make_harness, n: int, **overrides):
    return make_harness("openai-compatible", "gemma", [local_server] * n, base_url=LOCAL, **overrides)


def test_validation_500_is_negotiated_away_not_an_outage(make_harness):
    h = _local(make_harness, 2)
    assert ask(h.gateway) == ChallengeReply.model_validate(CONFIRM)
    kinds = [(b.get("response_format") or {}).get("type") for b in h.script.bodies()]
    assert kinds == ["json_schema", "json_object"]
    assert h.sleeps == []  # no backoff: a rejected parameter is not a busy server
    ledger = h.gateway.ledger.to_dict()
    assert ledger["disabled"] == "" and ledger["agents_without_model"] == []
    assert ledger["agents"]["hostile_reviewer"]["reasons"] == {"failure:mode-rejected:json_schema": 1}
    assert h.gateway.mode == "json_object"
    # json_object carries the schema (llama.cpp grammar) and states it in the system message too
    sent = h.script.bodies()[1]
    assert sent["response_format"]["schema"]["properties"]["verdict"]["enum"] == ["refuted", "confirmed", "downgraded"]
    assert sent["messages"][-1]["content"].rstrip().endswith("}") and "JSON schema ChallengeReply" in sent["messages"][-1]["content"]


def test_negotiated_mode_is_cached_per_endpoint_outside_the_tree(make_harness, tmp_path):
    first = _local(make_harness, 2, cache_dir=tmp_path / "c")
    ask(first.gateway)
    stored = json.loads((tmp_path / "c" / "llm-endpoints.json").read_text())
    assert stored[f"openai-compatible|{LOCAL}|gemma"]["mode"] == "json_object"
    second = _local(make_harness, 1, cache_dir=tmp_path / "c", use_cache=False)
    ask(second.gateway, agent="triage")  # a fresh run: one request, straight in the known mode
    assert [(b.get("response_format") or {}).get("type") for b in second.script.bodies()] == ["json_object"]


def test_tool_mode_is_next_when_json_object_is_rejected_too(make_harness):
    def server(request):
        body = json.loads(request.content)
        if body.get("response_format"):
            return error_reply(422, "response_format is not supported by this server")
        return openai_reply(None, tool_args=json.dumps(CONFIRM))

    h = make_harness("openai-compatible", "m", [server] * 3, base_url=LOCAL)
    assert ask(h.gateway) is not None and h.gateway.mode == "tool"


def test_plain_mode_extracts_the_json_object_from_prose(make_harness):
    reply = "Sure! Here is the answer:\n" + json.dumps(CONFIRM) + "\nHope this helps."
    h = make_harness("openai-compatible", "m", [openai_reply(reply)], base_url=LOCAL, structured="plain")
    assert ask(h.gateway) == ChallengeReply.model_validate(CONFIRM)
    body = h.script.bodies()[0]
    assert "response_format" not in body and "tools" not in body
    assert "JSON schema ChallengeReply" in body["messages"][-1]["content"]


def test_explicit_rejected_mode_is_a_configuration_problem_naming_the_fix(make_harness):
    h = _local(make_harness, 1, structured="json_schema")
    assert ask(h.gateway) is None
    assert ask(h.gateway, agent="triage") is None  # no second request: the script would have one left otherwise
    disabled = h.gateway.ledger.disabled
    assert disabled.startswith("configuration:") and "--llm-structured auto" in disabled
    assert "unreachable" not in disabled and "literal_error" in disabled


def test_a_real_outage_500_is_still_retried_then_switches_the_model_off(make_harness):
    down = [error_reply(500, "model crashed")] * 4
    h = make_harness("openai-compatible", "m", down + down, base_url=LOCAL, max_retries=3)
    assert ask(h.gateway) is None and ask(h.gateway) is None
    assert len(h.sleeps) == 6 and h.gateway.ledger.disabled.startswith("unreachable")


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        (500, VALIDATION_500, True),
        (500, "model crashed", False),
        (400, "bad temperature", True),
        (422, "Field required", True),
        (503, "overloaded", False),
        (400, "This model's maximum context length is 8192 tokens", False),
    ],
)
def test_validation_errors_are_told_apart_from_outages(status, detail, expected):
    assert is_validation_error(status, detail) is expected


def test_context_overflow_is_recorded_with_the_size_and_does_not_disable(make_harness):
    message = "This model's maximum context length is 8192 tokens. However, you requested 9100 tokens"
    h = make_harness("openai-compatible", "m", [error_reply(400, message)], base_url=LOCAL)
    assert ask(h.gateway) is None
    assert h.gateway.ledger.disabled == "" and h.gateway.profile.context_size == 8192
    assert h.gateway.ledger.usage("hostile_reviewer").reasons["fallback:context-overflow"] == 1


def test_timeout_follows_the_measured_rate_and_a_retry_asks_for_less(make_harness, tmp_path):
    EndpointStore(tmp_path / "c").save(f"openai-compatible|{LOCAL}|m", EndpointProfile(mode="json_object", tokens_per_s=5.0))
    seen_timeouts: list[float] = []

    def slow_then_ok(request):
        seen_timeouts.append(request.extensions["timeout"]["read"])
        if len(seen_timeouts) == 1:
            raise httpx2.ReadTimeout("timed out", request=request)
        return openai_reply(json.dumps(CONFIRM))

    h = make_harness("openai-compatible", "m", [slow_then_ok] * 2, base_url=LOCAL, cache_dir=tmp_path / "c")
    assert ask(h.gateway) is not None
    first, second = h.script.bodies()
    assert first["max_tokens"] == 700 and second["max_tokens"] == 350
    # 700 output tokens at 5 tokens/s need ~140 s: the 60 s default would always time out
    assert seen_timeouts[0] > 2 * 140 > seen_timeouts[1] > 60


def test_a_timeout_the_user_set_is_kept(make_harness, tmp_path):
    EndpointStore(tmp_path / "c").save(f"openai-compatible|{LOCAL}|m", EndpointProfile(mode="json_object", tokens_per_s=5.0))
    seen: list[float] = []

    def record(request):
        seen.append(request.extensions["timeout"]["read"])
        return openai_reply(json.dumps(CONFIRM))

    h = make_harness("openai-compatible", "m", [record], base_url=LOCAL, cache_dir=tmp_path / "c", timeout_s=42.0, sources=(("timeout_s", "cli"),))
    ask(h.gateway)
    assert seen == [42.0]


def test_competitor_prose_cannot_starve_the_rationales(make_harness):
    prose = json.dumps({"sentences": []})
    steps = [openai_reply(prose, prompt_tokens=900, completion_tokens=300)] * 40
    h = make_harness("openai-compatible", "m", steps, base_url=LOCAL, max_tokens=20_000, use_cache=False)
    asked = 0
    while (
        asked < 40 and h.gateway.complete_structured("competitor_analyst", "competitor_prose", {"facts": {}, "evidence": []}, ProseReply) is not None
    ):
        asked += 1
    assert 0 < asked < 10  # the prose stage stopped at its share of the cap
    assert h.gateway.ledger.stage_spent("prose")[0] <= 20_000 * STAGE_SHARES["prose"]
    assert h.gateway.complete_structured("rationale", "rationale", {"facts": {}, "evidence": []}, ProseReply) is not None
    ledger = h.gateway.ledger.to_dict()
    assert ledger["stages_exhausted"] == ["prose"] and ledger["budget_exhausted"] == ""


def test_the_token_plan_names_calls_tokens_and_minutes():
    line = plan_for({"challenge": 4, "rationale": 2, "competitor": 0}, tokens_per_s=20.0, max_tokens=50_000).line()
    assert line.startswith("LLM plan: ~6 call(s) (challenge 4, rationale 2)")
    assert "minute(s) at the measured 20.0 tokens/s" in line and "review 22.5k" in line
    assert "time unknown" in plan_for({"triage": 1}, None).line()


def test_structured_timeout_and_retries_from_cli_env_and_file(tmp_path):
    (tmp_path / "dwagent.toml").write_text('structured = "tool"\ntimeout_s = 30\nmax_retries = 1\n')
    from_file = load_settings(env={}, cwd=tmp_path)
    assert (from_file.structured, from_file.timeout_s, from_file.max_retries) == ("tool", 30.0, 1)
    env = {"DWAGENT_LLM_STRUCTURED": "json-object", "DWAGENT_LLM_TIMEOUT_S": "90", "DWAGENT_LLM_MAX_RETRIES": "0"}
    from_env = load_settings(env=env, cwd=tmp_path)
    assert (from_env.structured, from_env.timeout_s, from_env.max_retries) == ("json_object", 90.0, 0)
    cli = load_settings(LLMOverrides(structured="plain", timeout_s=5, max_retries=2), env=env, cwd=tmp_path)
    assert (cli.structured, cli.timeout_s, cli.max_retries) == ("plain", 5.0, 2)
    assert dict(cli.sources)["structured"] == "cli" and dict(from_env.sources)["max_retries"] == "env DWAGENT_LLM_MAX_RETRIES"
    assert load_settings(env={}, cwd=tmp_path / "nowhere").structured == "auto"
    with pytest.raises(UsageError, match="structured"):
        load_settings(LLMOverrides(structured="xml"), env={}, cwd=tmp_path)
    with pytest.raises(UsageError, match="max_retries"):
        load_settings(LLMOverrides(max_retries=-1), env={}, cwd=tmp_path)


def test_the_audited_tree_cannot_set_the_mode(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "dwagent.toml").write_text('structured = "plain"\n')
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert load_settings(env={}).structured == "auto"


def test_gateway_from_cli_passes_the_transport_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gateway = LLMGateway.from_cli(f"openai-compatible:m@{LOCAL}", structured="tool", timeout_s=12, max_retries=0)
    assert gateway is not None
    assert (gateway.settings.structured, gateway.settings.timeout_s, gateway.settings.max_retries) == ("tool", 12.0, 0)


def test_a_forced_mode_does_not_replace_the_negotiated_one(make_harness, tmp_path):
    cache = tmp_path / "c"
    ask(_local(make_harness, 2, cache_dir=cache).gateway)  # auto: negotiates json_object
    forced = make_harness(
        "openai-compatible", "gemma", [openai_reply(json.dumps(CONFIRM))], base_url=LOCAL, cache_dir=cache, structured="plain", use_cache=False
    )
    ask(forced.gateway)
    again = _local(make_harness, 1, cache_dir=cache, use_cache=False)
    ask(again.gateway)
    assert [(b.get("response_format") or {}).get("type") for b in again.script.bodies()] == ["json_object"]
