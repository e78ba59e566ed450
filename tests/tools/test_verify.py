from pathlib import Path

from dwagent.tools.verify import check_quote, read_span


def test_quote_matches_ignoring_trailing_space_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "a.cs").write_bytes(b"line one  \r\nline two\r\nline three\r\n")
    assert check_quote(tmp_path, "a.cs", 1, 2, "line one\nline two").ok
    assert read_span(tmp_path, "a.cs", 3, 3) == "line three"


def test_quote_mismatch_and_range_and_escape(tmp_path: Path) -> None:
    (tmp_path / "a.cs").write_text("x = 1\ny = 2\n")
    assert check_quote(tmp_path, "a.cs", 1, 1, "x = 2").reason == "mismatch"
    assert check_quote(tmp_path, "a.cs", 2, 5, "y = 2").reason == "line-range"
    assert check_quote(tmp_path, "b.cs", 1, 1, "x").reason == "missing-file"
    assert check_quote(tmp_path, "../a.cs", 1, 1, "x").reason == "outside-root"
