"""Drive `dwagent chat` through a pseudo-terminal the way a person would, then resume it."""

import sys

import pytest

pexpect = pytest.importorskip("pexpect")


def _spawn(report_dir, *args):
    child = pexpect.spawn(
        sys.executable, ["-m", "dwagent.cli", "chat", str(report_dir), *args, "--no-dense"], encoding="utf-8", timeout=60, dimensions=(50, 200)
    )
    return child


@pytest.mark.slow  # runs a real test command or a whole tree: seconds each
def test_person_asks_switches_findings_and_resumes(chat_report):
    report_dir, root, fid = chat_report
    child = _spawn(report_dir, fid)
    child.expect(r"dwagent\[F-tls0001\]> ")
    child.sendline("who calls this?")
    child.expect(r"src/App/Service\.cs:11 \(verified\)")
    child.expect(r"dwagent\[F-tls0001\]> ")
    child.sendline("/evidence")
    child.expect(r"src/Net/Client\.cs:8 \(verified\)")
    child.expect(r"> ")
    child.sendline("/finding F-todo")
    child.expect(r"dwagent\[F-todo0002\]> ")
    child.sendline("/quit")
    child.expect("bye")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    again = _spawn(report_dir, fid)
    again.expect(r"resumed: 2 earlier question\(s\)")
    again.expect(r"> ")
    again.sendline("/history")
    again.expect(r"1\. \[callers\] who calls this\?")
    again.expect(r"> ")
    again.sendeof()
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0


def test_bad_report_dir_exits_2_with_a_hint(tmp_path):
    child = pexpect.spawn(
        sys.executable, ["-m", "dwagent.cli", "chat", str(tmp_path / "missing")], encoding="utf-8", timeout=60, dimensions=(50, 400)
    )
    child.expect(r"does not\s+exist")
    child.expect("hint")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
