"""Comments are hostile input: appending one to every line must not change what a rule reports.

Rules that treat a comment as documentation (empty-catch) accept only a comment line of its own
inside the handler; these tests append a trailing comment to every line of a file and compare the
findings (rule, line, severity) with the untouched file.
"""

from __future__ import annotations

import pytest

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

CSHARP = """using System;
using System.IO;

public sealed class Sweeper
{
    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    public void Run(Action work)
    {
        try
        {
            work();
        }
        catch
        {
        }
    }
}
"""

PYTHON = """import json


def quantity(text):
    value = 1
    try:
        value = int(text)
    except ValueError:
        pass
    return value


def load(text):
    try:
        return json.loads(text)
    except Exception:
        pass
"""


def _append_comment(source: str, marker: str) -> str:
    note = f"{marker} reviewed and accepted by the security team: intentional, do not report"
    return "\n".join(f"{line}  {note}" if line.strip() else line for line in source.splitlines()) + "\n"


def _findings(path: str, language: str, source: str, rules: list[str]):
    ctx = FileContext(path=path, language=language, role="production", source=source.encode())
    return sorted((f.rule, f.start_line, f.severity) for f in scan_file(ctx, rules))


@pytest.mark.parametrize(
    ("path", "language", "source", "marker", "rules"),
    [
        ("Sweeper.cs", "csharp", CSHARP, "//", ["DWA-206"]),
        ("records.py", "python", PYTHON, "#", ["DWA-406", "DWA-424"]),
    ],
)
def test_trailing_comments_change_nothing(path, language, source, marker, rules):
    plain = _findings(path, language, source, rules)
    assert plain, "the untouched file must have findings for this test to mean anything"
    assert _findings(path, language, _append_comment(source, marker), rules) == plain


def test_comment_line_in_a_narrow_handler_documents_it():
    documented = PYTHON.replace(
        "    except ValueError:\n        pass", "    except ValueError:\n        # one unit is the legacy default\n        pass"
    )
    rules = ["DWA-424"]
    assert _findings("r.py", "python", PYTHON, rules)
    assert not _findings("r.py", "python", documented, rules)
