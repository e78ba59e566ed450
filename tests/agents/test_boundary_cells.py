"""The plugin matrix's boundaries cell and the flow check that cites crossed entry points."""

from __future__ import annotations

from types import SimpleNamespace

from dwagent.agents.verdict.boundary_cells import boundary_cell, entry_point_rows
from dwagent.agents.verdict.flow_cells import _unauthenticated_entries
from dwagent.tools.graph.entrypoints import EntryPoint


class _Sources:
    def excerpt(self, path, start, end):
        return f"line {start} of {path}"


def _ep(file, auth, kind="tcp-listener", owner="P.Server"):
    return EntryPoint(kind, file, 7, owner + ".Start", owner, "any", "e", "none", "e", auth, f"auth evidence {auth}")


def test_unauthenticated_network_entry_point_fails_the_plugin():
    entries = [_ep("Plugins/P/Server.cs", "none"), _ep("Plugins/Q/Other.cs", "none")]
    c, ev = boundary_cell(_Sources(), entries, "Plugins/P", [])
    assert c["status"] == "FAIL" and "1 network entry point" in c["reason"] and c["evidence_ids"] == [ev[0].id]


def test_authenticated_entry_points_pass_with_their_evidence():
    c, ev = boundary_cell(_Sources(), [_ep("Plugins/P/Server.cs", "required")], "Plugins/P", [])
    assert c["status"] == "PASS" and ev and "auth required" in ev[0].note


def test_no_entry_point_passes_on_a_recorded_search_and_no_graph_is_not_verified():
    c, ev = boundary_cell(_Sources(), [_ep("Plugins/Q/Other.cs", "none")], "Plugins/P", [])
    assert c["status"] == "PASS" and ev[0].kind == "absence"
    assert boundary_cell(_Sources(), None, "Plugins/P", [])[0]["status"] == "NOT VERIFIED"


def test_design_finding_in_the_folder_fails_even_without_open_entry_points():
    findings = [{"id": "F-1", "rule": "DWA-365", "file": "Plugins/P/Check.cs", "suppression": None}]
    c, _ev = boundary_cell(_Sources(), [], "Plugins/P", findings)
    assert c["status"] == "FAIL" and c["finding_ids"] == ["F-1"]


def test_bus_subscriptions_do_not_count_as_network_entry_points():
    bus = EntryPoint("bus-subscription", "Plugins/P/S.cs", 3, "P.S.Init", "P.S", "in-process", "", "n/a", "", "none", "")
    assert boundary_cell(_Sources(), [bus], "Plugins/P", [])[0]["status"] == "PASS"
    assert entry_point_rows([bus])[0]["network"] is False


def test_flow_crossing_an_unauthenticated_entry_point_is_cited():
    open_ep, closed_ep = _ep("a.cs", "none", owner="A.Node"), _ep("b.cs", "required", owner="B.Node")
    graph = SimpleNamespace(
        entry_points=[open_ep, closed_ep],
        methods={"A.Node.Handle": SimpleNamespace(container="A.Node"), "B.Node.Handle": SimpleNamespace(container="B.Node")},
    )
    hops = [SimpleNamespace(node="A.Node.Handle"), SimpleNamespace(node="B.Node.Handle")]
    assert _unauthenticated_entries(SimpleNamespace(graph=graph), hops) == [open_ep]


def test_unwired_security_type_fails_but_other_unwired_types_do_not():
    sec = {"id": "F-2", "rule": "DWA-302", "file": "Plugins/P/IKeyStore.cs", "excerpt": "public interface IKeyStore", "suppression": None}
    other = {"id": "F-3", "rule": "DWA-301", "file": "Plugins/P/Report.cs", "excerpt": "public class ReportBuilder", "suppression": None}
    assert boundary_cell(_Sources(), [], "Plugins/P", [sec, other])[0]["finding_ids"] == ["F-2"]
    assert boundary_cell(_Sources(), [], "Plugins/P", [other])[0]["status"] == "PASS"


def _traced(file, auth, handlers=("P.Server.Handle",)):
    return EntryPoint("http-listener", file, 7, "P.Server.Start", "P.Server", "any", "e", "none", "e", auth, "none found", handlers)


def test_open_entry_point_that_changes_no_state_is_conditional_not_pass():
    c, _ev = boundary_cell(_Sources(), [_traced("Plugins/P/Probe.cs", "none")], "Plugins/P", [])
    assert c["status"] == "CONDITIONAL" and "reach no state change" in c["reason"]


def test_open_entry_point_fails_when_it_changes_state_or_was_not_traced():
    change = {"id": "F-9", "rule": "DWA-360", "file": "Plugins/P/Probe.cs", "start_line": 7, "suppression": None}
    assert boundary_cell(_Sources(), [_traced("Plugins/P/Probe.cs", "none")], "Plugins/P", [change])[0]["status"] == "FAIL"
    assert boundary_cell(_Sources(), [_traced("Plugins/P/Probe.cs", "none", handlers=())], "Plugins/P", [])[0]["status"] == "FAIL"


def test_a_conditional_cell_makes_the_row_conditional():
    from dwagent.agents.verdict.cells import row_status

    assert row_status({"a": {"status": "PASS"}, "b": {"status": "CONDITIONAL"}}) == "CONDITIONAL"
    assert row_status({"a": {"status": "FAIL"}, "b": {"status": "CONDITIONAL"}}) == "FAIL"
