"""Flow tracing and queries on the DW-shaped fixture: both labelled flows, who-calls, topics, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dwagent.cli import main
from dwagent.tools.graph import query
from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.flowtypes import FlowSpec
from dwagent.tools.graph.trace import trace_flow
from dwagent.tools.index import build_index, open_index

FIXTURE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"
LABELS = yaml.safe_load((FIXTURE / "labels.yaml").read_text(encoding="utf-8"))
FLOWS = {f["name"]: f for f in LABELS["flows"]}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("dwshape-trace")
    build_index(FIXTURE, index_dir=d, jobs=1)
    return d


@pytest.fixture(scope="module")
def view(index_dir):
    with open_index(FIXTURE, index_dir=index_dir) as store:
        yield graph_for(store)


def _spec(label: dict) -> FlowSpec:
    return FlowSpec(name=label["name"], entry=label["entry"], waypoints=tuple(label["waypoints"]), requires=tuple(label["requires"]))


def _matches(node: str, expected: str) -> bool:
    return node == expected if expected.startswith("topic:") else node.endswith("." + expected)


def test_complete_flow_has_the_expected_hops_and_passes(view):
    label = FLOWS["write"]
    trace = trace_flow(view, _spec(label))
    nodes = [h.node for h in trace.hops]
    assert len(nodes) == len(label["expected_hops"])
    for node, expected in zip(nodes, label["expected_hops"]):
        assert _matches(node, expected), (node, expected)
    assert trace.status == label["expected"]["status"]
    assert not trace.broken
    got = {c.check: c.status for c in trace.checks}
    assert got == label["expected"]["checks"]
    for hop in trace.hops[1:]:
        lines = (FIXTURE / hop.file).read_text(encoding="utf-8").splitlines()
        assert hop.excerpt == lines[hop.line - 1]  # every hop quotes its line verbatim


def test_broken_flow_names_the_break_and_the_candidates_it_tried(view):
    label = FLOWS["read"]
    trace = trace_flow(view, _spec(label))
    assert trace.status == label["expected"]["status"]
    assert [b.waypoint for b in trace.broken] == label["expected"]["broken"]
    candidates = " ".join(trace.broken[0].candidates)
    assert "topic:encryption.decrypt " in candidates and "encryption.decrypt.request" in candidates
    before = [h.node for h in trace.hops][: len(label["expected_hops_before_break"])]
    for node, expected in zip(before, label["expected_hops_before_break"], strict=True):
        assert _matches(node, expected), (node, expected)
    checks = {c.check: c for c in trace.checks}
    for name, exp in label["expected"]["checks"].items():
        assert checks[name].status == exp["status"]
        assert checks[name].file == exp["file"] and checks[name].start_line == exp["lines"][0]


def test_unknown_waypoint_is_a_broken_link_not_a_pass(view):
    trace = trace_flow(view, FlowSpec(name="x", entry="Program.Main", waypoints=("NoSuchHandlerAsync",)))
    assert trace.status == "FAIL" and trace.broken[0].reason.startswith("waypoint 'NoSuchHandlerAsync' matches no")
    missing = trace_flow(view, FlowSpec(name="y", entry="Nowhere.Main"))
    assert missing.status == "NOT VERIFIED"


def test_required_control_missing_fails_the_flow(view):
    spec = _spec(FLOWS["write"]).model_copy(update={"requires": ("authorization",)})
    trace = trace_flow(view, spec)
    auth = next(c for c in trace.checks if c.check == "authorization")
    assert auth.status == "FAIL" and "searched" in auth.detail and trace.status == "FAIL"


def test_who_calls_follows_calls_and_the_bus(view):
    direct = query.who_calls(view, "DataWarehouseKernel.WriteAsync")
    assert [(c.caller.rsplit(".", 2)[-2], c.line) for c in direct] == [("WriteCommand", 24)]
    via_bus = query.who_calls(view, "UltimateStoragePlugin.HandleWriteAsync")
    assert {(c.via, c.caller.rsplit(".", 1)[-1]) for c in via_bus} == {
        ("bus:storage.write", "ExecuteWriteAsync"),
        ("bus:storage.write", "WriteAsync"),
    }
    assert query.callers(view, "UltimateStoragePlugin.HandleWriteAsync") == []


def test_topic_query_by_constant_value_and_pattern(view):
    by_const = query.topic(view, "MessageTopics.StorageWritten")
    assert by_const.topic == "storage.written"
    assert [s.file.rsplit("/", 1)[-1] for s in by_const.subscribers] == ["UltimateReplicationPlugin.cs"]
    pattern = query.topic(view, "metrics.storage.written")
    assert [s.topic for s in pattern.subscribers] == ["metrics.*"]


def test_cli_commands_and_exit_codes(index_dir, capsys):
    args = ["--index-dir", str(index_dir)]
    assert main(["trace", str(FIXTURE), "--from", "Program.Main", "--to", "AuditLogPlugin.HandleAuditAsync", *args]) == 0
    assert "PASS" in capsys.readouterr().out
    assert main(["trace", str(FIXTURE), "--from", "ReadCommand.ExecuteAsync", "--to", "HandleDecryptAsync", "--json", *args]) == 1
    assert '"broken"' in capsys.readouterr().out
    assert main(["who-calls", str(FIXTURE), "HandleEncryptAsync", *args]) == 0
    assert "bus:encryption.encrypt" in capsys.readouterr().out
    assert main(["topic", str(FIXTURE), "storage.quota.exceeded", *args]) == 1
    assert main(["topic", str(FIXTURE), "pipeline.compress", "--json", *args]) == 0
    capsys.readouterr()
    assert main(["who-calls", str(FIXTURE), "NoSuchThing", *args]) == 2


def test_empty_catch_on_a_hop_fails_error_handling(view):
    trace = query.path(view, "UltimateStoragePlugin.HandleWriteAsync", "UltimateReplicationPlugin.ReplicateAsync")
    assert [h.via for h in trace.hops] == ["entry", "publish", "deliver"]
    errors = next(c for c in trace.checks if c.check == "error-handling")
    assert errors.status == "FAIL" and errors.start_line == 45 and "empty catch" in errors.detail
    assert trace.status == "FAIL"
