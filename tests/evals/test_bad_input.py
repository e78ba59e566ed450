"""The bad-input variant's hostile files (the suite checks that certify skips each of them)."""

from __future__ import annotations

from dwagent.evals.bad_input import EXPECTED_SKIPS, make_bad_input_tree
from dwagent.evals.runner import fixtures_root
from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES, walk


def test_hostile_files_are_created_beside_an_untouched_copy(tmp_path) -> None:
    source = fixtures_root() / "orders-api"
    target = tmp_path / "tree"
    expected = make_bad_input_tree(source, target, tmp_path / "outside.cs")
    assert expected == EXPECTED_SKIPS
    bad = target / "bad-input"
    assert (bad / "escape.cs").is_symlink() and not (bad / "escape.cs").resolve().is_relative_to(target.resolve())
    assert b"\x00" in (bad / "Logo.cs").read_bytes()
    assert (bad / "Huge.cs").stat().st_size > DEFAULT_MAX_FILE_BYTES
    data = (bad / "BrokenBom.cs").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    try:
        data[3:].decode("utf-8")
        raise AssertionError("BrokenBom.cs must not be valid UTF-8 after its BOM")
    except UnicodeDecodeError:
        pass
    for src in sorted(p for p in source.rglob("*") if p.is_file()):
        assert (target / src.relative_to(source)).read_bytes() == src.read_bytes()


def test_walker_records_the_size_and_symlink_skips(tmp_path) -> None:
    target = tmp_path / "tree"
    make_bad_input_tree(fixtures_root() / "orders-api", target, tmp_path / "outside.cs")
    skips = {s.path: s.reason for s in walk(target).skips}
    assert skips.get("bad-input/escape.cs") == "symlink-escape"
    assert skips.get("bad-input/Huge.cs") == "too-large"
