"""The one decoder: every encoding a real tree holds decodes to the same text and line numbers,
and what is not text is said to be so (never silently dropped, never garbled into 'code')."""

from __future__ import annotations

import codecs

import pytest

from dwagent.tools.source_text import Decoded, NotText, canonical_bytes, decode_source, read_text, source_lines

TEXT = "class A\n{\n    // caf\u00e9 \u2013 Gr\u00f6\u00dfe\n    int x = 1;\n}\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: the zero-byte pattern says so
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_every_encoding_decodes_to_the_same_text(data, encoding):
    decoded = decode_source(data)
    assert isinstance(decoded, Decoded) and decoded.encoding == encoding
    assert decoded.text == TEXT
    body = decoded.data[3:] if decoded.data.startswith(codecs.BOM_UTF8) else decoded.data
    assert body == TEXT.encode("utf-8")  # the index and the rules see UTF-8


def test_utf8_bytes_are_kept_unchanged():
    data = codecs.BOM_UTF8 + b"class A {}\r\n"
    assert canonical_bytes(data) is data or canonical_bytes(data) == data


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1():
    data = "x = '\u00e9'\n".encode("latin-1") + b"# \x81\n"  # 0x81 is undefined in cp1252
    decoded = decode_source(data)
    assert isinstance(decoded, Decoded) and decoded.encoding == "latin-1"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a PE header
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 40,  # no NUL, but control bytes
    ],
)
def test_binary_is_not_text(data):
    result = decode_source(data)
    assert isinstance(result, NotText) and result.reason == "binary"


def test_broken_bom_is_undecodable_not_guessed():
    result = decode_source(codecs.BOM_UTF8 + b"ok \xff\xfe bad")
    assert isinstance(result, NotText) and result.reason == "undecodable"


def test_verifier_reads_the_lines_the_index_saw(tmp_path):
    from dwagent.tools.verify import check_quote, read_span

    path = tmp_path / "a.cs"
    path.write_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    assert read_text(path) == TEXT
    assert read_span(tmp_path, "a.cs", 4, 4) == "    int x = 1;"
    assert check_quote(tmp_path, "a.cs", 3, 4, "    // caf\u00e9 \u2013 Gr\u00f6\u00dfe\n    int x = 1;").ok


def test_index_notes_every_file_decoded_from_another_encoding(tmp_path):
    from dwagent.tools.index import build_index

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.cs").write_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    (tree / "b.cs").write_bytes(TEXT.encode("cp1252"))
    (tree / "c.cs").write_bytes(TEXT.encode("utf-8"))
    summary = build_index(tree, index_dir=tmp_path / "idx", jobs=1)
    assert summary.files == 3 and summary.notes == ("a.cs: decoded from utf-16-le", "b.cs: decoded from cp1252")


def test_source_lines_split_where_parsers_count_rows():
    text = "a\x0cb\nc\x0bd\r\ne\u2028f\n\x85g\n"
    assert source_lines(text) == ["a\x0cb", "c\x0bd", "e\u2028f", "\x85g"]
    assert source_lines("x\ny") == ["x", "y"] and source_lines("") == [] and source_lines("\n") == [""]


@pytest.mark.parametrize(
    "name, body",
    [
        ("C.cs", 'class C {\n  // page\x0cbreak\n  void M() {\n    try { System.IO.File.WriteAllText("x", "y"); } catch { }\n  }\n}\n'),
        ("m.py", "import os\n\x0c\ndef f(cmd):\n    os.system('ls ' + cmd)\n"),
    ],
)
def test_excerpts_quote_the_line_they_cite_after_a_form_feed(tmp_path, monkeypatch, name, body):
    """A form feed (common in old Python and generated C#) is not a line break for tree-sitter or an
    editor; an excerpt split with str.splitlines() would quote the line above the one cited."""
    import json
    import subprocess
    import sys

    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / name).write_bytes(body.encode("utf-8"))
    env = {**__import__("os").environ, "DWAGENT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "dwagent", "scan", str(tmp_path / "tree"), "--format", "json"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)
    assert findings, "the fixture has a finding to quote"
    disk = body.split("\n")
    for f in findings:
        first = f["excerpt"].split("\n")[0]
        assert first.strip() == disk[f["start_line"] - 1].strip(), (f["rule"], f["start_line"], first)
