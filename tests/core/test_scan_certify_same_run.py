"""`scan` and `certify` make one and the same rule run: with the same rubric, scan's findings
are exactly certify's findings plus the ones its reviewer dropped (same fingerprints)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DWSHAPE = REPO / "evals" / "fixtures" / "dwshape"


@pytest.mark.parametrize("rubric", ["dw", "generic"])
def test_scan_equals_certify_findings_plus_dropped(tmp_path, rubric):
    env = {**os.environ, "DWAGENT_CACHE_DIR": str(tmp_path / "cache")}
    scan = subprocess.run(
        [sys.executable, "-m", "dwagent", "scan", str(DWSHAPE), "--rubric", rubric, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert scan.returncode in (0, 1), scan.stderr[-2000:]
    cert = subprocess.run(
        [sys.executable, "-m", "dwagent", "certify", str(DWSHAPE), "--rubric", rubric, "--out", str(tmp_path / "out"), "--no-exec", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert cert.returncode in (0, 1), cert.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "findings.json").read_text())
    scanned = sorted(f["fingerprint"] for f in json.loads(scan.stdout))
    certified = sorted(f["fingerprint"] for f in report["findings"] + report["dropped"])
    assert scanned and scanned == certified
