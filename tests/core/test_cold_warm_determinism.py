"""findings.json does not depend on the cache: a cold run (empty cache), a warm run (index and
node cache filled) and a cold run in another process with another string-hash seed write the
same bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DWSHAPE = REPO / "evals" / "fixtures" / "dwshape"


def _certify(root: Path, out: Path, cache: Path, seed: int) -> bytes:
    env = {**os.environ, "DWAGENT_CACHE_DIR": str(cache), "PYTHONHASHSEED": str(seed)}
    proc = subprocess.run(
        [sys.executable, "-m", "dwagent", "certify", str(root), "--rubric", "dw", "--out", str(out), "--no-exec", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return (out / "findings.json").read_bytes()


@pytest.mark.slow
def test_cold_and_warm_runs_write_identical_findings(tmp_path):
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    cold = _certify(root, tmp_path / "cold", tmp_path / "cache-a", seed=1)
    warm = _certify(root, tmp_path / "warm", tmp_path / "cache-a", seed=2)
    other_cold = _certify(root, tmp_path / "cold2", tmp_path / "cache-b", seed=3)
    assert cold == warm == other_cold


@pytest.mark.slow
def test_certify_prepares_follow_up_so_ask_does_not_build_cards(tmp_path):
    # the symbol cards are built by certify (timed as follow_up), so `ask` finds them ready
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    _certify(root, tmp_path / "out", tmp_path / "cache", seed=0)
    import json

    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert "follow_up" in run["timings_seconds"]
    cards = list((tmp_path / "cache" / "index").glob("*/retrieve/cards.sqlite"))
    assert len(cards) == 1 and cards[0].stat().st_size > 0
    before = cards[0].stat().st_mtime_ns
    fid = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"][0]["id"]
    env = {**os.environ, "DWAGENT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "dwagent", "ask", str(tmp_path / "out"), fid, "why is this a problem?"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert fid in proc.stdout or "Cited code" in proc.stdout
    assert cards[0].stat().st_mtime_ns == before  # nothing rebuilt on the first question
