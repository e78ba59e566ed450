"""report.html renders in headless Chromium: a screenshot is produced and the key elements are in
the rendered DOM (verdict, charts, sortable findings table). Skipped when Chromium is absent."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dwagent.report.html import render_html

CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or "") if p and Path(p).exists()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed")]


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, timeout=120)


def test_report_renders_and_screenshots(report, tmp_path):
    page = tmp_path / "report.html"
    llm_lines = ("LLM openai:m: 2 call(s).", "rationale (domain:x), written by the model: <script>alert(2)</script> [E1]")
    page.write_text(render_html(report, "T", llm_lines), encoding="utf-8")
    shot = tmp_path / "shot.png"
    proc = _run([f"--screenshot={shot}", "--window-size=1400,1800", page.as_uri()], tmp_path / "profile")
    assert shot.is_file() and shot.stat().st_size > 10_000, proc.stderr.decode()[-2000:]
    dom = _run(["--dump-dom", page.as_uri()], tmp_path / "profile2").stdout.decode()
    assert 'id="verdict"' in dom and "NOT CERTIFIED" in dom
    assert "<svg" in dom and 'id="findings-table"' in dom
    assert "<script>alert" not in dom  # the hostile excerpt stayed text
    assert 'id="llm"' in dom and "LLM openai:m: 2 call(s)." in dom  # the LLM section, model text escaped
