"""A baseline report: page one and the HTML say what is new, what is fixed, whether the verdict moved."""

from __future__ import annotations

from tests.report.conftest import grouped_report

from dwagent.report.diff import comparison_summary
from dwagent.report.html import render_html
from dwagent.report.markdown import render_markdown


def test_new_fixed_and_verdict_movement(big_report):
    old = big_report
    # the new audit: the critical TLS root cause is fixed, everything else unchanged
    kept = tuple(f for f in old.findings if f.rule != "DWA-101")
    new = grouped_report().model_copy(update={"findings": kept, "verdict": "NOT CERTIFIED"})
    new = new.model_copy(update={"root_causes": tuple(rc for rc in new.root_causes if rc.rule != "DWA-101")})
    cmp = comparison_summary(old, new, "old/findings.json")
    assert cmp["fixed"] == 40 and cmp["new"] == 0 and cmp["unchanged"] == len(kept)
    assert [r["title"] for r in cmp["fixed_root_causes"]] == [rc.title for rc in old.root_causes if rc.rule == "DWA-101"]
    assert cmp["old_verdict"] == cmp["new_verdict"]
    shown = new.model_copy(update={"comparison": cmp})
    md = render_markdown(shown, "T")
    assert "## Since the baseline" in md and "Verdict did not move" in md and "40 fixed" in md
    assert md.index("## Since the baseline") < md.index("## Blocking root causes")  # on page one
    page = render_html(shown, "T")
    assert 'id="changes"' in page and "Since the baseline (findings)" in page


def test_verdict_moved(big_report):
    better = big_report.model_copy(update={"verdict": "CERTIFIED WITH CONDITIONS"})
    cmp = comparison_summary(big_report, better)
    md = render_markdown(better.model_copy(update={"comparison": cmp}), "T")
    assert "Verdict moved: NOT CERTIFIED → **CERTIFIED WITH CONDITIONS**" in md


def test_no_baseline_no_section(big_report):
    assert "## Since the baseline" not in render_markdown(big_report, "T")
    assert 'id="changes"' not in render_html(big_report, "T")
