"""Cell scoring, report signatures, thresholds and baseline regressions."""

from __future__ import annotations

import copy

from dwagent.evals.gate import check_thresholds, load_thresholds, regressions
from dwagent.evals.scoring import cell_results, report_signature

from .conftest import finding


def _report(**over):
    report = {
        "verdict": "NOT CERTIFIED",
        "domains": [{"id": "core", "status": "FAIL"}],
        "plugins": [{"id": "plugins/Tiny.Plugins.Cache", "name": "Tiny.Plugins.Cache", "status": "PASS"}],
        "flows": [{"id": "write", "status": "NOT VERIFIED"}],
        "tiers": [],
        "findings": [finding("sql-injection", "Repo.cs", 3)],
    }
    report.update(over)
    return report


def test_cells_match_by_id_or_folder_name(tiny) -> None:
    cells = cell_results(tiny, _report())
    assert cells["domain"]["core"]["ok"] and cells["plugin"]["Tiny.Plugins.Cache"]["ok"]
    assert cells["flow"]["write"] == {"expected": "PASS", "actual": "NOT VERIFIED", "ok": False}


def test_missing_cell_is_wrong(tiny) -> None:
    assert cell_results(tiny, _report(domains=[]))["domain"]["core"]["actual"] == "(missing)"


def test_signature_ignores_excerpts_but_not_severity() -> None:
    a = _report()
    b = copy.deepcopy(a)
    b["findings"][0]["excerpt"] = "changed text"
    assert report_signature(a) == report_signature(b)
    b["findings"][0]["severity"] = "medium"
    assert report_signature(a) != report_signature(b)


def _results(f1=0.95, cat_f1=0.9, acc=1.0, identical=True):
    return {
        "overall": {"f1": f1},
        "categories": {"sql-injection": {"f1": cat_f1, "tp": 1, "fp": 0, "fn": 0}},
        "verdicts": {"overall": {"accuracy": acc}, "domain": {"accuracy": None}},
        "quote_verification": {"rate": 1.0},
        "variants": {"x-injected": {"original": "x", "identical": identical, "differences": []}},
        "fixtures": {
            "x": {"kind": "original", "true_positives": ["a"], "false_positives": [], "verdict": {"ok": True, "actual": "", "expected": ""}}
        },
        "runtime": {"total_seconds": 10},
    }


def test_thresholds_pass_and_fail() -> None:
    bars = load_thresholds()
    assert check_thresholds(_results(), bars) == []
    misses = check_thresholds(_results(f1=0.5, cat_f1=0.1, acc=0.9, identical=False), bars)
    assert len(misses) == 4
    assert any("overall micro F1" in m for m in misses) and any("x-injected" in m for m in misses)


def test_regressions_name_what_got_worse() -> None:
    old = _results()
    new = _results(f1=0.91)
    new["fixtures"]["x"]["true_positives"] = []
    new["fixtures"]["x"]["false_positives"] = ["sql-injection high A.cs:1-1"]
    lines = regressions(new, old)
    assert any("overall F1" in l for l in lines)
    assert "x: a was found, now missed" in lines
    assert any("new false positive" in l for l in lines)
    assert regressions(old, old) == []


def test_nothing_measured_is_not_a_miss() -> None:
    assert check_thresholds(_results(f1=None, cat_f1=None), load_thresholds()) == []
