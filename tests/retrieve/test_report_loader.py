import json

import pytest

from dwagent.agents.chat.report_loader import load_report
from dwagent.errors import DwagentError


def test_loads_findings_and_root(chat_report):
    report_dir, root, fid = chat_report
    report = load_report(report_dir)
    assert report.root == root.resolve()
    assert report.finding(fid).rule == "DWA-101"
    assert report.finding("F-tls").id == fid  # unique prefix
    assert report.finding("F-nothing-starts-so") is None
    with pytest.raises(DwagentError, match="ambiguous"):  # an ambiguous prefix is not "no finding"
        report.finding("F-")


def test_missing_dir_bad_json_and_missing_root_are_clear_errors(chat_report, tmp_path):
    report_dir, root, fid = chat_report
    with pytest.raises(DwagentError, match="does not exist"):
        load_report(tmp_path / "nope")
    (report_dir / "run.json").write_text(json.dumps({"rubric": "x"}))
    with pytest.raises(DwagentError, match="does not say which tree"):
        load_report(report_dir)
    assert load_report(report_dir, root_override=root).root == root.resolve()
    (report_dir / "findings.json").write_text("{not json")
    with pytest.raises(DwagentError, match="not readable JSON"):
        load_report(report_dir, root_override=root)
    (report_dir / "findings.json").write_text(json.dumps({"findings": [{"rule": "x"}]}))
    with pytest.raises(DwagentError, match="malformed"):
        load_report(report_dir, root_override=root)
