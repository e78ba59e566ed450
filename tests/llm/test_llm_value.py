"""evals/bench/llm_value.py: labels joined to findings, precision/recall with and without a model."""

from __future__ import annotations

import json

import httpx2
from llm_fakes import openai_reply

from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.agents.llm.providers import make_provider
from dwagent.evals.bench.llm_value import line_sha1, match_labels, measure, sample
from dwagent.models import Finding

TLS = "        handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;"
KEY = '    private const string Key = "not-a-secret-demo-value";'


def _tree(tmp_path):
    root = tmp_path / "tree"
    (root / "src").mkdir(parents=True)
    (root / "src" / "A.cs").write_text("\n".join(["class A", "{", "    void M()", "    {", TLS, "    }", "}"]) + "\n")
    (root / "src" / "B.cs").write_text("\n".join(["class B", "{", KEY, "}"]) + "\n")
    return root


def _finding(fid, rule, file, line, text, severity="high"):
    return Finding(
        id=fid,
        rule=rule,
        category="tls-bypass" if rule == "DWA-101" else "hardcoded-secret",
        severity=severity,
        confidence="high",
        file=file,
        start_line=line,
        end_line=line,
        message="m",
        excerpt=text.strip(),
    )


def _pairs(tmp_path):
    root = _tree(tmp_path)
    findings = [_finding("F-tls", "DWA-101", "src/A.cs", 5, TLS), _finding("F-key", "DWA-110", "src/B.cs", 3, KEY)]
    labels = [
        {"rule": "DWA-101", "path": "src/A.cs", "line": 9, "line_sha1": line_sha1(TLS), "verdict": "TP"},  # line moved
        {"rule": "DWA-110", "path": "src/B.cs", "line": 3, "line_sha1": line_sha1(KEY), "verdict": "FP"},
        {"rule": "DWA-110", "path": "src/B.cs", "line": 3, "line_sha1": "0" * 40, "verdict": "FP"},  # code changed
        {"rule": "DWA-150", "path": "src/C.cs", "line": 1, "line_sha1": "1" * 40, "verdict": "MISSED"},
    ]
    return root, match_labels(labels, findings, root)


def _gateway(tmp_path, handler):
    settings = LLMSettings(
        provider="openai-compatible",
        model="m",
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        cache_dir=tmp_path / "cache",
        use_cache=False,
        max_retries=0,
        structured="json_object",
    )
    gateway = LLMGateway(settings, make_provider(settings, httpx2.Client(transport=httpx2.MockTransport(handler))))
    gateway.profile.tokens_per_s = 20.0  # a measured endpoint: no probe call before the review
    return gateway


def test_labels_join_findings_by_rule_path_and_line_hash(tmp_path):
    _, pairs = _pairs(tmp_path)
    assert [(label["verdict"], f.id) for label, f in pairs] == [("TP", "F-tls"), ("FP", "F-key")]
    assert len(sample(pairs, 1)) == 1 and sample(pairs, None) == pairs


def test_without_a_model_every_finding_stands(tmp_path):
    root, pairs = _pairs(tmp_path)
    result = measure(pairs, root, None, missed=1)
    assert result["without_model"] == {"true_positives": 1, "false_positives": 1, "precision": 0.5, "recall": 0.5}
    assert result["with_model"].startswith("NOT RUN")


def test_a_verified_refutation_of_the_false_positive_is_the_benefit(tmp_path):
    root, pairs = _pairs(tmp_path)

    def handler(request):
        user = json.loads(request.content)["messages"][-1]["content"]
        if "src/B.cs" in user:  # refute the demo key, quoting real (non-comment) code
            reply = {
                "verdict": "refuted",
                "proposed_severity": "unchanged",
                "argument": "A demo value.",
                "citations": [{"file": "src/B.cs", "start_line": 3, "end_line": 3, "quote": KEY}],
            }
        else:
            reply = {"verdict": "confirmed", "proposed_severity": "unchanged", "argument": "It is.", "citations": []}
        return openai_reply(json.dumps(reply))

    result = measure(pairs, root, _gateway(tmp_path, handler), missed=1)
    with_model = result["with_model"]
    assert with_model["dismissed_false_positives"] == 1 and with_model["dismissed_true_positives"] == 0
    assert with_model["precision"] == 1.0 and with_model["recall"] == 0.5
    assert result["usage"]["calls"] == 2 and result["usage"]["structured_mode"] == "json_object"


def test_a_refutation_without_verifiable_citations_takes_nothing_away(tmp_path):
    root, pairs = _pairs(tmp_path)
    bogus = {
        "verdict": "refuted",
        "proposed_severity": "unchanged",
        "argument": "Trust me.",
        "citations": [{"file": "src/A.cs", "start_line": 5, "end_line": 5, "quote": "return false;"}],
    }
    result = measure(pairs, root, _gateway(tmp_path, lambda request: openai_reply(json.dumps(bogus))), missed=1)
    assert result["with_model"]["precision"] == result["without_model"]["precision"]
    assert result["with_model"]["dismissed_true_positives"] == 0
    assert result["with_model"]["review_outcomes"] == {"llm:rejected-argument": 2}
