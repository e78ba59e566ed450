"""The LLM-vs-offline eval scores refutations against in-file labels."""

from __future__ import annotations

import json

from llm_fakes import openai_reply, tls_finding

from dwagent.evals.bench.llm_compare import compare, is_labelled_true


def _tree(tmp_path):
    root = tmp_path / "fx"
    root.mkdir()
    (root / "a.cs").write_text("class A {\n  void M() { Run(); } // ruleid: DWA-001\n  void N() { Run(); }\n}\n")
    return root


def _hit(line: int, fid: str):
    return tls_finding().model_copy(
        update={
            "id": fid,
            "file": "a.cs",
            "start_line": line,
            "end_line": line,
            "excerpt": ["", "", "  void M() { Run(); } // ruleid: DWA-001", "  void N() { Run(); }"][line],
        }
    )


def test_labels_come_from_ruleid_comments(tmp_path):
    root = _tree(tmp_path)
    assert is_labelled_true(root, _hit(2, "tp")) and not is_labelled_true(root, _hit(3, "fp"))


def test_offline_only_marks_assisted_not_run(tmp_path):
    result = compare(_tree(tmp_path), [_hit(2, "tp"), _hit(3, "fp")], None)
    assert result["offline"] == {"true_positives": 1, "false_positives": 1}
    assert result["assisted"].startswith("NOT RUN")


def test_verified_refutation_of_false_positive_counts_as_benefit(make_harness, tmp_path):
    root = _tree(tmp_path)
    refute_fp = {
        "verdict": "refuted",
        "proposed_severity": "unchanged",
        "argument": "N only calls Run.",
        "citations": [{"file": "a.cs", "start_line": 3, "end_line": 3, "quote": "  void N() { Run(); }"}],
    }
    bogus = {**refute_fp, "citations": [{"file": "a.cs", "start_line": 2, "end_line": 2, "quote": "void M() {}"}]}
    # Sorted order: both critical in a.cs; line 2 (tp) first, then line 3 (fp).
    h = make_harness("openai", "gpt-4.1-mini", [openai_reply(json.dumps(bogus)), openai_reply(json.dumps(refute_fp))], use_cache=False)
    result = compare(root, [_hit(2, "tp"), _hit(3, "fp")], h.gateway)
    assert result["assisted"]["true_positives_refuted"] == 0
    assert result["assisted"]["false_positives_refuted"] == 1
    assert result["assisted"]["outcomes"] == {"refuted": 1, "rejected-argument": 1}
