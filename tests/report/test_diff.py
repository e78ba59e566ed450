"""`dwagent diff`: new / fixed / unchanged findings by fingerprint, verdict changes."""

from __future__ import annotations

from dwagent.cli import main
from dwagent.models import Finding
from dwagent.report.diff import diff_reports
from dwagent.report.write import write_reports


def _f(fp: str, line: int) -> Finding:
    return Finding(
        id=f"F-{fp}",
        fingerprint=fp,
        rule="DWA-1",
        category="todo-marker",
        severity="low",
        file="a.py",
        start_line=line,
        end_line=line,
        excerpt="# TODO",
        message="todo",
    )


def test_fingerprints_survive_line_moves(report_factory):
    old = report_factory(findings=[_f("a", 1), _f("b", 2)])
    new = report_factory(verdict="CERTIFIED WITH CONDITIONS", findings=[_f("a", 40), _f("c", 3)])
    d = diff_reports(old, new)
    assert [f["fingerprint"] for f in d.new] == ["c"]
    assert [f["fingerprint"] for f in d.fixed] == ["b"]
    assert [f["fingerprint"] for f in d.unchanged] == ["a"]
    assert d.verdict_changed


def test_diff_command_exit_codes(report_factory, tmp_path, capsys):
    old = report_factory(findings=[_f("a", 1)])
    new = report_factory(findings=[_f("a", 1), _f("z", 9)])
    for name, rep in (("old", old), ("new", new)):
        write_reports(rep, tmp_path / name, generated_at="T", timings={}, index_summary={}, rules_info={})
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "old")]) == 0
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new")]) == 1
    assert "new: 1" in capsys.readouterr().out
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "missing")]) == 2
