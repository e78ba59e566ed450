"""The cross-file pass on a method name declared in many files: only calls whose receiver is
visibly of the finding's type raise it (an assembly path from the command line), a same-named
call on another type does not."""

from __future__ import annotations

from dwagent.tools.index import build_index, open_index
from dwagent.tools.rules.engine import run_rules

LOADER = """
using System.Reflection;
public sealed class ModuleRunner
{
    public void RunAsync(string modulePath, int retries) { Assembly.LoadFrom(modulePath); }
}
public sealed class SafeRunner
{
    public void RunAsync(string modulePath, int retries) { Assembly.LoadFrom(modulePath); }
}
"""
COMMANDS = """
public sealed class InstallCommand
{
    public void RunAsync(string[] args, int n) { new ModuleRunner().RunAsync(ArgReader.Required(args, "--module"), n); }
}
public sealed class StatusCommand
{
    public void RunAsync(string[] args, int n) { var runner = new OtherRunner(); runner.RunAsync(ArgReader.Required(args, "--x"), n); }
}
public sealed class CleanCommand
{
    public void RunAsync(string[] args, int n) { }
}
"""
OTHER = """
public sealed class OtherRunner
{
    public void RunAsync(string path, int n) { }
}
public sealed class ReportCommand
{
    public void RunAsync(string[] args, int n) { }
}
"""


def test_an_ambiguous_name_raises_only_through_a_receiver_of_the_findings_type(tmp_path):
    root = tmp_path / "tree"
    for name, body in (("Loading/Runners.cs", LOADER), ("Cli/Commands.cs", COMMANDS), ("Cli/Other.cs", OTHER)):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body)
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    with open_index(root, tmp_path / "idx") as store:
        found = {f.start_line: f for f in run_rules(store, rules=["DWA-170"], jobs=1)}
    raised, plain = found[5], found[9]
    assert raised.severity == "high" and "Cli/Commands.cs" in raised.message
    assert any(e.file == "Cli/Commands.cs" for e in raised.related)
    assert plain.severity == "medium"  # `runner.RunAsync` is an OtherRunner: SafeRunner is never called
