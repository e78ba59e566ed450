"""Plugin matrix on a small hand-written C# tree: lifecycle, strategies, stubs, each decided by
cited evidence; a complete plugin passes, an incomplete one fails with the missing pieces."""

from __future__ import annotations

RUBRIC = """
name: plugins-test
derive_domains: true
policy: {plugin_fail: block}
plugins:
  roots: ["Plugins/*"]
  base_types: [PluginBase]
  lifecycle: [StartAsync, StopAsync]
  strategy_bases: ["*StrategyBase"]
  registration_methods: [RegisterStrategy]
"""
SDK = """namespace Sdk;
public abstract class PluginBase
{
    public abstract System.Threading.Tasks.Task StartAsync();
}
public abstract class CodecStrategyBase { }
"""
GOOD = """namespace Plugins.Good;
public sealed class GoodPlugin : Sdk.PluginBase
{
    private readonly Registry _registry = new Registry();
    public override System.Threading.Tasks.Task StartAsync()
    {
        _registry.RegisterStrategy(new FastCodecStrategy());
        return System.Threading.Tasks.Task.CompletedTask;
    }
    public System.Threading.Tasks.Task StopAsync() => System.Threading.Tasks.Task.CompletedTask;
}
public sealed class FastCodecStrategy : Sdk.CodecStrategyBase { }
public sealed class Registry { public void RegisterStrategy(object s) { } }
"""
BAD = """namespace Plugins.Bad;
public sealed class BadPlugin : Sdk.PluginBase
{
    public override System.Threading.Tasks.Task StartAsync()
    {
        throw new System.NotImplementedException();
    }
}
public sealed class ForgottenCodecStrategy : Sdk.CodecStrategyBase { }
"""


def test_plugin_matrix(tree, tmp_path, certify_run):
    root = tree({"Sdk/Sdk.cs": SDK, "Plugins/Good/GoodPlugin.cs": GOOD, "Plugins/Bad/BadPlugin.cs": BAD})
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(RUBRIC)
    report, _ = certify_run(root, tmp_path, rubric=str(rubric))
    rows = {r.id: r for r in report.plugins}
    good, bad = rows["Plugins/Good"], rows["Plugins/Bad"]
    assert good.status == "PASS", good.reason
    assert all(c.evidence_ids for c in good.cells.values())
    assert bad.status == "FAIL"
    assert bad.cells["lifecycle"].status == "FAIL" and "StopAsync" in bad.cells["lifecycle"].reason
    assert bad.cells["strategies"].status == "FAIL" and "ForgottenCodecStrategy" in bad.cells["strategies"].reason
    assert bad.cells["stubs"].status == "FAIL" and bad.cells["stubs"].finding_ids
    # plugin_fail: block — the P0 list holds the plugin's own root causes (lifecycle, strategies),
    # each naming the row it makes FAIL
    p0 = {i.id for i in report.p0}
    own = [rc for rc in report.root_causes if rc.kind == "plugin" and rc.id in p0 and any(b.startswith(f"plugin {bad.name}:") for b in rc.blocks)]
    assert {rc.key.split(":")[1] for rc in own} >= {"lifecycle", "strategies"}
