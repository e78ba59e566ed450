"""Markdown and HTML writers: hostile text cannot escape, files are self-contained and stable."""

from __future__ import annotations

import json
import re

from dwagent.report.html import render_html
from dwagent.report.json_out import findings_json
from dwagent.report.markdown import render_appendix, render_markdown
from dwagent.report.write import load_report, write_reports


def test_html_escapes_every_audited_value(report):
    page = render_html(report, "T")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # only our own inline script
    assert 'href="javascript' not in page


def test_html_is_self_contained(report):
    page = render_html(report, "T")
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "<style>" in page and "<svg" in page and 'id="findings-table"' in page and 'id="verdict"' in page


def test_markdown_code_fence_cannot_be_closed_by_the_excerpt(report, big_report):
    # the appendix carries every excerpt; CERTIFICATION.md the cited ones of each root cause
    for text in (render_appendix(report, "T"), render_markdown(big_report, "T")):
        assert "````" in text  # fence longer than the ``` inside the excerpt
        outside_code = re.sub(r"(?ms)^````\w*\n.*?^````$", "", text)
        assert "<script>" not in outside_code  # verbatim inside fences, escaped everywhere else
        assert "&lt;script&gt;" in outside_code


def test_markdown_has_one_timestamp_line_and_the_sections(report):
    text = render_markdown(report, "2026-01-01T00:00:00+00:00")
    assert sum(1 for line in text.splitlines() if "2026-01-01" in line) == 1
    for section in (
        "## Decision",
        "## Blocking root causes",
        "## What was NOT ASSESSED",
        "## Verdict and rationale",
        "## Hard gates",
        "## Domain matrix",
        "## Tier matrix",
        "## Plugin matrix",
        "## Flow traces",
        "## P0 list",
        "## Code-quality summary",
        "## Claims vs evidence",
        "## Competitive analysis",
        "## Conditions for certification",
        "## Suppressions",
        "## Evidence",
    ):
        assert section in text
    assert "(FINDINGS.md#f-1)" in text  # findings linked to their details in the appendix
    appendix = render_appendix(report, "2026-01-01T00:00:00+00:00")
    assert '<a id="f-1"></a>' in appendix and "## Evidence" in appendix


def test_findings_json_round_trips_and_is_sorted(report, tmp_path):
    text = findings_json(report)
    data = json.loads(text)
    assert list(data) == sorted(data)
    outputs = write_reports(report, tmp_path / "out", generated_at="T", timings={"x": 1.0}, index_summary={}, rules_info={})
    assert load_report(tmp_path / "out").verdict == report.verdict
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["timings_seconds"] == {"x": 1.0} and run["rubric"]["sha256"] == "a" * 64
    assert set(outputs) == {"CERTIFICATION.md", "FINDINGS.md", "findings.json", "findings.sarif", "report.html", "run.json"}
