"""Every usage or domain error: exit 2, one `error:` line and one `hint:` line, no traceback.

Each case runs the real CLI in a subprocess (`python -m dwagent`), as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DWSHAPE = REPO / "evals" / "fixtures" / "dwshape"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "DWAGENT_CACHE_DIR": str((cwd or Path.cwd()) / ".cache-dw"), **(env or {})}
    full_env.pop("DWAGENT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "dwagent", *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=300)


def assert_usage_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines and lines[0].startswith("error:"), proc.stderr
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("hint:")), proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


@pytest.mark.parametrize(
    "args,needle",
    [
        (("certify", "--bogus"), "--bogus"),
        (("scan", "--bogus", "."), "--bogus"),
        (("certify",), "Missing argument"),
        (("no-such-command",), "no-such-command"),
        (("scan", ".", "--jobs", "zero"), "--jobs"),
        (("scan", ".", "--format", "xml"), "--format xml"),
    ],
)
def test_usage_errors(tmp_path, args, needle):
    assert_usage_error(run_cli(*args, cwd=tmp_path), needle)


def test_missing_path(tmp_path):
    assert_usage_error(run_cli("certify", str(tmp_path / "absent"), cwd=tmp_path), "does not exist")


def test_path_is_a_file(tmp_path):
    (tmp_path / "a.cs").write_text("class A {}\n")
    assert_usage_error(run_cli("scan", str(tmp_path / "a.cs"), cwd=tmp_path), "not a directory")


def test_bad_rubric(tmp_path):
    assert_usage_error(run_cli("certify", str(DWSHAPE), "--rubric", "no-such-rubric", cwd=tmp_path), "rubric")


def test_bad_llm_spec(tmp_path):
    assert_usage_error(run_cli("certify", str(DWSHAPE), "--llm", "bogus:model", "--out", str(tmp_path / "o"), cwd=tmp_path), "bogus")


def test_unwritable_output(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")  # a file where a folder must go fails even for root
    assert_usage_error(run_cli("certify", str(DWSHAPE), "--out", str(blocker / "out"), "--no-exec", cwd=tmp_path))


def test_corrupt_checkpoint(tmp_path):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    (index_dir / "checkpoints.sqlite").write_bytes(b"this is not a database" * 100)
    proc = run_cli("certify", str(DWSHAPE), "--index-dir", str(index_dir), "--out", str(tmp_path / "o"), "--no-exec", "--resume", cwd=tmp_path)
    assert_usage_error(proc, "checkpoint")


def test_corrupt_index(tmp_path):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    (index_dir / "index.sqlite").write_bytes(b"garbage" * 1000)
    assert_usage_error(run_cli("scan", str(DWSHAPE), "--index-dir", str(index_dir), cwd=tmp_path), "database")


def test_debug_shows_the_traceback(tmp_path):
    proc = run_cli("--debug", "certify", "--bogus", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_trace_with_a_misspelled_symbol_is_a_usage_error(tmp_path):
    proc = run_cli(
        "trace", str(DWSHAPE), "--from", "NoSuchMemberAnywhere.Run", "--to", "AlsoMissing.Stop", "--index-dir", str(tmp_path / "idx"), cwd=tmp_path
    )
    assert_usage_error(proc, "NoSuchMemberAnywhere")


def test_trace_with_a_bad_regex_is_a_usage_error(tmp_path):
    proc = run_cli("trace", str(DWSHAPE), "--from", "re:(", "--to", "x", "--index-dir", str(tmp_path / "idx"), cwd=tmp_path)
    assert_usage_error(proc, "regular expression")


def test_corrupt_checkpoint_without_resume_is_replaced(tmp_path):
    index_dir = tmp_path / "idx"
    index_dir.mkdir()
    (index_dir / "checkpoints.sqlite").write_bytes(b"this is not a database" * 100)
    proc = run_cli("certify", str(DWSHAPE), "--index-dir", str(index_dir), "--out", str(tmp_path / "o"), "--no-exec", "-q", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert (tmp_path / "o" / "findings.json").is_file()


def test_a_usage_error_leaves_no_report_folder(tmp_path):
    proc = run_cli("certify", str(DWSHAPE), "--rubric", "no-such-rubric", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert_usage_error(proc, "rubric")
    assert not (tmp_path / "o").exists()
