"""build_index / open_index: contents, incremental behaviour, location, and the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dwagent.cli import main
from dwagent.config import index_db_path
from dwagent.errors import DwagentError
from dwagent.tools.index import build_index, open_index


def _tree(root: Path) -> Path:
    files = {
        "App/App.csproj": "<Project />\n",
        "App/Service.cs": "namespace App;\npublic class Service\n{\n    public void Run() { Helper.Go(); }\n}\n",
        "App/Helper.cs": "namespace App;\npublic static class Helper\n{\n    public static void Go() { }\n}\n",
        "App.Tests/App.Tests.csproj": "<Project />\n",
        "App.Tests/ServiceTests.cs": "public class ServiceTests\n{\n    [Fact]\n    public void Runs() { new App.Service().Run(); }\n}\n",
        "App/obj/Gen.g.cs": "class Gen {}\n",
        "tool/pkg/__init__.py": "",
        "tool/pkg/mod.py": 'NAME = "x"\n\ndef f():\n    return NAME\n',
        "README.md": "# readme\n\nsome text\n",
        "logo.png": "\x89PNG\x00\x00",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("latin-1"))
    return root


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return _tree(tmp_path / "tree")


def _rows(store, file_path: str) -> dict[str, list[tuple]]:
    fid = store.file(file_path).id
    out = {}
    for table in ("symbols", "refs", "constants", "chunks"):
        out[table] = sorted(tuple(r) for r in store.conn.execute(f"SELECT * FROM {table} WHERE file_id = ?", (fid,)))
    return out


def test_cold_build_contents(tree: Path, tmp_path: Path) -> None:
    summary = build_index(tree, index_dir=tmp_path / "db")
    assert summary.files_by_language == {"csharp": 3, "csproj": 2, "md": 1, "python": 2}
    assert summary.skips_by_reason == {"binary": 1, "excluded": 1}
    assert summary.parsed == summary.files and summary.reused == 0
    with open_index(tree, tmp_path / "db") as store:
        roles = {f.path: (f.role, f.project) for f in store.files()}
        assert roles["App/Service.cs"] == ("production", "App")
        assert roles["App.Tests/ServiceTests.cs"] == ("test", "App.Tests")
        assert roles["tool/pkg/mod.py"] == ("production", "pkg")
        assert [f.path for f in store.files(language="python")] == ["tool/pkg/__init__.py", "tool/pkg/mod.py"]
        assert store.conn.execute("SELECT qualname FROM constants").fetchall()[0][0] == "pkg.mod.NAME"
        hits = store.conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'Helper'").fetchall()
        assert hits
        ctx = store.file_context("App/Service.cs")
        assert ctx.language == "csharp" and ctx.line_text(2) == "public class Service"
        skips = dict(store.conn.execute("SELECT path, reason FROM skips").fetchall())
        assert skips == {"App/obj/": "excluded", "logo.png": "binary"}
    assert not any(p.name.endswith(".sqlite") for p in tree.rglob("*"))


def test_warm_run_reparses_nothing(tree: Path, tmp_path: Path) -> None:
    build_index(tree, index_dir=tmp_path / "db")
    again = build_index(tree, index_dir=tmp_path / "db")
    assert again.parsed == 0 and again.removed == 0
    assert again.reused == again.files


def test_touch_without_change_rehashes_but_does_not_reparse(tree: Path, tmp_path: Path) -> None:
    build_index(tree, index_dir=tmp_path / "db")
    target = tree / "App/Helper.cs"
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10_000_000))
    again = build_index(tree, index_dir=tmp_path / "db")
    assert again.parsed == 0 and again.reused == again.files


def test_one_file_change_replaces_only_its_rows(tree: Path, tmp_path: Path) -> None:
    build_index(tree, index_dir=tmp_path / "db")
    with open_index(tree, tmp_path / "db") as store:
        before_other = _rows(store, "App/Service.cs")
        helper_id = store.file("App/Helper.cs").id
    (tree / "App/Helper.cs").write_text(
        "namespace App;\npublic static class Helper\n{\n    public static void Go() { }\n    public static void Stop() { }\n}\n"
    )
    summary = build_index(tree, index_dir=tmp_path / "db")
    assert summary.parsed == 1
    with open_index(tree, tmp_path / "db") as store:
        assert _rows(store, "App/Service.cs") == before_other
        assert store.file("App/Helper.cs").id == helper_id
        names = [r[0] for r in store.conn.execute("SELECT name FROM symbols WHERE file_id = ? ORDER BY name", (helper_id,))]
        assert names == ["App", "Go", "Helper", "Stop"]
        # FTS follows the replacement: no orphan rows, new text searchable
        fts = store.conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
        assert fts == store.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        assert store.conn.execute("SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'Stop'").fetchone()[0] == 1


def test_deleted_and_newly_skipped_files_lose_their_rows(tree: Path, tmp_path: Path) -> None:
    build_index(tree, index_dir=tmp_path / "db")
    (tree / "App/Helper.cs").unlink()
    (tree / "README.md").write_bytes(b"now binary \x00")
    summary = build_index(tree, index_dir=tmp_path / "db")
    assert summary.removed == 2
    with open_index(tree, tmp_path / "db") as store:
        paths = {f.path for f in store.files()}
        assert "App/Helper.cs" not in paths and "README.md" not in paths
        for table in ("symbols", "refs", "chunks"):
            orphans = store.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE file_id NOT IN (SELECT id FROM files)").fetchone()[0]
            assert orphans == 0
        assert store.conn.execute("SELECT reason FROM skips WHERE path = 'README.md'").fetchone()[0] == "binary"


def test_cold_builds_are_identical(tree: Path, tmp_path: Path) -> None:
    build_index(tree, index_dir=tmp_path / "a", jobs=1)
    build_index(tree, index_dir=tmp_path / "b", jobs=2)
    dumps = []
    for name in ("a", "b"):
        with open_index(tree, tmp_path / name) as store:
            dumps.append(
                [
                    sorted(tuple(r) for r in store.conn.execute(f"SELECT * FROM {t}"))
                    for t in ("files", "symbols", "refs", "constants", "chunks", "skips")
                ]
            )
    assert dumps[0] == dumps[1]


def test_default_location_is_outside_the_tree(tree: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DWAGENT_CACHE_DIR", str(tmp_path / "cache"))
    summary = build_index(tree)
    assert Path(summary.db_path) == index_db_path(tree)
    assert Path(summary.db_path).is_relative_to(tmp_path / "cache")
    with open_index(tree) as store:
        assert store.root == tree.resolve()


def test_index_inside_the_tree_is_refused(tree: Path) -> None:
    with pytest.raises(DwagentError):
        build_index(tree, index_dir=tree / ".idx")


def test_open_index_without_index_is_a_clear_error(tree: Path, tmp_path: Path) -> None:
    with pytest.raises(DwagentError) as info:
        open_index(tree, tmp_path / "none")
    assert "dwagent index" in info.value.hint


def test_cli_json_and_exit_code(tree: Path, tmp_path: Path, capsys) -> None:
    code = main(["index", str(tree), "--index-dir", str(tmp_path / "db"), "--json", "--exclude", "*.md"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files_by_language"].get("md") is None
    assert data["skips_by_reason"]["excluded"] == 2


def test_cli_table_output(tree: Path, tmp_path: Path, capsys) -> None:
    code = main(["index", str(tree), "--index-dir", str(tmp_path / "db"), "--jobs", "1"])
    assert code == 0
    out = capsys.readouterr().out
    for word in ("csharp", "symbols", "references", "chunks", "skipped", "binary", "elapsed"):
        assert word in out


def test_interrupted_cold_build_is_redone_in_full(tree: Path, tmp_path: Path, monkeypatch) -> None:
    from dwagent.tools.index import writer

    def boom(self) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(writer.IndexWriter, "finish", boom)
        with pytest.raises(KeyboardInterrupt):
            build_index(tree, index_dir=tmp_path / "db")
    with pytest.raises(DwagentError):
        open_index(tree, tmp_path / "db")  # readers never see a half-built index
    summary = build_index(tree, index_dir=tmp_path / "db")
    assert summary.parsed == summary.files
    with open_index(tree, tmp_path / "db") as store:
        fts = store.conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
        assert fts == summary.chunks > 0


def test_index_dir_reused_for_another_tree_starts_over(tmp_path: Path) -> None:
    one = _tree(tmp_path / "one")
    two = _tree(tmp_path / "two")
    helper = (one / "App/Helper.cs").read_text()
    (two / "App/Helper.cs").write_text(helper.replace("Helper", "Other"))  # same size
    for path in one.rglob("*"):  # same relative paths, sizes and mtimes: only the root differs
        if path.is_file():
            st = path.stat()
            os.utime(two / path.relative_to(one), ns=(st.st_atime_ns, st.st_mtime_ns))
    build_index(one, index_dir=tmp_path / "db")
    summary = build_index(two, index_dir=tmp_path / "db")
    assert summary.parsed == summary.files and summary.reused == 0
    with open_index(two, tmp_path / "db") as store:
        assert store.conn.execute("SELECT COUNT(*) FROM symbols WHERE name = 'Other'").fetchone()[0] == 1


def _die_on_crash_file(job):
    from dwagent.tools.index.worker import index_file

    if job[1].endswith("Crash.cs"):
        os._exit(139)  # what a native parser crash looks like from the outside
    return index_file(job)


def test_a_worker_that_dies_costs_one_file_not_the_run(tmp_path: Path, monkeypatch) -> None:
    from dwagent.tools.index import build as build_module

    root = tmp_path / "many"
    root.mkdir()
    for i in range(60):  # enough files for the process pool
        (root / f"F{i:02d}.cs").write_text(f"class F{i} {{ void M() {{ Call{i}(); }} }}\n")
    (root / "Crash.cs").write_text("class Crash { }\n")
    monkeypatch.setattr(build_module, "index_file", _die_on_crash_file)
    summary = build_index(root, index_dir=tmp_path / "db", jobs=2)
    assert summary.files == 60
    assert summary.skips_by_reason == {"parser-crash": 1}
    with open_index(root, tmp_path / "db") as store:
        assert store.conn.execute("SELECT reason FROM skips WHERE path = 'Crash.cs'").fetchone()[0] == "parser-crash"


def test_cold_build_rows_satisfy_the_foreign_keys(tree: Path, tmp_path: Path) -> None:
    # A cold build inserts with foreign-key checks off (speed); every row must still point at
    # its file row, and a writer connection ends with the checks back on.
    from dwagent.tools.index.store import connect
    from dwagent.tools.index.writer import IndexWriter

    build_index(tree, index_dir=tmp_path / "db")
    with open_index(tree, tmp_path / "db") as store:
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn = connect(tmp_path / "other.sqlite", create=True)
    conn.isolation_level = None
    writer = IndexWriter(conn, cold=True)
    writer.finish()
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()
