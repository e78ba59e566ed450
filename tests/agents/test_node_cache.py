"""The certify node cache: an unchanged tree is served from the cache with byte-identical reports,
any changed input (a file, the rubric, the state) recomputes, and a damaged cache is only a miss."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dwagent.agents import graph as certify_graph
from dwagent.agents import node_cache
from dwagent.agents.context import RunContext
from dwagent.rubric.loader import load_rubric

FILES = {
    "calc/__init__.py": "def add(a, b):\n    return a + b\n",
    "calc/store.py": "def save(rows):\n    return list(rows)\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
    "README.md": "# calc\n\nThe library has zero hardcoded passwords.\n",
}
SECRET = 'DB_PASSWORD = "Tr0ub4dor&3-prod"\n\n\ndef save(rows):\n    return list(rows)\n'


@pytest.fixture
def computed(monkeypatch):
    """Counts the real (not cached) calls of every cached node."""
    calls: list[str] = []
    for name in node_cache.CACHED_NODES:
        real = certify_graph.NODES[name]

        def counting(state, ctx, _real=real, _name=name):
            calls.append(_name)
            return _real(state, ctx)

        monkeypatch.setitem(certify_graph.NODES, name, counting)
    return calls


def test_unchanged_tree_is_served_from_cache_with_identical_reports(tree, tmp_path, certify_run, computed):
    root = tree(FILES)
    _, first = certify_run(root, tmp_path, out="first")
    # the generic rubric has no flow, so no per-flow task runs
    assert sorted(computed) == sorted(node_cache.CACHED_NODES - {"trace_flow"})
    computed.clear()
    _, second = certify_run(root, tmp_path, out="second")
    assert computed == []  # every cached node was a hit
    for name in ("findings.json", "CERTIFICATION.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_changed_file_recomputes_and_changes_the_findings(tree, tmp_path, certify_run, computed):
    root = tree(FILES)
    before, _ = certify_run(root, tmp_path, out="first")
    (root / "calc" / "store.py").write_text(SECRET, encoding="utf-8")
    computed.clear()
    after, _ = certify_run(root, tmp_path, out="second")
    assert "evidence" in computed
    assert not any(f.file == "calc/store.py" for f in before.findings)
    assert any(f.category == "hardcoded-secret" and f.file == "calc/store.py" for f in after.findings)
    # and back: the original content gives the original result again
    (root / "calc" / "store.py").write_text(FILES["calc/store.py"], encoding="utf-8")
    again, _ = certify_run(root, tmp_path, out="third")
    assert [f.id for f in again.findings] == [f.id for f in before.findings]


def _ctx(tmp_path: Path, **kw) -> RunContext:
    return RunContext(
        root=tmp_path.resolve(), rubric=load_rubric("generic"), index_dir=tmp_path / "index", execute_gates=False, tree_digest="abc", **kw
    )


def test_key_covers_state_tree_rubric_and_switches_but_not_timings(tmp_path):
    ctx = _ctx(tmp_path)
    state = {"findings": [{"id": "F1"}], "timings": {"reader": 0.1}}
    key = node_cache.node_key("trace_flow", state, ctx)
    assert node_cache.node_key("trace_flow", {**state, "timings": {"reader": 9.0}}, ctx) == key
    changed = [
        node_cache.node_key("trace_flow", {**state, "findings": [{"id": "F2"}]}, ctx),
        node_cache.node_key("evidence", state, ctx),
        node_cache.node_key("trace_flow", state, replace(ctx, tree_digest="abd")),
        node_cache.node_key("trace_flow", state, replace(ctx, rubric=load_rubric("dw"))),
        node_cache.node_key("trace_flow", state, replace(ctx, execute_gates=True)),
        node_cache.node_key("trace_flow", state, replace(ctx, baseline={"fp": "accepted"})),
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_hit_returns_stored_update_and_damaged_cache_is_a_miss(tmp_path):
    ctx = _ctx(tmp_path)
    calls = []

    def node(state, ctx):
        calls.append(1)
        return {"flows": {"f": ("a", 1)}, "timings": {"flow_tracer": 5.0}}

    first = node_cache.run_cached("trace_flow", node, {}, ctx)
    second = node_cache.run_cached("trace_flow", node, {}, ctx)
    assert len(calls) == 1 and second["flows"] == first["flows"] == {"f": ("a", 1)}
    assert second["timings"]["flow_tracer"] < 5.0  # the time this call took, not the stored one
    node_cache.cache_path(ctx).write_bytes(b"not a database")
    assert node_cache.run_cached("trace_flow", node, {}, ctx)["flows"] == {"f": ("a", 1)}
    assert len(calls) == 2


def test_uncached_nodes_and_llm_runs_always_compute(tmp_path):
    calls = []

    def node(state, ctx):
        calls.append(1)
        return {"x": 1}

    ctx = _ctx(tmp_path)
    for _ in range(2):
        node_cache.run_cached("adjudicator", node, {}, ctx)
        node_cache.run_cached("evidence", node, {}, replace(ctx, gateway=object()))
    assert len(calls) == 4


def test_inputs_or_results_that_do_not_serialise_are_computed_not_cached(tmp_path):
    calls = []

    def node(state, ctx):
        calls.append(1)
        return {"flows": {"f": 1}, "hook": lambda: None}  # a lambda cannot be pickled

    ctx = _ctx(tmp_path)
    for _ in range(2):
        assert node_cache.run_cached("trace_flow", node, {}, ctx)["flows"] == {"f": 1}
        node_cache.run_cached("trace_flow", node, {"odd": {(1, 2): "tuple key"}}, ctx)
    assert len(calls) == 4
