"""What blocks a release (issue 18): one root cause per rule, each rule's own why/fix, and the
rubric's blocking policy (block_at, block_categories, cell_escalation) as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.context import RunContext
from dwagent.agents.nodes.adjudicator import adjudicate
from dwagent.models import Finding
from dwagent.report.remedies import remedy
from dwagent.rubric.loader import LoadedRubric, parse_rubric
from dwagent.tools.rules.registry import all_rules, get_rule

RUBRIC = """
name: t
derive_domains: true
policy:
  block_categories: [%(forbid)s]
  cell_escalation: %(cap)s
domains:
  - id: src
    name: src
    paths: ["src/**"]
    checks:
      - {kind: no-findings, categories: [empty-catch], min_severity: medium, on_fail: block}
gates:
  - {id: todo, kind: threshold, metric: todo, max: 0, on_fail: %(todo)s}
"""
CATEGORIES = ["todo-marker", "tls-bypass", "empty-catch", "stub-return", "unwired-component"]


def ctx(tmp_path: Path, forbid: str = "", cap: str = "condition", todo: str = "block") -> RunContext:
    rubric = parse_rubric(RUBRIC % {"forbid": forbid, "cap": cap, "todo": todo}, "t.yaml")
    return RunContext(root=tmp_path, rubric=LoadedRubric(rubric, "t.yaml", "0" * 64))


def finding(rule: str, n: int = 0, file: str = "src/a.py", root_cause: str = "") -> dict:
    meta = get_rule(rule).meta
    f = Finding(
        rule=rule,
        category=meta.category,
        severity=meta.severity,
        file=file,
        start_line=3 + n,
        end_line=3 + n,
        excerpt="x = 1",
        message=f"m{n}",
        id=f"F-{rule}-{n}",
        fingerprint=f"fp-{rule}-{n}",
        root_cause=root_cause,
    )
    return f.model_dump(mode="json")


def state(findings) -> dict:
    files = sorted({f["file"] for f in findings}) or ["src/a.py"]
    return {
        "inventory": {
            "source_files": len(files),
            "source_files_list": [{"path": p, "project": p.split("/")[0], "role": "production"} for p in files],
        },
        "gate_runs": {},
        "rules_info": {"status": "RAN", "categories": CATEGORIES},
        "findings": list(findings),
        "evidence": {},
    }


def by_rule(report: dict) -> dict[str, dict]:
    return {rc["rule"]: rc for rc in report["root_causes"] if rc["rule"]}


def test_findings_of_one_rule_with_different_detector_keys_are_one_root_cause(tmp_path):
    """A design-level rule's class (one key per option holder) is one item, with its sites counted."""
    fs = [finding("DWA-369", i, file=f"src/m{i}/Options.cs", root_cause=f"holder:src/m{i}/Options.cs") for i in range(4)]
    report = adjudicate(state(fs), ctx(tmp_path))
    rcs = [rc for rc in report["root_causes"] if rc["rule"] == "DWA-369"]
    assert len(rcs) == 1
    assert rcs[0]["count"] == 4 and rcs[0]["sites"] == 4
    assert len({c["file"] for c in rcs[0]["cited"]}) == 3  # three different sites cited


def test_a_medium_finding_does_not_block_because_a_cell_counts_it(tmp_path):
    """cell_escalation: condition — the domain FAILs on the empty catch, the root cause stays a condition."""
    report = adjudicate(state([finding("DWA-206")]), ctx(tmp_path, cap="condition"))
    rc = by_rule(report)["DWA-206"]
    assert report["domains"][0]["status"] == "FAIL"
    assert rc["effect"] == "condition" and rc["blocks"], rc  # it still names the cell it makes FAIL
    assert report["verdict"] == "CERTIFIED WITH CONDITIONS"


def test_cell_escalation_block_restores_escalation(tmp_path):
    report = adjudicate(state([finding("DWA-206")]), ctx(tmp_path, cap="block"))
    rc = by_rule(report)["DWA-206"]
    assert rc["effect"] == "block" and rc["blocking"].startswith("domain src")
    assert report["verdict"] == "NOT CERTIFIED"


def test_a_category_the_procedure_forbids_blocks_at_any_severity_and_says_why(tmp_path):
    fs = [finding("DWA-211")]  # medium stub-return
    assert adjudicate(state(fs), ctx(tmp_path))["verdict"] != "NOT CERTIFIED"
    report = adjudicate(state(fs), ctx(tmp_path, forbid="stub-return"))
    rc = by_rule(report)["DWA-211"]
    assert rc["effect"] == "block"
    assert rc["blocking"] == "the procedure forbids stub-return (any severity)"


def test_a_high_finding_blocks_by_its_severity(tmp_path):
    rc = by_rule(adjudicate(state([finding("DWA-367")]), ctx(tmp_path)))["DWA-367"]
    assert rc["effect"] == "block" and rc["blocking"].startswith("high severity")


def test_a_hard_gate_is_not_capped(tmp_path):
    """The procedure's own gate (zero TODO, on_fail block) still makes its low findings block."""
    report = adjudicate(state([finding("DWA-202")]), ctx(tmp_path, todo="block"))
    rc = by_rule(report)["DWA-202"]
    assert rc["effect"] == "block" and rc["blocking"].startswith("gate ")
    report = adjudicate(state([finding("DWA-202")]), ctx(tmp_path, todo="condition"))
    assert by_rule(report)["DWA-202"]["effect"] == "condition"


def test_every_rule_carries_its_own_why_and_fix():
    missing = [m.id for m in all_rules() if not (m.why and m.fix)]
    assert not missing, f"rules without their own why/fix (tools/rules/remedies.py): {missing}"


@pytest.mark.parametrize("rule", ["DWA-365", "DWA-367", "DWA-363", "DWA-364", "DWA-368", "DWA-369", "DWA-211", "DWA-204"])
def test_a_blocking_item_says_its_rules_why_not_the_categorys(tmp_path, rule):
    """The issue's examples: a presence-only verifier is not 'a broken algorithm', protocol state
    in memory is not 'built but never constructed', work per message is not 'a collection grows'."""
    meta = get_rule(rule).meta
    report = adjudicate(state([finding(rule)]), ctx(tmp_path, forbid=meta.category))
    rc = by_rule(report)[rule]
    assert rc["effect"] == "block"
    assert (rc["why"], rc["fix"]) == (meta.why, meta.fix)
    assert rc["why"] != remedy(meta.category)[0]


def test_no_blocking_item_of_a_real_rule_falls_back_to_the_category_text(tmp_path):
    """Every rule whose own text differs from its category's: the root cause shows the rule's."""
    rules = [m for m in all_rules() if m.why != remedy(m.category)[0]]
    fs = [finding(m.id, i) for i, m in enumerate(rules)]
    report = adjudicate(state(fs), ctx(tmp_path, forbid=", ".join(sorted({m.category for m in rules}))))
    blocking = [rc for rc in report["root_causes"] if rc["rule"] and rc["effect"] == "block"]
    assert len(blocking) == len(rules)
    wrong = [rc["rule"] for rc in blocking if rc["why"] == remedy(rc["category"])[0]]
    assert not wrong
