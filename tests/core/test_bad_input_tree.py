"""A tree whose files are in every awkward form, each one hiding the same real finding (a TLS
callback that accepts any certificate). Each file is either analysed (the finding appears on the
line a verifier re-reads) or listed as skipped with its reason in findings.json, run.json,
CERTIFICATION.md and SARIF; the verdict is never better than CERTIFIED WITH CONDITIONS.

Runs the real CLI in subprocesses on real files (no mocks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BYPASS = """using System.Net;

namespace Shop.Net
{
    public class Client{n}
    {
        public void Configure()
        {
            ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;
        }
    }
}
"""
BYPASS_LINE = 9
CAP = 4000


def _write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_tree(root: Path) -> dict[str, str]:
    """The tree; returns {path: 'analysed' | skip reason} as the test expects it."""
    expect = {}
    _write(root, "src/Plain.cs", BYPASS.replace("{n}", "1").encode("utf-8"))
    expect["src/Plain.cs"] = "analysed"
    _write(root, "src/Utf16.cs", b"\xff\xfe" + BYPASS.replace("{n}", "2").encode("utf-16-le"))
    expect["src/Utf16.cs"] = "analysed"
    _write(root, "src/Utf16Be.cs", b"\xfe\xff" + BYPASS.replace("{n}", "3").encode("utf-16-be"))
    expect["src/Utf16Be.cs"] = "analysed"
    legacy = BYPASS.replace("{n}", "4").replace("using System.Net;", "using System.Net; // Gr\u00f6\u00dfe \u2013 caf\u00e9")
    _write(root, "src/Legacy.cs", legacy.encode("cp1252"))
    expect["src/Legacy.cs"] = "analysed"
    _write(root, "src/Huge.cs", BYPASS.replace("{n}", "5").encode() + b"// padding\n" * (CAP // 10))
    expect["src/Huge.cs"] = "too-large"
    _write(root, "src/Binary.cs", BYPASS.replace("{n}", "6").encode() + b"\x00\x01\x02")
    expect["src/Binary.cs"] = "binary"
    (root / "src" / "Broken.cs").symlink_to("Missing.cs")
    expect["src/Broken.cs"] = "broken-symlink"
    (root / "src" / "Loop.cs").symlink_to("Loop.cs")
    expect["src/Loop.cs"] = "symlink-loop"
    os.mkfifo(root / "src" / "Pipe.cs")  # unreadable even for root: never opened
    expect["src/Pipe.cs"] = "unreadable"
    locked = _write(root, "src/Locked.cs", BYPASS.replace("{n}", "7").encode())
    locked.chmod(0)
    # root reads a chmod-000 file anyway (then it is analysed); anyone else gets it skipped
    expect["src/Locked.cs"] = "analysed" if os.geteuid() == 0 else "unreadable"
    return expect


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DWAGENT_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "dwagent", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    work = tmp_path_factory.mktemp("badinput")
    root = work / "tree"
    expect = make_tree(root)
    proc = run_cli("certify", str(root), "--rubric", "generic", "--out", str(work / "out"), "--no-exec", "--max-file-size", str(CAP), cwd=work)
    yield work, root, expect, proc
    (root / "src" / "Locked.cs").chmod(0o644)


def test_every_file_is_analysed_or_listed_with_its_reason(certified):
    work, root, expect, proc = certified
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    report = json.loads((work / "out" / "findings.json").read_text())
    hits = {f["file"]: f for f in report["findings"] + report["dropped"] if f["rule"] == "DWA-101"}
    skipped = {s["path"]: s for s in report["inventory"]["skipped"]}
    for path, outcome in expect.items():
        if outcome == "analysed":
            assert path in hits, (path, sorted(hits), skipped.get(path))
            assert hits[path]["start_line"] == BYPASS_LINE
            assert "ServerCertificateValidationCallback" in hits[path]["excerpt"]
        else:
            assert path in skipped and skipped[path]["reason"] == outcome, (path, skipped.get(path))
            assert path not in hits


def test_skipped_sources_are_not_assessed_conditions_and_cap_the_verdict(certified):
    work, _root, expect, _proc = certified
    report = json.loads((work / "out" / "findings.json").read_text())
    assert report["verdict"] in ("CERTIFIED WITH CONDITIONS", "NOT CERTIFIED")
    skipped = sorted(p for p, outcome in expect.items() if outcome != "analysed")
    conditions = sorted(c["id"] for c in report["conditions"] if c["id"].startswith("not-assessed:"))
    assert conditions == [f"not-assessed:{p}" for p in skipped]


def test_skips_reach_run_json_markdown_and_sarif(certified):
    work, _root, expect, _proc = certified
    skipped = sorted(p for p, outcome in expect.items() if outcome != "analysed")
    run = json.loads((work / "out" / "run.json").read_text())
    assert sorted(s["path"] for s in run["skipped"]) == skipped
    md = (work / "out" / "CERTIFICATION.md").read_text()
    for path in skipped:
        assert f"`{path}`" in md
    sarif = json.loads((work / "out" / "findings.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes)
    assert uris == skipped


def test_scan_reports_the_same_files_and_findings(certified):
    work, root, expect, _proc = certified
    proc = run_cli("scan", str(root), "--format", "json", "--max-file-size", str(CAP), "--rules", "DWA-101", cwd=work)
    assert proc.returncode == 1, proc.stderr[-2000:]
    found = sorted(f["file"] for f in json.loads(proc.stdout))
    assert found == sorted(p for p, outcome in expect.items() if outcome == "analysed")
    for path, outcome in expect.items():
        if outcome != "analysed":
            assert f"skipped: {path} ({outcome}" in proc.stderr
