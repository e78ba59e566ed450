"""Verdict policy unit tests: the adjudicator over hand-built states (no index needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.context import RunContext
from dwagent.agents.nodes.adjudicator import adjudicate
from dwagent.models import Finding, Suppression
from dwagent.rubric.loader import LoadedRubric, parse_rubric

RUBRIC = """
name: t
derive_domains: true
gates:
  - {id: build, kind: command, requires: nothing-here, command: [x], on_not_run: %(not_run)s}
  - {id: todo, kind: threshold, metric: todo, max: 0, on_fail: condition}
"""
CATEGORIES = ["todo-marker", "tls-bypass", "empty-catch"]


def ctx_for(tmp_path: Path, not_run: str = "condition") -> RunContext:
    rubric = parse_rubric(RUBRIC % {"not_run": not_run}, "t.yaml")
    return RunContext(root=tmp_path, rubric=LoadedRubric(rubric, "t.yaml", "0" * 64))


def finding(severity: str, category: str = "tls-bypass", **kw) -> dict:
    f = Finding(
        rule="DWA-101",
        category=category,
        severity=severity,
        file="src/a.py",
        start_line=3,
        end_line=3,
        excerpt="x = 1",
        message="m",
        id=f"F-{severity}-{category}",
        fingerprint=f"fp-{severity}-{category}",
        **kw,
    )
    return f.model_dump(mode="json")


def state(findings=(), build="PASS", with_source=True) -> dict:
    ev = {"id": "E-build", "file": "", "kind": "command-output", "excerpt": "ok", "start_line": 0, "end_line": 0, "note": "", "verified": False}
    gate = {"id": "build", "name": "build", "kind": "command", "status": build, "reason": "r", "command": "x"}
    if build == "PASS":
        gate["evidence_ids"] = ["E-build"]
    return {
        "inventory": {
            "source_files": 1 if with_source else 0,
            "source_files_list": [{"path": "src/a.py", "project": "src", "role": "production"}] if with_source else [],
        },
        "gate_runs": {"build": gate},
        "rules_info": {"status": "RAN", "categories": CATEGORIES},
        "findings": list(findings),
        "evidence": {"E-build": ev},
    }


def test_clean_tree_with_every_gate_passing_is_certified(tmp_path):
    report = adjudicate(state(), ctx_for(tmp_path))
    assert report["verdict"] == "CERTIFIED"
    assert report["p0"] == [] and report["conditions"] == []


@pytest.mark.parametrize("not_run, verdict", [("condition", "CERTIFIED WITH CONDITIONS"), ("block", "NOT CERTIFIED")])
def test_a_gate_that_did_not_run_never_yields_certified(tmp_path, not_run, verdict):
    report = adjudicate(state(build="NOT RUN"), ctx_for(tmp_path, not_run))
    assert report["verdict"] == verdict
    assert any(i["kind"] == "gate" and i["id"] == "build" for i in report["p0"] + report["conditions"])


def test_a_pass_gate_without_evidence_is_not_trusted(tmp_path):
    s = state()
    del s["gate_runs"]["build"]["evidence_ids"]
    report = adjudicate(s, ctx_for(tmp_path))
    assert report["verdict"] != "CERTIFIED"
    assert next(g for g in report["gates"] if g["id"] == "build")["status"] == "NOT RUN"


@pytest.mark.parametrize(
    "severity, verdict",
    [
        ("critical", "NOT CERTIFIED"),
        ("high", "NOT CERTIFIED"),
        ("medium", "CERTIFIED WITH CONDITIONS"),
        ("low", "CERTIFIED"),
    ],
)
def test_finding_severity_maps_to_effect(tmp_path, severity, verdict):
    report = adjudicate(state([finding(severity)]), ctx_for(tmp_path))
    assert report["verdict"] == verdict


def test_in_tree_suppression_of_a_high_finding_still_counts(tmp_path):
    f = finding("high", suppression=Suppression(kind="inline", justification="trust me"))
    report = adjudicate(state([f]), ctx_for(tmp_path))
    assert report["verdict"] == "NOT CERTIFIED"


def test_certifier_baseline_accepts_a_finding(tmp_path):
    f = finding("high", suppression=Suppression(kind="certifier-baseline", justification="risk accepted in review 12"))
    report = adjudicate(state([f]), ctx_for(tmp_path))
    assert report["verdict"] == "CERTIFIED"
    assert report["quality"]["accepted"] == 1


def test_rules_not_run_blocks(tmp_path):
    s = state()
    s["rules_info"] = {"status": "NOT RUN"}
    s["not_run"] = {"rules": "engine missing"}
    report = adjudicate(s, ctx_for(tmp_path))
    assert report["verdict"] == "NOT CERTIFIED"
    # and the todo gate cannot claim PASS without its rule having run
    assert next(g for g in report["gates"] if g["id"] == "todo")["status"] == "NOT RUN"


def test_no_source_files_blocks(tmp_path):
    report = adjudicate(state(with_source=False), ctx_for(tmp_path))
    assert report["verdict"] == "NOT CERTIFIED"
    assert report["p0"][0]["id"] == "no-source"


def test_threshold_gate_counts_findings(tmp_path):
    report = adjudicate(state([finding("low", "todo-marker")]), ctx_for(tmp_path))
    gate = next(g for g in report["gates"] if g["id"] == "todo")
    assert gate["status"] == "FAIL" and gate["value"] == 1
    assert report["verdict"] == "CERTIFIED WITH CONDITIONS"


def test_domain_status_follows_findings(tmp_path):
    report = adjudicate(state([finding("medium", "empty-catch")]), ctx_for(tmp_path))
    dom = report["domains"][0]
    assert dom["status"] == "CONDITIONAL" and dom["finding_ids"] == ["F-medium-empty-catch"]
    report = adjudicate(state([finding("high")]), ctx_for(tmp_path))
    assert report["domains"][0]["status"] == "FAIL"


def test_contradicted_claim_is_a_condition_and_never_raises_a_verdict(tmp_path):
    s = state()
    s["claims"] = [
        {
            "id": "E-c",
            "file": "README.md",
            "line": 1,
            "text": "zero hardcoded passwords",
            "status": "confirmed",
            "reason": "",
            "categories": ["hardcoded-secret"],
            "evidence_ids": [],
            "finding_ids": [],
        }
    ]
    assert adjudicate(s, ctx_for(tmp_path))["verdict"] == "CERTIFIED"
    s["claims"][0]["status"] = "contradicted"
    assert adjudicate(s, ctx_for(tmp_path))["verdict"] == "CERTIFIED WITH CONDITIONS"


def test_a_skipped_production_source_file_caps_the_verdict(tmp_path):
    # the clean, fully gated tree is CERTIFIED; the same tree with one unreadable source file is not
    s = state()
    assert adjudicate(s, ctx_for(tmp_path))["verdict"] == "CERTIFIED"
    s["inventory"]["unassessed_sources"] = [{"path": "src/b.cs", "reason": "too-large", "detail": "9 bytes > size cap 8", "role": "production"}]
    report = adjudicate(s, ctx_for(tmp_path))
    assert report["verdict"] == "CERTIFIED WITH CONDITIONS"
    assert [c["id"] for c in report["conditions"]] == ["not-assessed:src/b.cs"]
    assert "NOT ASSESSED" in report["conditions"][0]["reason"] and "too-large" in report["conditions"][0]["reason"]


def _rubric_with_domain_check(categories: str) -> str:
    return RUBRIC.replace(
        "derive_domains: true\n",
        f"derive_domains: true\nderived_checks:\n  - {{kind: no-findings, categories: [{categories}], min_severity: low, on_fail: block}}\n",
    )


def test_a_no_findings_check_no_rule_could_decide_is_not_verified(tmp_path):
    # tls-bypass rules ran: no finding of it is evidence (PASS); sql-injection rules did not: NOT VERIFIED
    for cats, status, verdict in (("tls-bypass", "PASS", "CERTIFIED"), ("sql-injection", "NOT VERIFIED", "CERTIFIED WITH CONDITIONS")):
        rubric = parse_rubric(_rubric_with_domain_check(cats) % {"not_run": "condition"}, "t.yaml")
        ctx = RunContext(root=tmp_path, rubric=LoadedRubric(rubric, "t.yaml", "0" * 64))
        report = adjudicate(state(), ctx)
        (dom,) = report["domains"]
        assert dom["cells"]["no-findings"]["status"] == status, dom["cells"]
        assert report["verdict"] == verdict
        if status == "NOT VERIFIED":
            assert any(rc["kind"] == "domain" and rc["effect"] == "condition" for rc in report["root_causes"])


def test_a_threshold_gate_says_which_rules_it_counted(tree, tmp_path, certify_run):
    # a zero must be checkable against the findings: the gate names the rules whose findings it counts
    root = tree({"calc/__init__.py": "def add(a, b):\n    return a + b\n", "calc/stub.py": "def mul(a, b):\n    raise NotImplementedError\n"})
    report, _ = certify_run(root, tmp_path)
    gate = next(g for g in report.gates if g.id == "not-implemented")
    stubs = [f for f in report.findings if f.category == "not-implemented"]
    assert gate.reason.startswith(f"not-implemented = {len(stubs)} (max 0): counted not-implemented findings of DWA-")
    rules = gate.reason.split("findings of ", 1)[1].split(";")[0].split(", ")
    assert {f.rule for f in stubs} <= set(rules) and "DWA-201" in rules
