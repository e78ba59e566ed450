"""`dwagent scan` / `dwagent rules` / `dwagent eval rules`: exit codes, formats, selection, baselines."""

from __future__ import annotations

import json

from dwagent.cli import main

LAX = "class C { void M(System.Net.Http.HttpClientHandler h) {\n  h.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;\n} }\n"


def _tree(tmp_path, text=LAX):
    root = tmp_path / "tree"
    root.mkdir()
    (root / "C.cs").write_text(text, encoding="utf-8")
    return root


def test_exit_1_with_findings_and_0_when_clean(tmp_path, capsys):
    root = _tree(tmp_path)
    assert main(["scan", str(root), "--index-dir", str(tmp_path / "i")]) == 1
    assert "DWA-101 C.cs:2" in capsys.readouterr().out
    assert main(["scan", str(root), "--rules", "DWA-2*", "--index-dir", str(tmp_path / "i")]) == 0


def test_json_output_is_the_finding_models(tmp_path, capsys):
    root = _tree(tmp_path)
    main(["scan", str(root), "--rules", "DWA-101", "--format", "json", "--index-dir", str(tmp_path / "i")])
    rows = json.loads(capsys.readouterr().out)
    assert [r["rule"] for r in rows] == ["DWA-101"]
    assert {"id", "rule", "category", "severity", "confidence", "file", "start_line", "end_line", "excerpt", "message", "fingerprint"} <= set(rows[0])


def test_baseline_round_trip_makes_scan_clean(tmp_path):
    root = _tree(tmp_path)
    base = tmp_path / "baseline.json"
    idx = str(tmp_path / "i")
    assert main(["scan", str(root), "--index-dir", idx, "--write-baseline", str(base)]) == 1
    assert main(["scan", str(root), "--index-dir", idx, "--baseline", str(base)]) == 0


def test_usage_errors_exit_2(tmp_path):
    root = _tree(tmp_path)
    assert main(["scan", str(root), "--format", "xml", "--index-dir", str(tmp_path / "i")]) == 2
    assert main(["scan", str(root), "--rules", "DWA-999", "--index-dir", str(tmp_path / "i")]) == 2
    assert main(["scan", str(tmp_path / "missing"), "--index-dir", str(tmp_path / "i")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["scan", str(root), "--baseline", str(bad), "--index-dir", str(tmp_path / "i")]) == 2


def test_rules_command_lists_catalogue(capsys):
    assert main(["rules", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["id"] == "DWA-101" and r["category"] == "tls-bypass" for r in rows)
