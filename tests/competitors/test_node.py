"""The competitor-analyst node: only when the rubric asks for it, after the verdict, into the report."""

from __future__ import annotations

from types import SimpleNamespace

from competitors_support import wired_and_tested

from dwagent.agents.nodes.competitor_analyst import competitor_node


def _ctx(tree, wanted: bool):
    rubric = SimpleNamespace(rubric=SimpleNamespace(name="dw" if wanted else "generic", competitive_analysis=wanted))
    return SimpleNamespace(root=tree.root, rubric=rubric, index_dir=tree.index_dir, gateway=None)


def test_generic_rubric_gets_no_competitive_analysis(tree):
    update = competitor_node({"report": {"verdict": "CERTIFIED"}}, _ctx(tree, wanted=False))
    assert update["competitive"]["status"] == "NOT RUN"
    assert "does not ask" in update["competitive"]["reason"]
    assert update["report"]["competitive"] == update["competitive"]


def test_rubric_that_asks_gets_the_analysis_inside_the_report(tree):
    wired_and_tested(tree)
    tree.store().close()
    report = {
        "verdict": "NOT CERTIFIED",
        "rationale": "1 P0",
        "p0": [{"kind": "flow", "id": "w"}],
        "flows": [{"id": "w", "name": "Write", "status": "FAIL"}],
        "findings": [],
    }
    update = competitor_node({"report": report, "findings": []}, _ctx(tree, wanted=True))
    assert update["competitive"]["status"] == "RAN", update["competitive"]
    assert update["report"]["verdict"] == "NOT CERTIFIED"  # the verdict is never changed
    assert "NOT CERTIFIED" in update["report"]["competitive"]["markdown"]


def test_shipped_rubrics_ask_only_where_a_market_exists():
    from dwagent.rubric.loader import load_rubric

    assert load_rubric("dw").rubric.competitive_analysis is True
    assert load_rubric("generic").rubric.competitive_analysis is False
