"""Shared fakes for the eval tests: a tiny labelled tree and report builders."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.evals.labels import FixtureLabels, load_labels

LABELS = """\
fixture: tiny
language: csharp
rubric: generic
verdict: NOT CERTIFIED
verdicts:
  domains: {core: FAIL}
  plugins: {Tiny.Plugins.Cache: PASS}
flows:
  - {name: write, status: PASS}
expected:
  - {id: sqli, category: sql-injection, file: Repo.cs, lines: [3, 4], anchor: '" + name', min_severity: high}
  - {id: orphan, category: orphan-topic, file: Bus.cs, lines: [2, 2], anchor: Publish,
     also: [{file: Topics.cs, lines: [1, 1]}]}
absent:
  - {id: safe, category: sql-injection, file: Repo.cs, lines: [6, 6], anchor: '@id'}
optional:
  - {id: maybe, category: hardcoded-tuning, file: Repo.cs, lines: [8, 8], anchor: '5000'}
"""

FILES = {
    "Repo.cs": 'class Repo {\n  string Q(string name) =>\n    "SELECT * FROM t WHERE n = \'" + name\n    + "\'";\n  // safe\n  string P() => "SELECT * FROM t WHERE id = @id";\n  // batch\n  int Batch = 5000;\n}\n',
    "Bus.cs": "class Bus {\n  void Go() => bus.Publish(Topics.Done, 1);\n}\n",
    "Topics.cs": 'static class Topics { public const string Done = "done"; }\n',
}


@pytest.fixture
def tiny(tmp_path: Path) -> FixtureLabels:
    """A three-file labelled fixture on disk."""
    root = tmp_path / "tiny"
    root.mkdir()
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "labels.yaml").write_text(LABELS, encoding="utf-8")
    return load_labels(root)


def finding(category: str, file: str, start: int, end: int | None = None, severity: str = "high", root: Path | None = None, **extra) -> dict:
    """A report finding dict; the excerpt is read from `root` when given (so quotes verify)."""
    end = end or start
    excerpt = ""
    if root is not None:
        excerpt = "\n".join((root / file).read_text(encoding="utf-8").splitlines()[start - 1 : end])
    return {
        "category": category,
        "file": file,
        "start_line": start,
        "end_line": end,
        "severity": severity,
        "rule": extra.pop("rule", "DWA-000"),
        "excerpt": excerpt,
        **extra,
    }
