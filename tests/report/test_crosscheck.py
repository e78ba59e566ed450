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
