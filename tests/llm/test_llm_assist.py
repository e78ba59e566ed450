"""Triage, flow-hop interpretation and cited prose: unverified answers change nothing."""

from __future__ import annotations

import json

from llm_fakes import openai_reply, tls_finding

from dwagent.agents.llm.assist import interpret_flow_hop, llm_triage, select_for_triage, write_prose
from dwagent.agents.llm.review import ReviewContext
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Evidence

LINE8 = "            handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;"


def _triage(verdict, citations):
    return openai_reply(json.dumps({"verdict": verdict, "argument": "Cited.", "citations": citations}), tool_name="TriageReply")


def test_triage_true_positive_needs_verified_citation(make_harness, audited_tree):
    good = {"file": "src/Client.cs", "start_line": 8, "end_line": 8, "quote": LINE8}
    h = make_harness("openai", "gpt-4.1-mini", [_triage("true-positive", [good])])
    outcome = llm_triage(h.gateway, tls_finding(), ReviewContext(root=audited_tree))
    assert outcome.verdict == "true-positive" and outcome.record.outcome == "upheld"


def test_triage_false_positive_with_bad_quote_stays_uncertain(make_harness, audited_tree):
    bad = {"file": "src/Client.cs", "start_line": 8, "end_line": 8, "quote": "return false;"}
    h = make_harness("openai", "gpt-4.1-mini", [_triage("false-positive", [bad])])
    outcome = llm_triage(h.gateway, tls_finding(), ReviewContext(root=audited_tree))
    assert outcome.verdict == "uncertain" and outcome.record.outcome == "rejected-argument"


def test_select_for_triage_takes_low_confidence_only():
    low = tls_finding().model_copy(update={"confidence": "low", "id": "x"})
    assert [f.id for f in select_for_triage([tls_finding(), low])] == ["x"]


def test_flow_hop_resolution_must_cite_the_target(make_harness, audited_tree):
    source = CodeBlock("src", "src/Client.cs", 6, "        var handler = new HttpClientHandler();")
    target = CodeBlock("cand-1", "src/Client.cs", 11, "        return new HttpClient(handler);")
    good = {"file": "src/Client.cs", "start_line": 11, "end_line": 11, "quote": "        return new HttpClient(handler);"}
    reply = {"resolved": True, "target_id": "cand-1", "explanation": "handler flows into the client", "citations": [good]}
    h = make_harness(
        "openai", "gpt-4.1-mini", [openai_reply(json.dumps(reply)), openai_reply(json.dumps({**reply, "citations": []}))], use_cache=False
    )
    first = interpret_flow_hop(h.gateway, audited_tree, source, [target], "where does handler go?")
    assert first.resolved and first.target == target
    second = interpret_flow_hop(h.gateway, audited_tree, source, [target], "where does handler go?")
    assert not second.resolved and second.target is None


def test_prose_drops_uncited_sentences_and_counts_them(make_harness):
    evidence = [Evidence(id="E-aaaaaaaaaaaa", file="src/Client.cs", start_line=8, end_line=8, excerpt=LINE8)]
    sentences = [
        {"text": "TLS validation is disabled.", "evidence_ids": ["E-aaaaaaaaaaaa"]},
        {"text": "The team fixed it last week.", "evidence_ids": []},
        {"text": "Nothing else is wrong.", "evidence_ids": ["E-ffffffffffff"]},
    ]
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps({"sentences": sentences}))])
    result = write_prose(h.gateway, "rationale", "rationale", {"cell": "security", "status": "FAIL"}, evidence)
    assert result.kept == 1 and result.dropped == 2
    assert h.gateway.ledger.to_dict()["agents"]["rationale"]["uncited_dropped"] == 2
    assert write_prose(None, "rationale", "rationale", {}, evidence) is None
