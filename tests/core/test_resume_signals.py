"""Ctrl-C (SIGINT) and kill -9 (SIGKILL) of the real CLI at two stages, then `--resume`: the
findings.json is byte-identical to an uninterrupted run's; a resume after the tree changed says
so and re-runs on the current tree."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DWSHAPE = REPO / "evals" / "fixtures" / "dwshape"


def _args(root: Path, out: Path, index: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dwagent",
        "certify",
        str(root),
        "--rubric",
        "dw",
        "--out",
        str(out),
        "--index-dir",
        str(index),
        "--no-exec",
        *extra,
    ]


def _env(work: Path) -> dict:
    return {**os.environ, "DWAGENT_CACHE_DIR": str(work / "cache")}


def interrupt_at(root: Path, work: Path, stage: str, sig: int) -> subprocess.Popen:
    """Start certify with --progress and send `sig` when `stage` starts; returns the ended process."""
    proc = subprocess.Popen(
        _args(root, work / "interrupted", work / "index", "--progress"), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=_env(work)
    )
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        # a fanned-out stage announces each of its tasks (`▶ flow_tracer.write`): the first one counts
        if line.strip() == f"▶ {stage}" or line.strip().startswith(f"▶ {stage}."):
            proc.send_signal(sig)
            break
    rest = proc.stderr.read()
    proc.wait(timeout=300)
    proc.seen = "".join(seen) + rest  # type: ignore[attr-defined]
    return proc


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    work = tmp_path_factory.mktemp("reference")
    root = work / "dwshape"
    shutil.copytree(DWSHAPE, root)
    proc = subprocess.run(_args(root, work / "out", work / "index", "-q"), capture_output=True, text=True, env=_env(work))
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return (work / "out" / "findings.json").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["evidence", "flow_tracer"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupt_then_resume_is_byte_identical(tmp_path, reference, stage, sig):
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    proc = interrupt_at(root, tmp_path, stage, sig)
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 2, proc.seen[-2000:]
        assert "Traceback" not in proc.seen and "--resume" in proc.seen
    assert not (tmp_path / "interrupted" / "findings.json").exists()
    resumed = subprocess.run(_args(root, tmp_path / "resumed", tmp_path / "index", "--resume"), capture_output=True, text=True, env=_env(tmp_path))
    assert resumed.returncode in (0, 1), resumed.stderr[-3000:]
    assert "continuing the interrupted run" in resumed.stderr
    assert (tmp_path / "resumed" / "findings.json").read_bytes() == reference


@pytest.mark.slow
def test_resume_after_the_tree_changed_says_so_and_sees_the_change(tmp_path):
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    proc = interrupt_at(root, tmp_path, "flow_tracer", signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    victim = sorted(root.rglob("*.cs"))[0]
    victim.write_text(victim.read_text() + "\n// TODO: changed after the interrupt\n")
    resumed = subprocess.run(_args(root, tmp_path / "resumed", tmp_path / "index", "--resume"), capture_output=True, text=True, env=_env(tmp_path))
    assert resumed.returncode in (0, 1), resumed.stderr[-3000:]
    assert "the tree changed since the interrupted run" in resumed.stderr
    fresh = subprocess.run(_args(root, tmp_path / "fresh", tmp_path / "fresh-index", "-q"), capture_output=True, text=True, env=_env(tmp_path))
    assert fresh.returncode in (0, 1)
    assert (tmp_path / "resumed" / "findings.json").read_bytes() == (tmp_path / "fresh" / "findings.json").read_bytes()
