"""Walker edge cases: ignores, excludes, symlinks, binaries, size, encoding, unreadable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dwagent.cli import main
from dwagent.errors import DwagentError
from dwagent.tools.walk import Source, read_source, walk


def _reasons(result) -> dict[str, str]:
    return {s.path: s.reason for s in result.skips}


def _paths(result) -> list[str]:
    return [f.path for f in result.files]


def test_empty_tree_has_no_files(tmp_path: Path) -> None:
    result = walk(tmp_path)
    assert result.files == ()
    assert result.skips == ()


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DwagentError) as info:
        walk(tmp_path / "nope")
    assert "does not exist" in info.value.message
    assert info.value.hint


def test_missing_path_exits_2_with_one_line_and_hint(tmp_path: Path, capsys) -> None:
    code = main(["index", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "db")])
    assert code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "does not exist" in err and "hint:" in err
    assert "Traceback" not in err


def test_a_file_instead_of_a_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.cs").write_text("class A {}")
    with pytest.raises(DwagentError):
        walk(tmp_path / "a.cs")


def test_gitignore_nested_and_negated(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.log\nbuild/\n")
    (tmp_path / "a.log").write_text("x")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.cs").write_text("class B {}")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / ".gitignore").write_text("!keep.log\nlocal.cs\n")
    (sub / "keep.log").write_text("kept")
    (sub / "drop.log").write_text("dropped")
    (sub / "local.cs").write_text("class L {}")
    (tmp_path / "local.cs").write_text("class Root {}")  # the nested rule must not reach up
    result = walk(tmp_path)
    reasons = _reasons(result)
    assert reasons["a.log"] == "ignored"
    assert reasons["build/"] == "ignored"
    assert reasons["sub/drop.log"] == "ignored"
    assert reasons["sub/local.cs"] == "ignored"
    assert "sub/keep.log" in _paths(result)
    assert "local.cs" in _paths(result)


def test_default_and_custom_excludes(tmp_path: Path) -> None:
    for folder in (".git", "bin", "obj", "node_modules", "gen"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.cs").write_text("class X {}")
    (tmp_path / "keep.cs").write_text("class K {}")
    (tmp_path / "skip.Designer.cs").write_text("class D {}")
    result = walk(tmp_path, exclude=["gen/", "*.Designer.cs"])
    reasons = _reasons(result)
    for folder in (".git/", "bin/", "obj/", "node_modules/", "gen/"):
        assert reasons[folder] == "excluded"
    assert reasons["skip.Designer.cs"] == "excluded"
    assert _paths(result) == ["keep.cs"]


def test_symlink_escaping_the_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.cs").write_text("class S {}")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    (root / "file-link.cs").symlink_to(outside / "secret.cs")
    result = walk(root)
    assert _reasons(result) == {"link": "symlink-escape", "file-link.cs": "symlink-escape"}
    assert result.files == ()


def test_symlink_loop_terminates_and_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c.cs").write_text("class C {}")
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self").symlink_to("self")  # a link to itself cannot be resolved
    result = walk(tmp_path)
    reasons = _reasons(result)
    assert reasons["a/b/up"] == "symlink-loop"
    assert reasons["self"] == "symlink-loop"
    assert _paths(result) == ["a/b/c.cs"]


def test_symlink_inside_root_is_recorded_not_double_counted(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "r.cs").write_text("class R {}")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    result = walk(tmp_path)
    assert _reasons(result) == {"alias": "symlink-internal"}
    assert _paths(result) == ["real/r.cs"]


def test_too_large_is_skipped_by_size(tmp_path: Path) -> None:
    (tmp_path / "big.cs").write_text("x" * 101)
    (tmp_path / "ok.cs").write_text("x" * 100)
    result = walk(tmp_path, max_file_bytes=100)
    assert _reasons(result) == {"big.cs": "too-large"}
    assert _paths(result) == ["ok.cs"]


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.cs")
    result = walk(tmp_path)  # opening a FIFO would block forever
    assert _reasons(result) == {"pipe.cs": "unreadable"}


def test_read_source_binary_undecodable_bom_and_unreadable(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "bin.dat").write_bytes(b"MZ\x00\x01\x02")
    (tmp_path / "latin1.cs").write_bytes("// caf\xe9".encode("latin-1"))
    (tmp_path / "bom.cs").write_bytes(b"\xef\xbb\xbfclass A {}\n")
    assert read_source(tmp_path / "bin.dat")[0] == "binary"
    latin1 = read_source(tmp_path / "latin1.cs")  # a legacy code page decodes, it is not skipped
    assert isinstance(latin1, Source) and latin1.encoding == "cp1252" and latin1.data == "// caf\u00e9".encode()
    assert isinstance(read_source(tmp_path / "bom.cs"), Source)
    assert read_source(tmp_path / "missing.cs")[0] == "unreadable"
    # Tests run as root, so chmod 000 does not make a file unreadable: fail open() instead.
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("bom.cs"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    assert read_source(tmp_path / "bom.cs") == ("unreadable", "Permission denied")


def test_walk_is_sorted_and_deterministic(tmp_path: Path) -> None:
    for name in ("b/z.cs", "a/y.cs", "a/b/x.cs", "c.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    first = walk(tmp_path)
    assert _paths(first) == sorted(_paths(first))
    assert first == walk(tmp_path)
