"""Triage batching: several low-confidence hits per call, mapped back by finding id, each item
checked on its own; a missing or malformed answer leaves the hit at its offline triage."""

from __future__ import annotations

import json
import math

from llm_fakes import openai_reply, tls_finding

from dwagent.agents.llm.assist import TRIAGE_BATCH_SIZE
from dwagent.agents.llm.budget import TYPICAL_CALL, plan_for
from dwagent.agents.nodes.llm_stages import llm_call_plan, llm_review

LINE7 = '        if (debugOnly && Environment.GetEnvironmentVariable("LOCAL_DEV") == "1")'
GOOD = {"file": "src/Client.cs", "start_line": 7, "end_line": 7, "quote": LINE7.strip()}
BAD = {"file": "src/Client.cs", "start_line": 8, "end_line": 8, "quote": "handler.CheckCertificateRevocationList = true;"}


def _lows(n: int):
    # ids deliberately not in sort order of creation, so the batching order is tested
    return [tls_finding().model_copy(update={"confidence": "low", "severity": "medium", "id": f"F-low{(i * 7) % n:02d}"}) for i in range(n)]


def _item(fid: str, verdict: str = "uncertain", citations: list[dict] | None = None) -> dict:
    return {"finding_id": fid, "verdict": verdict, "argument": "Cited.", "citations": citations or []}


def _batch(items: list[dict]):
    return openai_reply(json.dumps({"items": items}))


def _asked_ids(body: dict) -> list[str]:
    user = body["messages"][-1]["content"]
    findings = user.split("<untrusted_code", 1)[0]
    return [line.split('"id": "', 1)[1].split('"', 1)[0] for line in findings.split("\n") if '"id": "' in line]


def test_n_findings_go_out_in_ceil_n_over_8_calls_in_id_order(make_harness, audited_tree):
    lows = _lows(11)
    ids = sorted(f.id for f in lows)
    steps = [_batch([_item(i) for i in ids[:8]]), _batch([_item(i) for i in ids[8:]])]
    h = make_harness("openai", "gpt-4.1-mini", steps)
    out, _ = llm_review(lows, h.gateway, audited_tree)
    assert len(h.script.requests) == math.ceil(11 / TRIAGE_BATCH_SIZE) == 2
    bodies = h.script.bodies()
    assert [b["response_format"]["json_schema"]["name"] for b in bodies] == ["TriageBatchReply"] * 2
    assert [_asked_ids(b) for b in bodies] == [ids[:8], ids[8:]]
    assert h.gateway.ledger.usage("triage").calls == 2  # the ledger counts calls per batch
    assert out == lows  # all "uncertain": nothing changes


def test_a_batch_answer_missing_one_id_leaves_that_finding_at_its_offline_triage(make_harness, audited_tree):
    lows = _lows(3)
    ids = sorted(f.id for f in lows)
    reply = _batch([_item(ids[0], "false-positive", [GOOD]), _item(ids[2], "false-positive", [GOOD]), _item("F-not-asked", "false-positive", [GOOD])])
    h = make_harness("openai", "gpt-4.1-mini", [reply])
    out, evidence = llm_review(lows, h.gateway, audited_tree)
    by_id = {f.id: f for f in out}
    assert by_id[ids[0]].severity == "low" and by_id[ids[2]].severity == "low" and evidence
    assert by_id[ids[1]] == next(f for f in lows if f.id == ids[1])  # untouched, as offline
    usage = h.gateway.ledger.to_dict()["agents"]["triage"]
    assert usage["calls"] == 1 and usage["reasons"].get("fallback:batch-item-missing") == 1


def test_an_item_whose_citation_does_not_reread_is_rejected_alone(make_harness, audited_tree):
    lows = _lows(2)
    ids = sorted(f.id for f in lows)
    h = make_harness("openai", "gpt-4.1-mini", [_batch([_item(ids[0], "false-positive", [BAD]), _item(ids[1], "false-positive", [GOOD])])])
    out, _ = llm_review(lows, h.gateway, audited_tree)
    by_id = {f.id: f for f in out}
    assert by_id[ids[0]].severity == "medium" and by_id[ids[0]].review[-1].outcome == "rejected-argument"
    assert by_id[ids[1]].severity == "low" and by_id[ids[1]].review[-1].outcome == "downgraded"
    assert h.gateway.ledger.usage("triage").rejected_arguments == 1


def test_a_duplicated_id_is_not_trusted(make_harness, audited_tree):
    lows = _lows(2)
    ids = sorted(f.id for f in lows)
    items = [_item(ids[0], "false-positive", [GOOD]), _item(ids[0], "true-positive", [GOOD]), _item(ids[1])]
    h = make_harness("openai", "gpt-4.1-mini", [_batch(items)])
    out, _ = llm_review(lows, h.gateway, audited_tree)
    assert out == lows


def test_a_malformed_batch_falls_back_for_every_finding(make_harness, audited_tree):
    lows = _lows(4)
    junk = openai_reply(json.dumps({"items": [{"finding_id": lows[0].id, "verdict": "maybe"}]}))
    h = make_harness("openai", "gpt-4.1-mini", [junk, openai_reply("not json at all")])  # reply, then the one repair
    out, evidence = llm_review(lows, h.gateway, audited_tree)
    assert out == lows and evidence == {}
    usage = h.gateway.ledger.to_dict()["agents"]["triage"]
    assert usage["fallbacks"] == 1 and len(h.script.requests) == 2


def test_the_token_plan_counts_batches_not_hits():
    lows = _lows(11)
    calls = llm_call_plan(lows, type("Rubric", (), {"flows": [], "domains": [], "tiers": []})())
    assert calls["triage"] == 2 and calls["triage_items"] == 11
    plan = plan_for(calls, None)
    assert plan.total_calls == 2
    single_in, single_out = TYPICAL_CALL["triage"]
    assert plan.input_tokens < 11 * single_in and plan.output_tokens == 11 * single_out
    # one hit per call is the unbatched estimate, unchanged
    assert plan_for({"triage": 3, "triage_items": 3}, None).input_tokens == 3 * single_in
    assert "triage 2" in plan.line()
