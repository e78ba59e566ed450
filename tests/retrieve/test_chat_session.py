import json

import httpx
import pytest

from dwagent.agents.chat.context import build_tools
from dwagent.agents.chat.repl import Repl
from dwagent.agents.chat.report_loader import load_report
from dwagent.agents.chat.session import ChatSession
from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.errors import DwagentError


def _session(report_dir, gateway=None):
    report = load_report(report_dir)
    return ChatSession(report, build_tools(report, dense="off"), gateway)


def test_conversation_persists_per_finding_and_resumes(chat_report):
    report_dir, root, fid = chat_report
    s = _session(report_dir)
    s.ask(fid, "who calls this?")
    s.ask(fid, "is there a check elsewhere?")
    s.ask("F-todo0002", "why?")
    s.close()
    resumed = _session(report_dir)
    turns = resumed.history(fid)
    assert [t["intent"] for t in turns] == ["callers", "guard"]
    assert "src/App/Service.cs:11" in turns[0]["answer"]
    assert [t["question"] for t in resumed.history("F-todo0002")] == ["why?"]
    resumed.close()


def test_unknown_finding_is_a_clear_error(chat_report):
    report_dir, root, fid = chat_report
    s = _session(report_dir)
    with pytest.raises(DwagentError, match="no finding"):
        s.ask("F-missing", "why?")
    s.close()


def test_repl_commands_drive_the_session(chat_report):
    report_dir, root, fid = chat_report
    inputs = iter(
        [
            "/findings",
            "who calls this?",
            "/history",
            "/finding F-nope",
            "/evidence",
            "/bogus",
            "/search legacy client",
            "/open src/App/Service.cs:9-10",
            "/open ../etc/passwd:1",
            "/quit",
        ]
    )
    out: list[str] = []
    code = Repl(_session(report_dir), fid, read=lambda prompt: next(inputs), write=out.append).run()
    text = "\n".join(out)
    assert code == 0
    assert "F-todo0002" in text  # /findings
    assert "src/App/Service.cs:11 (verified)" in text  # the question's answer
    assert "1. [callers] who calls this?" in text  # /history
    assert "no finding 'F-nope'" in text
    assert "src/Net/Client.cs:8 (verified)" in text  # /evidence
    assert "unknown command /bogus" in text
    assert "src/Legacy/LegacyClient.cs" in text  # /search
    assert "     9 |             if (string.IsNullOrEmpty(host))" in text  # /open
    assert "cannot show ../etc/passwd:1" in text  # outside the audited root
    assert text.rstrip().endswith("bye (conversation saved)")


# --- the LLM path, through the real OpenAI SDK with an injected transport -----------------


def _gateway(tmp_path, reply: dict, seen: list):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        body = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": json.dumps(reply)}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        }
        return httpx.Response(200, json=body)

    settings = LLMSettings(
        provider="openai", model="gpt-4o-mini", api_key="test-key", cache_dir=tmp_path / "llm-cache", use_cache=False, max_retries=0
    )
    return LLMGateway.from_settings(settings, http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_llm_answer_keeps_only_sentences_whose_citations_verify(chat_report, tmp_path):
    report_dir, root, fid = chat_report
    from dwagent.models import Evidence

    excerpt = load_report(report_dir).finding(fid).excerpt
    good = Evidence.make_id("src/Net/Client.cs", 8, 8, excerpt)
    reply = {
        "sentences": [
            {"text": "The callback accepts every certificate.", "evidence_ids": [good]},
            {"text": "Service.Start pins the certificate first.", "evidence_ids": ["E-000000000000"]},
            {"text": "It is safe in practice.", "evidence_ids": []},
        ]
    }
    seen: list = []
    s = _session(report_dir, _gateway(tmp_path, reply, seen))
    turn = s.ask(fid, "why is this a problem?")
    s.close()
    data = turn["data"]
    assert data["mode"] == "llm"
    assert data["removed_claims"] == 2
    assert "The callback accepts every certificate. [src/Net/Client.cs:8]" in turn["answer"]
    assert "pins the certificate" not in turn["answer"] and "safe in practice" not in turn["answer"]
    assert any("removed" in gap for gap in data["not_answered"])
    # The audited code reached the model only inside delimited untrusted blocks.
    user = seen[0]["messages"][1]["content"]
    assert f'<untrusted_code id="{good}" file="src/Net/Client.cs"' in user


def test_llm_sentence_citing_a_span_changed_on_disk_is_removed(chat_report, tmp_path):
    report_dir, root, fid = chat_report
    from dwagent.models import Evidence

    excerpt = load_report(report_dir).finding(fid).excerpt
    good = Evidence.make_id("src/Net/Client.cs", 8, 8, excerpt)
    seen: list = []
    gw = _gateway(tmp_path, {"sentences": [{"text": "It accepts anything.", "evidence_ids": [good]}]}, seen)
    s = _session(report_dir, gw)
    original = s.gateway.complete_structured

    def edit_then_answer(*args, **kwargs):
        # the tree changes between evidence gathering and display
        path = root / "src/Net/Client.cs"
        path.write_text(path.read_text().replace("=> true", "=> false"))
        return original(*args, **kwargs)

    s.gateway.complete_structured = edit_then_answer
    turn = s.ask(fid, "why?")
    s.close()
    assert turn["data"]["removed_claims"] == 1
    # never worse than offline: the verified offline sections stay, and the answer says why
    assert turn["data"]["mode"] == "llm-no-verified-sentence"
    assert "## Finding" in turn["answer"] and "(nothing verifiable)" not in turn["answer"]
    assert any("verified offline analysis is shown" in gap for gap in turn["data"]["not_answered"])


def test_llm_answer_with_no_surviving_sentence_keeps_callers_and_gap_lines_match_the_mode(chat_report, tmp_path):
    report_dir, root, fid = chat_report
    offline = _session(report_dir)
    offline_turn = offline.ask(fid, "who calls this?")
    offline_fix = offline.ask(fid, "how do I fix it?")
    offline.close()
    reply = {"sentences": [{"text": "Nobody calls it.", "evidence_ids": ["E-000000000000"]}]}
    s = _session(report_dir, _gateway(tmp_path, reply, []))
    turn = s.ask(fid, "who calls this?")
    fix = s.ask(fid, "how do I fix it?")
    s.close()
    # every offline section and cited span is still there
    for section in offline_turn["data"]["sections"]:
        assert section in turn["data"]["sections"]
    assert "src/App/Service.cs:11" in turn["answer"] and "Nobody calls it" not in turn["answer"]
    assert "offline mode does not write code" in offline_fix["answer"]
    assert "offline mode" not in fix["answer"] and "a concrete patch: not verified" in fix["answer"]


def test_llm_failure_falls_back_to_the_offline_answer(chat_report, tmp_path):
    report_dir, root, fid = chat_report

    def handler(request):
        return httpx.Response(500, json={"error": {"message": "down"}})

    settings = LLMSettings(provider="openai", model="gpt-4o-mini", api_key="k", cache_dir=tmp_path / "c", use_cache=False, max_retries=0)
    gw = LLMGateway.from_settings(settings, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    gw._sleep = lambda s: None
    s = _session(report_dir, gw)
    turn = s.ask(fid, "who calls this?")
    s.close()
    assert turn["data"]["mode"] == "offline-fallback"
    assert "src/App/Service.cs:11 (verified)" in turn["answer"]
    assert "LLM answer not available" in turn["answer"]
