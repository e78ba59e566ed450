"""The index dump used to check that speed work leaves the index content unchanged."""

from __future__ import annotations

from pathlib import Path

from dwagent.evals.bench.index_dump import dump_index, main
from dwagent.tools.index import build_index


def _tree(root: Path) -> Path:
    (root / "App").mkdir(parents=True)
    (root / "App" / "App.csproj").write_text("<Project />\n")
    (root / "App" / "Service.cs").write_text(
        "namespace App;\n/// <summary>Runs.</summary>\npublic class Service\n{\n"
        '    public const string Topic = "a.b";\n    public void Run() { Helper.Go(Topic); }\n}\n'
    )
    (root / "tool.py").write_text('NAME = "x"\n\ndef f():\n    return NAME\n')
    return root


def test_dump_covers_every_table_and_is_stable(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree")
    first = dump_index(build_index(tree, index_dir=tmp_path / "a", jobs=1).db_path)
    second = dump_index(build_index(tree, index_dir=tmp_path / "b", jobs=1).db_path)
    assert first == second
    headers = {line.split()[1] for line in first if line.startswith("== ") and line != "== schema"}
    assert {"files", "symbols", "refs", "constants", "chunks", "chunks_fts", "skips", "meta"} <= headers
    assert not any(line.startswith("== chunks_fts_") for line in first)
    assert any("'Topic'" in line and "'a.b'" in line for line in first)  # the constant row


def test_dump_sees_a_content_change(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree")
    before = dump_index(build_index(tree, index_dir=tmp_path / "a", jobs=1).db_path)
    (tree / "tool.py").write_text('NAME = "y"\n\ndef f():\n    return NAME\n')
    after = dump_index(build_index(tree, index_dir=tmp_path / "b", jobs=1).db_path)
    assert before != after


def test_cli_writes_the_dump(tmp_path: Path, capsys) -> None:
    tree = _tree(tmp_path / "tree")
    out = tmp_path / "dump.txt"
    assert main([str(tree), str(out), "--jobs", "1"]) == 0
    assert out.read_text().startswith("== chunks ")
    assert "-> " in capsys.readouterr().out
