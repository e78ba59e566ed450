"""Helpers for the competitors tests: a tiny C# tree indexed into tmp, and findings at known lines.

A uniquely named module (not conftest) so imports never collide with other test folders."""

from __future__ import annotations

from pathlib import Path

from dwagent.models import Finding
from dwagent.tools.index import build_index, open_index

WIRED_CODEC = """namespace Acme.Storage;

public class ReedSolomonCodec
{
    public byte[] Encode(byte[] data)
    {
        return data;
    }
}
"""


WRITER = """namespace Acme.Storage;

public class ChunkWriter
{
    private readonly ReedSolomonCodec _codec = new ReedSolomonCodec();
    public void Write(byte[] d) { _codec.Encode(d); }
}
"""

CODEC_TEST = """namespace Acme.Tests;

public class CodecTests
{
    [Fact]
    public void RoundTrips() { var c = new ReedSolomonCodec(); c.Encode(new byte[1]); }
}
"""

PROGRAM = """namespace Acme;

public static class Program
{
    public static void Main() { System.Console.WriteLine("start"); }
}
"""


class Tree:
    """A throwaway audited tree with its own index folder."""

    def __init__(self, base: Path) -> None:
        self.root = base / "tree"
        self.index_dir = base / "idx"
        self.root.mkdir()
        self.write("src/Program.cs", PROGRAM)

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def store(self):
        build_index(self.root, index_dir=self.index_dir, jobs=1)
        return open_index(self.root, self.index_dir)


def wired_and_tested(tree: Tree) -> None:
    """The erasure-coding fixture: implemented, used by a writer, and referenced by a test."""
    tree.write("src/Codec.cs", WIRED_CODEC)
    tree.write("src/Writer.cs", WRITER)
    tree.write("tests/CodecTests.cs", CODEC_TEST)


def finding(category: str, file: str, line: int, *, severity: str = "high", fid: str = "") -> Finding:
    """A minimal Finding at file:line (the excerpt is not re-verified by the profile)."""
    return Finding(
        id=fid or f"F-{category}-{line}",
        rule="DWA-TEST",
        category=category,
        severity=severity,
        file=file,
        start_line=line,
        end_line=line,
        excerpt="x",
        message=category,
    )
