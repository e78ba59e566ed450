"""`dwagent eval` on the command line: exit codes, results file, usage errors."""

from __future__ import annotations

import json

from dwagent.cli import main


def test_single_fixture_writes_results(tmp_path, capsys) -> None:
    code = main(["eval", "--suite", "inventory-lib", "--out", str(tmp_path)])
    files = sorted(tmp_path.glob("*-offline.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["mode"] == "offline" and set(data["fixtures"]) == {"inventory-lib", "inventory-lib-injected"}
    assert code in (0, 1)  # 1 when a threshold (e.g. a category bar) is missed
    assert "thresholds:" in capsys.readouterr().out


def test_unknown_suite_is_a_usage_error(tmp_path) -> None:
    assert main(["eval", "--suite", "no-such-fixture", "--out", str(tmp_path)]) == 2


def test_llm_without_key_is_a_usage_error(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["eval", "--suite", "inventory-lib", "--llm", "anthropic:claude-sonnet-4-5", "--out", str(tmp_path)]) == 2


def test_fixture_lines_say_where_the_misses_and_false_positives_are() -> None:
    from rich.console import Console

    from dwagent.commands.eval import _print_details

    console = Console(record=True, width=200)
    fp = "sql-injection high src/Repo.cs:7-7 DWA-150"
    row = {
        "false_negatives": ["sqli"],
        "missed": ["sqli: sql-injection src/Repo.cs:3-4"],
        "false_positives": [fp, "dead-code medium src/Old.cs:1-1 DWA-301"],
        "hard_negative_hits": [f"safe-query: {fp}"],
        "tolerated": ["guarded-tls: tls-bypass low src/Client.cs:18-18 DWA-101"],
    }
    _print_details(console, row)
    text = console.export_text()
    assert "missed   sqli: sql-injection src/Repo.cs:3-4" in text
    assert f"false+   {fp} (hard negative safe-query)" in text
    assert "false+   dead-code medium src/Old.cs:1-1 DWA-301\n" in text
    assert "allowed  guarded-tls: tls-bypass low src/Client.cs:18-18 DWA-101" in text


def _tiny_fixture(root) -> None:
    """A one-file labelled Python fixture, enough for the runner to certify and score."""
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "run.py").write_text(
        "import subprocess\n\n\ndef run(name):\n    return subprocess.run('ls ' + name, shell=True)\n", encoding="utf-8"
    )
    (root / "labels.yaml").write_text(
        "fixture: tiny\nlanguage: python\nrubric: generic\nverdict: NOT CERTIFIED\nexpected:\n"
        "  - {id: tiny-shell, category: command-injection, file: pkg/run.py, lines: [5, 5], anchor: shell=True, min_severity: high}\n",
        encoding="utf-8",
    )


def test_fixtures_dir_scores_originals_and_reports_only(tmp_path, capsys) -> None:
    holdout = tmp_path / "holdout"
    _tiny_fixture(holdout / "tiny")
    out = tmp_path / "out"
    code = main(["eval", "--fixtures-dir", str(holdout), "--out", str(out)])
    assert code == 0  # report only: no thresholds, whatever the scores
    data = json.loads(next(out.glob("*-offline.json")).read_text(encoding="utf-8"))
    assert set(data["fixtures"]) == {"tiny"}  # no injected / bad-input variants
    assert data["suite"] == "originals" and data["fixtures_dir"] == holdout.as_posix()
    assert data["fixtures"]["tiny"]["verdict"]["expected"] == "NOT CERTIFIED"
    assert data["fixtures"]["tiny"]["label_problems"] == []
    assert "report only" in capsys.readouterr().out


def test_fixtures_dir_usage_errors(tmp_path) -> None:
    assert main(["eval", "--fixtures-dir", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    assert main(["eval", "--fixtures-dir", str(tmp_path)]) == 2  # --out is required
    assert main(["eval", "--fixtures-dir", str(tmp_path), "--out", str(tmp_path / "o")]) == 2  # no labelled fixtures
