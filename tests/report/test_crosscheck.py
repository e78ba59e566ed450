"""Every number agrees across the written files, and the cross-check notices when one does not."""

from __future__ import annotations

import json

from dwagent.report.crosscheck import crosscheck
from dwagent.report.write import write_reports


def _write(report, tmp_path):
    out = tmp_path / "out"
    write_reports(report, out, generated_at="T", timings={}, index_summary={}, rules_info={})
    return out


def test_numbers_agree_across_every_file(big_report, tmp_path):
    assert crosscheck(_write(big_report, tmp_path)) == []


def test_a_disagreeing_file_is_caught(big_report, tmp_path):
    out = _write(big_report, tmp_path)
    md = out / "CERTIFICATION.md"
    n = big_report.counts["root_causes"]["block"]
    md.write_text(md.read_text().replace(f"## Blocking root causes ({n})", f"## Blocking root causes ({n + 1})"))
    assert any(p.startswith("blocking root causes") for p in crosscheck(out))
    sarif = json.loads((out / "findings.sarif").read_text())
    sarif["runs"][0]["results"].pop()
    (out / "findings.sarif").write_text(json.dumps(sarif))
    assert any(p.startswith("findings:") for p in crosscheck(out))


def test_a_second_value_for_placeholder_tests_is_caught(big_report, tmp_path):
    from dwagent.report.model import GateRow

    gates = (GateRow(id="placeholder-tests", name="no placeholder tests", kind="threshold", status="FAIL", value=61),)
    report = big_report.model_copy(update={"gates": gates, "counts": {**big_report.counts, "gate_values": {"placeholder-tests": 61}}})
    report = report.model_copy(
        update={
            "competitive": {
                "status": "RAN",
                "recommendations": [{"priority": 1, "title": "Build a record", "rationale": "1098 test cases, 0 placeholder tests"}],
            }
        }
    )
    out = _write(report, tmp_path)
    assert "placeholder tests: gate 61, CERTIFICATION.md: 0" in crosscheck(out)


def test_cannot_fail_tests_print_one_number_everywhere(big_report, tmp_path):
    from dwagent.report.counts import compute_counts
    from dwagent.report.model import GateRow

    tests = {"total": 5, "by_project": {"Shop.Tests": 3, "tests": 2}}
    gates = (GateRow(id="placeholder-tests", name="no placeholder tests", kind="threshold", status="FAIL", value=5),)
    report = big_report.model_copy(update={"gates": gates, "quality": {**big_report.quality, "tests_cannot_fail": tests}})
    report = report.model_copy(update={"counts": compute_counts(report)})
    out = _write(report, tmp_path)
    md, page = (out / "CERTIFICATION.md").read_text(), (out / "report.html").read_text()
    assert "Tests that cannot fail: 5 (Shop.Tests 3, tests 2) (per test project)" in md
    assert "Tests that cannot fail: 5 (Shop.Tests 3, tests 2)" in page
    assert crosscheck(out) == []
    # a per-project split that does not add up to the gate's number is two numbers for one quantity
    bad = report.model_copy(update={"quality": {**report.quality, "tests_cannot_fail": {"total": 5, "by_project": {"Shop.Tests": 4}}}})
    bad = bad.model_copy(update={"counts": compute_counts(bad)})
    assert crosscheck(_write(bad, tmp_path / "bad")) == [
        "tests that cannot fail: CERTIFICATION.md 5, counts 5, per-project sum 4, placeholder-tests gate 5, report.html 5"
    ]
