import json

from dwagent.cli import main


def test_search_builds_a_missing_index_and_prints_json(tmp_path, capsys):
    root = tmp_path / "tree"
    (root / "src").mkdir(parents=True)
    (root / "src" / "Limiter.cs").write_text(
        "namespace Acme\n{\n    public class RateLimiter\n    {\n        public bool TryAcquire() { return true; }\n    }\n}\n"
    )
    code = main(["search", str(root), "rate limiter", "--mode", "lexical", "--json", "--index-dir", str(tmp_path / "idx")])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["mode"] == "lexical"
    assert out["results"][0]["file"] == "src/Limiter.cs"
    assert out["results"][0]["symbol"] == "Acme.RateLimiter"


def test_search_rejects_bad_mode_and_missing_folder(tmp_path, capsys):
    assert main(["search", str(tmp_path), "x", "--mode", "fuzzy"]) == 2
    assert main(["search", str(tmp_path / "nope"), "x"]) == 2
    assert "not a folder" in " ".join(capsys.readouterr().err.split())


def test_ask_answers_with_citations_and_json(chat_report, capsys):
    report_dir, root, fid = chat_report
    assert main(["ask", str(report_dir), fid, "who calls this?", "--no-dense"]) == 0
    assert "src/App/Service.cs:11 (verified)" in capsys.readouterr().out
    assert main(["ask", str(report_dir), fid, "why?", "--json", "--no-dense"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["intent"] == "why" and data["citations"][0]["verified"] is True


def test_ask_unknown_finding_exits_2(chat_report, capsys):
    report_dir, root, fid = chat_report
    assert main(["ask", str(report_dir), "F-nothing", "why?", "--no-dense"]) == 2
    assert "no finding" in " ".join(capsys.readouterr().err.split())
