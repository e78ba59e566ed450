"""The certification graph as a graph: one shape for every run, a `Send` task per rubric flow,
conditional routes into the optional LLM stages, and a direct route when the rubric has no flow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dwagent.agents.context import RunContext
from dwagent.agents.graph import InjectedCrash, build_graph
from dwagent.agents.nodes.flow_tracer import flow_tasks
from dwagent.rubric.loader import load_rubric

DWSHAPE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"


def _ctx(tmp_path, rubric: str = "dw", gateway=None) -> RunContext:
    return RunContext(root=tmp_path.resolve(), rubric=load_rubric(rubric), index_dir=tmp_path / "index", gateway=gateway)


def test_one_shape_with_or_without_a_model(tmp_path) -> None:
    offline = build_graph(_ctx(tmp_path)).compile().get_graph()
    online = build_graph(_ctx(tmp_path, gateway=object())).compile().get_graph()
    assert set(offline.nodes) == set(online.nodes) >= {"trace_flow", "flows_traced", "llm_flows", "llm_prose"}
    conditional = {(e.source, e.target) for e in offline.edges if e.conditional}
    assert {
        ("flows_traced", "llm_flows"),
        ("flows_traced", "tier_checker"),
        ("competitor_analyst", "llm_prose"),
        ("hostile_reviewer", "trace_flow"),
        ("hostile_reviewer", "flows_traced"),
        ("hostile_reviewer", "nothing_to_audit"),
    } <= conditional


def test_each_flow_is_a_task_and_the_rows_keep_rubric_order(tmp_path, certify_run) -> None:
    started: list[str] = []
    report, _ = certify_run(DWSHAPE, tmp_path, rubric="dw", started=started)
    flows = [f.id for f in load_rubric("dw").rubric.flows]
    assert len(flows) > 1
    assert sorted(n for n in started if n.startswith("flow_tracer.")) == sorted(f"flow_tracer.{f}" for f in flows)
    assert "llm_flows" not in started and "llm_prose" not in started  # offline: the routes skip them
    assert started.index("flows_traced") > max(started.index(f"flow_tracer.{f}") for f in flows)
    assert sorted(r.id for r in report.flows) == sorted(flows)


def test_flow_tasks_carry_only_what_a_trace_reads(tmp_path) -> None:
    finding = {"id": "F1", "category": "sync-over-async", "file": "a.cs", "start_line": 3, "excerpt": "x" * 500, "message": "m", "suppression": None}
    other = {**finding, "id": "F2", "category": "todo"}  # no flow control reads this category
    tasks = flow_tasks({"findings": [finding, other]}, _ctx(tmp_path))
    assert [t["flow_id"] for t in tasks] == [f.id for f in load_rubric("dw").rubric.flows]
    assert tasks[0]["findings"] == [{"id": "F1", "category": "sync-over-async", "file": "a.cs", "start_line": 3}]


def test_a_rubric_without_flows_goes_straight_to_the_join(tmp_path, tree, certify_run) -> None:
    root = tree({"app/main.py": "def main():\n    return 1\n"})
    started: list[str] = []
    report, _ = certify_run(root, tmp_path / "work", rubric="generic", started=started)
    assert not load_rubric("generic").rubric.flows
    assert "flows_traced" in started and not any(n.startswith("flow_tracer.") for n in started)
    assert report.verdict and "adjudicator" in started


def test_a_tree_without_source_exits_early_to_the_verdict(tmp_path, tree, certify_run) -> None:
    root = tree({"README.md": "# notes\n\nNothing to build here.\n"})
    started: list[str] = []
    report, _ = certify_run(root, tmp_path / "work", rubric="dw", started=started)
    assert "nothing_to_audit" in started and "adjudicator" in started
    assert not {"plugin_auditor", "claims_checker", "tier_checker", "review_passes"} & set(started)
    assert report.verdict == "NOT CERTIFIED" and "no-source" in {i.id for i in report.p0}
    assert "analysis" in report.not_run


def test_a_crash_inside_the_flow_tasks_resumes_from_the_checkpoint(tmp_path, certify_run) -> None:
    _, clean = certify_run(DWSHAPE, tmp_path / "clean", rubric="dw")
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    with pytest.raises(InjectedCrash):
        certify_run(root, tmp_path / "work", rubric="dw", out="crashed", fail_in="trace_flow")
    started: list[str] = []
    _, resumed = certify_run(root, tmp_path / "work", rubric="dw", out="resumed", resume=True, started=started)
    # the steps before the fan-out are not run again; the flow tasks and what follows are
    assert "hostile_reviewer" not in started and "evidence" not in started
    assert any(n.startswith("flow_tracer.") for n in started) and "adjudicator" in started
    a = (clean / "findings.json").read_text().replace('"root_name": "dwshape"', "")
    b = (resumed / "findings.json").read_text().replace('"root_name": "dwshape"', "")
    assert a == b
