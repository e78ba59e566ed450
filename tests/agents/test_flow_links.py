"""A waypoint the tracer cannot reach is NOT FOUND (what was searched, the nearest names or where
the stage is entered from) unless the evidence shows a break: members that exist and that nothing
calls. Only a break or a failing control FAILs the flow; NOT FOUND leaves it NOT VERIFIED."""

from __future__ import annotations

RUBRIC = """
name: flow-links
derive_domains: true
flows:
  - id: {id}
    name: {id}
    entry: ["*Shop.Run"]
    controls: [errors]
    waypoints:
      - {{name: pricing, symbols: ["*Pricer.Price*"]}}
      - {{name: {name}, symbols: [{glob}]}}
"""
SHOP = """namespace Shop;
public sealed class Shop
{
    public static void Main() { new Shop().Run(); }
    public void Run()
    {
        try { System.Console.WriteLine(new Pricer().PriceOf(2)); }
        catch (System.InvalidOperationException ex) { System.Console.Error.WriteLine(ex.Message); }
    }
}
public sealed class Pricer
{
    public int PriceOf(int n) => n * 3;
}
public sealed class ReceiptPrinter
{
    public void PrintReceipt(int total) { System.Console.WriteLine(total); }
}
public sealed class Tools
{
    public static void Reprint() { new ReceiptPrinter().PrintReceipt(1); }
}
public sealed class Archive
{
    public void StoreForever(int total) { System.Console.WriteLine(total); }
}
"""
WIRED = SHOP.replace("new Pricer().PriceOf(2)", "Bill()").replace(
    "    public void Run()",
    "    private int Bill() { var t = new Pricer().PriceOf(2); new ReceiptPrinter().PrintReceipt(t); return t; }\n    public void Run()",
)


def _flow(certify_run, tree, tmp_path, source: str, id_: str, name: str, glob: str):
    rubric = tmp_path / f"{id_}.yaml"
    rubric.write_text(RUBRIC.format(id=id_, name=name, glob=f'"{glob}"'))
    report, _ = certify_run(tree({"src/Shop.cs": source}), tmp_path / id_, rubric=str(rubric))
    return report.flows[0]


def test_no_member_matches_is_not_found_with_the_nearest_names(certify_run, tree, tmp_path):
    flow = _flow(certify_run, tree, tmp_path, SHOP, "nomatch", "receipt", "*Receipt*Emit*")
    assert flow.status == "NOT VERIFIED" and "receipt NOT FOUND (no member or topic matches" in flow.reason
    hop = [h for h in flow.hops if not h.found][0]
    assert hop.via.startswith("NOT FOUND: no member or topic matches *Receipt*Emit*") and "ReceiptPrinter.PrintReceipt" in hop.via


def test_a_stage_entered_elsewhere_but_not_from_the_flow_is_not_found_and_cites_its_callers(certify_run, tree, tmp_path):
    flow = _flow(certify_run, tree, tmp_path, SHOP, "elsewhere", "receipt", "*ReceiptPrinter.Print*")
    assert flow.status == "NOT VERIFIED", flow.reason
    hop = [h for h in flow.hops if not h.found][0]
    assert hop.via.startswith("NOT FOUND: members match *ReceiptPrinter.Print*, but no call/bus path from")
    assert "Tools.Reprint" in hop.via


def test_a_stage_nothing_calls_is_broken_and_fails_the_flow(certify_run, tree, tmp_path):
    flow = _flow(certify_run, tree, tmp_path, SHOP, "dead", "archive", "*Archive.Store*")
    assert flow.status == "FAIL" and "archive broken (members match *Archive.Store* but nothing in the tree calls them" in flow.reason


def test_the_wired_twin_passes(certify_run, tree, tmp_path):
    flow = _flow(certify_run, tree, tmp_path, WIRED, "wired", "receipt", "*ReceiptPrinter.Print*")
    assert all(h.found for h in flow.hops) and flow.status == "PASS", flow.reason


SECURE_RUBRIC = """
name: flow-security
derive_domains: true
flows:
  - id: sealed
    name: sealed
    entry: ["*Shop.Run"]
    controls: [security]
    security_controls: [encryption]
    waypoints:
      - {{name: pricing, symbols: ["*Pricer.Price*"]}}
      - {{name: receipt, symbols: [{glob}]}}
"""


def test_a_control_not_found_on_a_trace_that_stopped_short_is_not_verified_and_on_a_full_trace_fails(certify_run, tree, tmp_path):
    flows = {}
    for id_, src, glob in (("short", SHOP, "*Receipt*Emit*"), ("full", WIRED, "*ReceiptPrinter.Print*")):
        rubric = tmp_path / f"{id_}.yaml"
        rubric.write_text(SECURE_RUBRIC.format(glob=f'"{glob}"'))
        report, _ = certify_run(tree({"src/Shop.cs": src}), tmp_path / id_, rubric=str(rubric))
        flows[id_] = report.flows[0]
    short = flows["short"].cells["security"]
    assert short.status == "NOT VERIFIED" and "stopped short of 1 waypoint(s)" in short.reason
    assert flows["short"].status == "NOT VERIFIED"
    full = flows["full"].cells["security"]
    assert full.status == "FAIL" and "required control 'encryption' not found" in full.reason
    assert flows["full"].status == "FAIL"
