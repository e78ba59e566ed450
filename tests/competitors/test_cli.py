"""`dwagent competitors list | show | compare` through the real CLI entry point."""

from __future__ import annotations

import json

from competitors_support import WIRED_CODEC, WRITER, finding

from dwagent.cli import main


def test_list_and_show(capsys):
    assert main(["competitors", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 60 and {r["slug"] for r in rows} >= {"minio", "ceph", "truenas"}
    assert main(["competitors", "show", "ceph"]) == 0
    out = capsys.readouterr().out
    assert "# Ceph" in out and "as of" in out


def test_show_unknown_product_is_a_usage_error(capsys):
    assert main(["competitors", "show", "no-such-thing"]) == 2
    assert main(["competitors", "list", "--category", "nope"]) == 2


def _report_dir(tree, tmp_path):
    tree.write("src/Codec.cs", WIRED_CODEC)
    tree.write("src/Writer.cs", WRITER)
    with tree.store() as store:
        db_path = str(store.db_path)
    out = tmp_path / "report"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"index": {"root": str(tree.root), "db_path": db_path}}))
    stub = finding("stub-return", "src/Codec.cs", 7, fid="F-stub").model_dump(mode="json")
    (out / "findings.json").write_text(json.dumps({"root_name": "acme-tree", "findings": [stub]}))
    return out


def test_compare_one_product_and_write_the_full_report(tree, tmp_path, capsys):
    report = _report_dir(tree, tmp_path)
    target = tmp_path / "competitive-analysis.md"
    assert main(["competitors", "compare", str(report), "minio", "--product", "Acme", "--write", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### MinIO") and "Acme" in out and "erasure coding" in out.lower()
    full = target.read_text(encoding="utf-8")
    assert "# Competitive analysis: Acme" in full and "F-stub" in full


def test_compare_rejects_a_missing_report_dir(tmp_path):
    assert main(["competitors", "compare", str(tmp_path / "none"), "minio"]) == 2
    (tmp_path / "r").mkdir()
    assert main(["competitors", "compare", str(tmp_path / "r"), "minio"]) == 2


def test_compare_defaults_the_product_name_to_the_report_root_name(tree, tmp_path, capsys):
    report = _report_dir(tree, tmp_path)
    assert main(["competitors", "compare", str(report), "ceph"]) == 0
    assert "acme-tree" in capsys.readouterr().out


def test_check_passes_on_the_shipped_kb_and_fails_on_a_broken_one(tmp_path, capsys):
    assert main(["competitors", "check"]) == 0
    out = capsys.readouterr().out
    assert "seed names covered 87/87" in out
    assert main(["competitors", "check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["stats"]["secondary_share"] <= 0.05
    (tmp_path / "x.yaml").write_text(
        "name: X\nvendor: V\ncategory: specialized\nseed_name: X\n"
        "written: {architecture: a, scale: s, consistency: c, security: s, operations: o, licence: l, events: e,"
        " beats_dw: b, gap: g}\nfacts:\n  f1: {topic: scale, statement: s, source: 'https://example.org',"
        " as_of: 2025-01-01}\n",
        encoding="utf-8",
    )
    assert main(["competitors", "check", "--kb", str(tmp_path)]) == 1
    assert "seed name not covered" in capsys.readouterr().out
    (tmp_path / "x.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    assert main(["competitors", "check", "--kb", str(tmp_path)]) == 2
    assert main(["competitors", "check", "--kb", str(tmp_path / "missing")]) == 2
