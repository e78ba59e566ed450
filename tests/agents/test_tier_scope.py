"""Tier promises are judged on the code the tier runs: the components the rubric names for the
promise and the production code that reads an option the tier's preset sets. A finding elsewhere
never fails the cell (it is counted as outside the scope); an empty scope is NOT VERIFIED."""

from __future__ import annotations

RUBRIC = """
name: scope-test
derive_domains: true
tiers:
  - id: basic
    name: Basic
    preset: {type: ShopPresets, method: CreateBasic}
    breaks:
      - {promise: checkout works, categories: [not-implemented], min_severity: medium, paths: ["src/Checkout/**"]}
  - id: audited
    name: Audited
    preset: {type: ShopPresets, method: CreateBasic}
    breaks:
      - {promise: audit works, categories: [not-implemented], min_severity: medium, options: ["Audit*"], paths: ["src/Ledger/**"]}
  - id: nowhere
    name: Nowhere
    preset: {type: ShopPresets, method: CreateBasic}
    breaks:
      - {promise: reporting works, categories: [not-implemented], min_severity: medium, paths: ["src/Reports/**"]}
  - id: everything
    name: Everything
    breaks:
      - {promise: nothing is a stub, categories: [not-implemented], min_severity: medium, paths: ["**"]}
"""
CONFIG = """namespace Shop.Config;
public sealed class ShopOptions
{
    public bool AuditEnabled { get; set; }
    public bool FastMode { get; set; }
}
public static class ShopPresets
{
    public static ShopOptions CreateBasic() => new ShopOptions { AuditEnabled = true, FastMode = true };
}
"""
CHECKOUT = """namespace Shop.Checkout;
using Shop.Config;
public sealed class Cart
{
    public static void Main() { new Cart().Pay(); new Shop.Audit.AuditTrail(ShopPresets.CreateBasic()).Write(); }
    public int Total(int a, int b) { return a + b; }
    public void Pay() { System.Console.WriteLine(Total(1, 2)); }
}
"""
AUDIT_STUB = """namespace Shop.Audit;
using Shop.Config;
public sealed class AuditTrail
{
    private readonly ShopOptions _options;
    public AuditTrail(ShopOptions options) { _options = options; }
    public void Write()
    {
        if (_options.AuditEnabled)
        {
            throw new System.NotImplementedException();
        }
    }
}
"""


def _cells(certify_run, tree, tmp_path, files):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(RUBRIC)
    report, _ = certify_run(tree(files), tmp_path, rubric=str(rubric))
    return {t.id: t.cells["promises"] for t in report.tiers}, report


def test_a_stub_outside_the_promise_scope_does_not_fail_it_and_one_read_by_the_preset_does(certify_run, tree, tmp_path):
    cells, report = _cells(
        certify_run, tree, tmp_path, {"src/Config.cs": CONFIG, "src/Checkout/Cart.cs": CHECKOUT, "src/Audit/AuditTrail.cs": AUDIT_STUB}
    )
    stub = [f for f in report.findings if f.rule == "DWA-201"]
    assert len(stub) == 1 and stub[0].file == "src/Audit/AuditTrail.cs"
    # the checkout promise: its component has no stub; the stub in the audit code is counted as outside
    basic = cells["basic"]
    assert basic.status == "PASS", basic.reason
    assert "checkout works: none in 1 file(s)" in basic.reason and "1 more outside the tier's scope" in basic.reason
    # the audit promise: its scope includes the code that reads AuditEnabled, which the preset sets
    audited = cells["audited"]
    assert audited.status == "FAIL" and list(audited.finding_ids) == [stub[0].id]
    assert "reading option(s) the preset sets (ShopOptions.AuditEnabled)" in audited.reason
    cited = [report.evidence[i] for i in audited.evidence_ids]
    assert any(e.file == "src/Audit/AuditTrail.cs" and e.excerpt.strip() == "if (_options.AuditEnabled)" for e in cited)
    assert "decided by DWA-201 src/Audit/AuditTrail.cs" in audited.reason
    # no file in the promise's components: nothing to judge
    nowhere = cells["nowhere"]
    assert nowhere.status == "NOT VERIFIED" and "reporting works: no code in scope" in nowhere.reason
    # a tree-wide promise sees every stub
    assert cells["everything"].status == "FAIL" and list(cells["everything"].finding_ids) == [stub[0].id]


def test_the_fixed_twin_passes_every_scoped_promise(certify_run, tree, tmp_path):
    fixed = AUDIT_STUB.replace("throw new System.NotImplementedException();", 'System.Console.WriteLine("audited");')
    cells, _ = _cells(certify_run, tree, tmp_path, {"src/Config.cs": CONFIG, "src/Checkout/Cart.cs": CHECKOUT, "src/Audit/AuditTrail.cs": fixed})
    assert cells["basic"].status == "PASS" and "outside" not in cells["basic"].reason
    assert cells["audited"].status == "PASS" and "1 file(s) reading option(s)" in cells["audited"].reason
    assert cells["everything"].status == "PASS" and "every production file" in cells["everything"].reason
