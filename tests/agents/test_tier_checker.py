"""Tier options-read is a reference check through the code graph: a production read outside the
presets is cited; reads only in tests or only inside a preset do not count, and the cell says
NOT FOUND."""

from __future__ import annotations

RUBRIC = """
name: tiers-test
derive_domains: true
tiers:
  - id: basic
    name: Basic
    preset: {type: ShopPresets, method: CreateBasic}
    required_options: [AuditEnabled]
  - id: strict
    name: Strict
    preset: {type: ShopPresets, method: CreateStrict}
    required_options: [AuditEnabled, SignReceipts, CompressArchive]
  - id: layered
    name: Layered
    preset: {type: ShopPresets, method: CreateLayered}
    required_options: [AuditEnabled, SignReceipts]
  - id: wrapped
    name: Wrapped
    preset: {type: ShopPresets, method: CreateWrapped}
    required_options: [SignReceipts, CompressArchive]
  - id: missing
    name: Missing preset
    preset: {type: ShopPresets, method: CreateHuge}
    required_options: [AuditEnabled]
"""
OPTIONS = """namespace Shop.Config;
public sealed class ShopOptions
{
    public bool AuditEnabled { get; set; }
    public bool SignReceipts { get; set; }
    public bool CompressArchive { get; set; }
}
public sealed class ArchiveSettings
{
    public bool CompressArchive { get; set; }
}
public sealed class Setting { public bool Value { get; set; } public bool Locked { get; set; } }
public sealed class Wrapped
{
    public Setting SignReceipts { get; } = new Setting();
    public Setting CompressArchive { get; } = new Setting();
}
public static class ShopPresets
{
    public static ShopOptions CreateBasic() => new ShopOptions { AuditEnabled = true };
    public static Wrapped CreateWrapped()
    {
        var w = new Wrapped();
        w.SignReceipts.Value = true;
        w.CompressArchive.Locked = true;
        return w;
    }
    public static ShopOptions CreateLayered()
    {
        var o = CreateBasic();
        return o;
    }
    public static ShopOptions CreateStrict()
    {
        var o = new ShopOptions { AuditEnabled = true, SignReceipts = true };
        o.CompressArchive = o.SignReceipts;
        return o;
    }
}
"""
APP = """namespace Shop;
using Shop.Config;
public sealed class Checkout
{
    private readonly ShopOptions _options;
    public Checkout(ShopOptions options) { _options = options; }
    public static void Main() { new Checkout(ShopPresets.CreateStrict()).Run(); }
    public void Run()
    {
        if (_options.AuditEnabled)
        {
            System.Console.WriteLine("audit");
        }
    }
}
"""
TESTS = """namespace Shop.Tests;
public class CheckoutTests
{
    [Fact]
    public void Signs() { var o = Shop.Config.ShopPresets.CreateStrict(); Assert.True(o.SignReceipts); }
}
"""


def test_options_read_cites_the_read_site_or_says_not_found(tree, tmp_path, certify_run):
    root = tree({"src/Config.cs": OPTIONS, "src/Checkout.cs": APP, "tests/CheckoutTests.cs": TESTS})
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(RUBRIC)
    report, _ = certify_run(root, tmp_path, rubric=str(rubric))
    tiers = {t.id: t for t in report.tiers}
    basic = tiers["basic"].cells["options-read"]
    assert basic.status == "PASS" and "AuditEnabled read at src/Checkout.cs:10" in basic.reason
    cited = [report.evidence[i] for i in basic.evidence_ids]
    assert [(e.file, e.start_line, e.excerpt.strip()) for e in cited] == [("src/Checkout.cs", 10, "if (_options.AuditEnabled)")]
    strict = tiers["strict"].cells["options-read"]
    assert strict.status == "FAIL"
    # read only by a test and inside the preset; set by the preset and read nowhere
    assert "SignReceipts: NOT FOUND" in strict.reason and "CompressArchive: NOT FOUND" in strict.reason
    assert tiers["strict"].cells["options-set"].status == "PASS"
    # the PASS names where each option is set
    assert "AuditEnabled at src/Config.cs:" in tiers["strict"].cells["options-set"].reason
    # a preset that starts from another sets what that one sets, and nothing more
    layered = tiers["layered"].cells["options-set"]
    assert layered.status == "FAIL" and "SignReceipts" in layered.reason and "AuditEnabled" not in layered.reason
    assert any("in CreateBasic, which the tier's preset starts from" in report.evidence[i].note for i in layered.evidence_ids)
    # an option held in a wrapper is set through its Value; locking it is not setting it
    wrapped = tiers["wrapped"].cells["options-set"]
    assert wrapped.status == "FAIL" and wrapped.reason == "preset does not set: CompressArchive"
    # no preset: the read check still runs and cites its site
    missing = tiers["missing"]
    assert missing.cells["preset"].status == "FAIL" and missing.cells["options-read"].status == "PASS"


PY_RUBRIC = """
name: promises-test
derive_domains: true
tiers:
  - id: checked
    name: Checked
    breaks:
      - {promise: secrets never leak, categories: [hardcoded-secret], min_severity: low}
  - id: unchecked
    name: Unchecked
    breaks:
      - {promise: no code loaded from untrusted input, categories: [unsafe-assembly-load], min_severity: low}
"""


def test_a_promise_no_rule_of_the_run_could_break_is_not_verified(tree, tmp_path, certify_run):
    # a Python tree: Python rules check hard-coded secrets, none checks assembly loading
    root = tree({"calc/__init__.py": "def add(a, b):\n    return a + b\n"})
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(PY_RUBRIC)
    report, _ = certify_run(root, tmp_path, rubric=str(rubric))
    tiers = {t.id: t for t in report.tiers}
    assert tiers["checked"].cells["promises"].status == "PASS"
    unchecked = tiers["unchecked"].cells["promises"]
    assert unchecked.status == "NOT VERIFIED" and "no code loaded from untrusted input" in unchecked.reason
    assert tiers["unchecked"].status == "NOT VERIFIED" and report.verdict != "CERTIFIED"
