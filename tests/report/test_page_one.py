"""Page one of CERTIFICATION.md fits one screen and names every blocking root cause (issue 18)."""

from __future__ import annotations

import re

from tests.report.conftest import grouped_report

from dwagent.report.markdown import render_markdown
from dwagent.report.model import RootCause

SCREEN_LINES = 70  # one screen of text: verdict, the paragraph, ~40 items, NOT ASSESSED


def _many_blocking(n: int):
    report = grouped_report(n_per_rule=4)
    extra = tuple(
        RootCause(
            id=f"RC-{i:010d}",
            key=f"rule:DWA-9{i:02d}",
            kind="finding",
            rule=f"DWA-9{i:02d}",
            severity="high",
            effect="block",
            title=f"defect pattern number {i}",
            why="why",
            fix="fix",
            blocking="high severity (blocks at high+)",
            count=i + 1,
            cited=({"file": f"src/f{i}.cs", "line": i + 1},),
        )
        for i in range(n)
    )
    return report.model_copy(update={"root_causes": report.root_causes + extra})


def _page_one(md: str) -> str:
    return md.split('<a id="blocking-table"></a>', 1)[0]


def test_page_one_is_one_line_per_blocking_root_cause_and_fits_a_screen():
    report = _many_blocking(36)
    blocking = [rc for rc in report.root_causes if rc.effect == "block"]
    assert 38 <= len(blocking) <= 40
    md = render_markdown(report, "t")
    page = _page_one(md)
    assert len(page.splitlines()) <= SCREEN_LINES, len(page.splitlines())
    listed = re.findall(r"^\d+\. \*\*\w+\*\* \[(.+?)\]\(#rc-(rc-[0-9a-f]+)\)", page, re.M)
    assert [rid for _t, rid in listed] == [rc.id.lower() for rc in blocking]
    assert page.index("## Blocking root causes") < page.index("## What was NOT ASSESSED")
    # the detail (why, fix, 3 cited) is below page one, one table row per blocking item
    table = md.split("## Why each root cause blocks", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^\| \d+ \|", table, re.M)) == len(blocking)


def test_a_page_one_line_names_severity_count_and_the_most_telling_location():
    report = _many_blocking(1)
    line = next(ln for ln in _page_one(render_markdown(report, "t")).splitlines() if "defect pattern number 0" in ln)
    assert line.startswith(tuple(f"{i}. **high**" for i in range(1, 50)))
    assert "1 location(s)" in line and "`f0.cs:1`" in line
    assert len(line) < 200
