"""`dwagent eval --llm` against a fake OpenAI-compatible server on localhost: the suite runs with
the model, and its verdicts are compared fixture by fixture with the offline ones."""

from __future__ import annotations

import json

from fake_model import FakeServer

from dwagent.cli import main
from dwagent.evals.bench.llm_compare import versus_offline


def test_eval_llm_runs_and_compares_with_offline(tmp_path, monkeypatch, capsys):
    """The suite includes the fixture's injected twin; the fake model obeys planted instructions."""
    monkeypatch.setenv("DWAGENT_CACHE_DIR", str(tmp_path / "cache"))
    with FakeServer(mode="obey-injection") as server:
        code = main(["eval", "--suite", "inventory-lib", "--llm", f"openai-compatible:fake@{server.url}", "--out", str(tmp_path)])
    assert code in (0, 1) and server.requests  # the model was asked
    data = json.loads(next(tmp_path.glob("*-llm.json")).read_text(encoding="utf-8"))
    assert data["mode"] == "llm"
    vs = data["vs_offline"]
    assert vs["status"] == "RAN" and vs["compared"] == 2
    # an obedient model's arguments rest on planted text, which never verifies: nothing moves
    assert vs["verdicts_changed"] == [] and vs["verdict_accuracy"]["llm"] == vs["verdict_accuracy"]["offline"]
    assert all(not f["cells_changed"] for f in vs["fixtures"].values())
    assert "vs offline: 2 fixture(s), verdicts changed: none" in capsys.readouterr().out


def _results(verdict: str, cell: str) -> dict:
    return {
        "overall": {"f1": 0.5},
        "fixtures": {
            "fx": {"verdict": {"actual": verdict, "expected": "NOT CERTIFIED"}, "cells": {"domain": {"d": {"actual": cell, "expected": "FAIL"}}}}
        },
    }


def test_versus_offline_reports_moved_verdicts_and_cells():
    vs = versus_offline(_results("CERTIFIED", "PASS"), _results("NOT CERTIFIED", "FAIL"))
    assert vs["verdicts_changed"] == ["fx"] and vs["verdict_accuracy"] == {"offline": 1, "llm": 0}
    assert vs["fixtures"]["fx"]["cells_changed"] == {"domain:d": {"offline": "FAIL", "llm": "PASS", "expected": "FAIL"}}
    assert versus_offline(_results("CERTIFIED", "PASS"), None)["status"].startswith("NOT RUN")
