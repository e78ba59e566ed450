"""Swallowed errors judged by the work they hide (rules/swallow.py): severity, CWE and root cause
per kind, on the DWA-206 / DWA-406 fixtures (vulnerable lines and their safe twins)."""

from __future__ import annotations

import pytest

from dwagent.evals.rule_fixtures import fixtures_dir
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

# (rule, text on the reported line or the line before it, severity, cwe, root cause kind)
CASES = [
    ("DWA-206", "public bool SaveOrder(string path", "high", (390,), "persistence"),
    ("DWA-206", "public bool Authorize(ITokenValidator", "high", (390,), "security"),
    ("DWA-206", "public void DeleteTemp(string path)", "medium", (390,), "persistence"),
    ("DWA-206", "public void Everything(Action work)", "low", (391,), "unchecked"),
    ("DWA-406", "def save(path, data):", "high", (390,), "persistence"),
    ("DWA-406", "def authorize(verifier, token):", "high", (390,), "security"),
    ("DWA-406", "def unlink(os, path):", "medium", (390,), "persistence"),
    ("DWA-406", "def drain(items, handle):", "low", (391,), "unchecked"),
]


def _scan(rule: str):
    path = next(p for p in fixtures_dir().iterdir() if p.stem == rule)
    data = path.read_bytes()
    ctx = FileContext(path=path.name, language="csharp" if path.suffix == ".cs" else "python", role="production", source=data)
    return data.decode().splitlines(), scan_file(ctx, [rule])


@pytest.mark.parametrize("rule,method,severity,cwe,kind", CASES)
def test_severity_cwe_and_root_cause_follow_the_guarded_work(rule, method, severity, cwe, kind):
    lines, found = _scan(rule)
    start = next(i for i, t in enumerate(lines, start=1) if method in t)
    end = next((i for i, t in enumerate(lines, start=1) if i > start and (t.strip().startswith(("public ", "def ")))), len(lines) + 1)
    hits = [f for f in found if start < f.start_line < end]
    assert len(hits) == 1, (method, [(f.start_line, f.message) for f in found])
    f = hits[0]
    assert (f.severity, f.cwe, f.root_cause) == (severity, cwe, f"empty-catch:{kind}"), f.message


def test_cleanup_logging_and_parse_probes_are_not_reported():
    for rule, methods in (
        (
            "DWA-206",
            ("public void Dispose()", "public void Run(Action work, string scratch)", "public void Stop(", "public void Trace(", "public int Port("),
        ),
        ("DWA-406", ("def cleanup(workdir", "def __exit__", "def close(conn)", "def parse(text)")),
    ):
        lines, found = _scan(rule)
        for method in methods:
            start = next(i for i, t in enumerate(lines, start=1) if method in t)
            end = next((i for i, t in enumerate(lines, start=1) if i > start and t.strip().startswith(("public ", "def "))), len(lines) + 1)
            assert not [f for f in found if start < f.start_line < end], method


def test_success_after_a_swallowed_write_is_what_raises_it():
    src = """
public sealed class Ledger
{
    public bool Append(Stream s, byte[] b)
    {
        try { s.Write(b, 0, b.Length); s.Flush(); }
        catch { }
        return true;
    }
    public void AppendVoid(Stream s, byte[] b)
    {
        try { s.Write(b, 0, b.Length); s.Flush(); }
        catch { }
    }
}
"""
    ctx = FileContext(path="Ledger.cs", language="csharp", role="production", source=src.encode())
    sev = [f.severity for f in scan_file(ctx, ["DWA-206"])]
    assert sev == ["high", "medium"]


def test_a_filtered_catch_names_the_expected_failure():
    src = """
public sealed class Topics
{
    public async Task Ensure(Admin admin)
    {
        try { await admin.CreateTopicAsync("t"); }
        catch (AdminException ex) when (ex.Code == ErrorCode.TopicAlreadyExists) { }
    }
    public async Task EnsureBlind(Admin admin)
    {
        try { await admin.CreateTopicAsync("t"); }
        catch (AdminException) { }
    }
}
"""
    ctx = FileContext(path="Topics.cs", language="csharp", role="production", source=src.encode())
    assert [f.start_line for f in scan_file(ctx, ["DWA-206"])] == [12]
