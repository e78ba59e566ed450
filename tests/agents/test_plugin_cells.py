"""Plugin lifecycle and degradation cells read member bodies: stubs and all-no-op lifecycles FAIL,
failure handling is cited, and its absence passes only when the rubric does not require it."""

from __future__ import annotations

import pytest

from dwagent.agents.verdict.plugin_cells import body_kind

RUBRIC = """
name: plugin-cells
derive_domains: true
plugins:
  roots: ["Plugins/*"]
  base_types: [PluginBase]
  lifecycle: [StartAsync, StopAsync]
  degradation_required: {required}
"""
SDK = """namespace Sdk;
public abstract class PluginBase
{
    public virtual System.Threading.Tasks.Task StartAsync() => System.Threading.Tasks.Task.CompletedTask;
    public virtual System.Threading.Tasks.Task StopAsync()
    {
        return System.Threading.Tasks.Task.CompletedTask;
    }
}
"""
IDLE = """namespace Plugins.Idle;
public sealed class IdlePlugin : Sdk.PluginBase
{
    public int Count(int[] xs) => xs.Length;
}
"""
WORKER = """namespace Plugins.Worker;
public sealed class WorkerPlugin : Sdk.PluginBase
{
    private readonly Feed _feed = new Feed();
    private bool _healthy = true;
    public override System.Threading.Tasks.Task StartAsync()
    {
        try
        {
            _feed.Open();
        }
        catch (System.IO.IOException ex)
        {
            System.Console.Error.WriteLine(ex.Message);
            _healthy = false;
        }
        return System.Threading.Tasks.Task.CompletedTask;
    }
}
public sealed class Feed { public void Open() { } }
"""
HALF = """namespace Plugins.Half;
public sealed class HalfPlugin : Sdk.PluginBase
{
    private readonly Feed _feed = new Feed();
    public override System.Threading.Tasks.Task StartAsync()
    {
        _feed.Open();
        return System.Threading.Tasks.Task.CompletedTask;
    }
    public override System.Threading.Tasks.Task StopAsync()
    {
        // shutting down is not written yet
        throw new System.NotImplementedException();
    }
}
public sealed class Feed { public void Open() { } }
"""


def _run(tree, tmp_path, certify_run, required: bool):
    root = tree({"Sdk/Sdk.cs": SDK, "Plugins/Idle/IdlePlugin.cs": IDLE, "Plugins/Worker/WorkerPlugin.cs": WORKER, "Plugins/Half/HalfPlugin.cs": HALF})
    rubric = tmp_path / "rubric.yaml"
    tmp_path.mkdir(parents=True, exist_ok=True)
    rubric.write_text(RUBRIC.format(required=str(required).lower()))
    report, _ = certify_run(root, tmp_path, rubric=str(rubric))
    return {r.id: r for r in report.plugins}, report


def test_lifecycle_stub_and_all_no_op_fail_real_start_with_inherited_stop_passes(tree, tmp_path, certify_run):
    rows, report = _run(tree, tmp_path, certify_run, required=False)
    idle, worker, half = rows["Plugins/Idle"].cells, rows["Plugins/Worker"].cells, rows["Plugins/Half"].cells
    assert idle["lifecycle"].status == "FAIL" and "every lifecycle method is a no-op" in idle["lifecycle"].reason
    assert half["lifecycle"].status == "FAIL" and "StopAsync is a stub" in half["lifecycle"].reason
    stub_ev = [report.evidence[i] for i in half["lifecycle"].evidence_ids if report.evidence[i].file.endswith("HalfPlugin.cs")]
    assert any("NotImplementedException" in e.excerpt for e in stub_ev)  # the stub line is cited verbatim
    assert worker["lifecycle"].status == "PASS" and "StopAsync no-op (inherited from PluginBase)" in worker["lifecycle"].reason


def test_degradation_cites_handling_and_absence_follows_the_rubric(tree, tmp_path, certify_run):
    rows, report = _run(tree, tmp_path / "a", certify_run, required=False)
    deg = rows["Plugins/Worker"].cells["degradation"]
    assert deg.status == "PASS"
    cited = [report.evidence[i] for i in deg.evidence_ids]
    assert {e.excerpt.strip() for e in cited} >= {"catch (System.IO.IOException ex)"}
    half = rows["Plugins/Half"].cells["degradation"]
    assert half.status == "NOT APPLICABLE" and "does not require one" in half.reason
    assert half.evidence_ids  # the recorded search is its evidence
    assert "degradation FAIL" not in rows["Plugins/Half"].reason  # not applicable never fails the row
    rows, _ = _run(tree, tmp_path / "b", certify_run, required=True)
    assert rows["Plugins/Half"].cells["degradation"].status == "FAIL"
    assert rows["Plugins/Worker"].cells["degradation"].status == "PASS"


@pytest.mark.parametrize(
    "src, kind",
    [
        ("    public Task StopAsync() => Task.CompletedTask;", "no-op"),
        ("    public Task StopAsync()\n    {\n        return Task.CompletedTask;\n    }", "no-op"),
        ("    public void Stop()\n    {\n        // nothing yet\n    }", "no-op"),
        ("    public Task StopAsync()\n    {\n        throw new NotImplementedException();\n    }", "stub"),
        ("    public abstract Task StopAsync();", "abstract"),
        ("    public Task StopAsync()\n    {\n        _timer.Dispose();\n        return Task.CompletedTask;\n    }", "real"),
        ('    def stop(self):\n        """Stop."""\n        pass', "no-op"),
        ("    def stop(self):\n        raise NotImplementedError", "stub"),
        ("    def stop(self) -> None:\n        self._pool.close()", "real"),
    ],
)
def test_body_kind(src, kind):
    lines = src.splitlines()
    assert body_kind(lines, 1, len(lines))[0] == kind


def test_handling_sites_count_lines_like_the_index(tmp_path):
    # a form feed (or \r, \u2028) is a line break for str.splitlines but not for the index or editors;
    # the cited line must be the catch's line counted by "\n"
    from types import SimpleNamespace

    from dwagent.agents.verdict.plugin_cells import _handling_sites

    src = 'class P\n{\n    // page\x0cbreak\n    void Run()\n    {\n        try { Go(); }\n        catch (IOException ex) { _logger.LogWarning(ex, "retry later"); }\n    }\n}\n'
    (tmp_path / "P.cs").write_text(src, encoding="utf-8")
    sites = _handling_sites(SimpleNamespace(root=tmp_path), ["P.cs"])
    assert [(p, n) for p, n, _ in sites] == [("P.cs", 7)]


class _Tree:
    """The part of Sources the degradation cell reads, over a folder on disk."""

    def __init__(self, root):
        self.root = root

    def excerpt(self, path, start, end):
        return "\n".join((self.root / path).read_text(encoding="utf-8").split("\n")[start - 1 : end])


def _swallowed(fid: str, severity: str) -> dict:
    return {"id": fid, "severity": severity, "file": "Plugins/P/P.cs", "start_line": 6, "category": "empty-catch"}


def test_degradation_fails_only_on_swallowed_errors_the_rule_rates_blocking(tmp_path):
    from dwagent.agents.verdict.plugin_cells import degradation_cell

    src = (
        "class P\n{\n    void Run()\n    {\n        try { Save(); }\n        catch { }\n"
        '        try { Go(); }\n        catch (IOException ex) { _logger.LogWarning(ex, "retry later"); }\n    }\n}\n'
    )
    (tmp_path / "Plugins/P").mkdir(parents=True)
    (tmp_path / "Plugins/P/P.cs").write_text(src, encoding="utf-8")
    tree = _Tree(tmp_path)
    prod = ["Plugins/P/P.cs"]
    # a swallowed failure the rule rates blocking (apparent success on a persistence path) decides the cell
    c, _ = degradation_cell(tree, "Plugins/P", [_swallowed("F-1", "high"), _swallowed("F-2", "medium")], False, prod, "high")
    assert c["status"] == "FAIL" and c["finding_ids"] == ["F-1"] and "1 swallowed-error finding(s) at high" in c["reason"]
    # rated lower (best-effort, unchecked elsewhere): named, reported on its own, and the handling site decides
    c, evs = degradation_cell(tree, "Plugins/P", [_swallowed("F-2", "medium")], False, prod, "high")
    assert c["status"] == "PASS" and c["finding_ids"] == []
    assert "1 swallowed-error finding(s) below high (1 medium)" in c["reason"] and "first: Plugins/P/P.cs:8" in c["reason"]
    assert [e.excerpt.strip() for e in evs] == ['catch (IOException ex) { _logger.LogWarning(ex, "retry later"); }']
    # the fixed twin: nothing swallowed, the same handling cited
    c, _ = degradation_cell(tree, "Plugins/P", [], False, prod, "high")
    assert c["status"] == "PASS" and "below" not in c["reason"]


def test_a_resilience_name_is_not_a_handling_site_but_a_policy_in_use_is(tmp_path):
    from types import SimpleNamespace

    from dwagent.agents.verdict.plugin_cells import _handling_sites

    names_only = (
        "namespace Shop.Strategies.CircuitBreaker;\npublic enum Kind { Retry, CircuitBreaker }\n"
        "public sealed class CircuitBreakerStrategy\n{\n    public Kind Category => Kind.CircuitBreaker;\n"
        "    public bool SupportsFallback => true;\n    public async Task RetryAsync(int n) { await Task.Yield(); }\n    private bool _isHealthy = true;\n}\n"
    )
    in_use = names_only.replace(
        "    private bool _isHealthy = true;\n", "    private readonly Breaker _b = new CircuitBreaker(5);\n    void Trip() { _isHealthy = false; }\n"
    )
    (tmp_path / "A.cs").write_text(names_only, encoding="utf-8")
    (tmp_path / "B.cs").write_text(in_use, encoding="utf-8")
    tree = SimpleNamespace(root=tmp_path)
    assert _handling_sites(tree, ["A.cs"]) == []
    assert [n for _, n, _ in _handling_sites(tree, ["B.cs"])] == [8, 9]
