"""Source lines of indexed files, rebuilt from the index's chunks (no re-read of the tree).

Chunks cover every non-blank line of a file exactly once and hold the lines verbatim, so a
file's text can be reassembled from its chunks; lines no chunk covers are blank. Reading from the
index keeps the graph consistent with the snapshot it was built from.
"""

from __future__ import annotations

import sqlite3


class SourceLines:
    """Lazily loaded, cached line maps per file path."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._ids: dict[str, int] | None = None
        self._cache: dict[str, dict[int, str]] = {}

    def _file_id(self, path: str) -> int | None:
        if self._ids is None:
            self._ids = {row[1]: row[0] for row in self._conn.execute("SELECT id, path FROM files")}
        return self._ids.get(path)

    def lines(self, path: str) -> dict[int, str]:
        """line number → text for `path` (missing numbers are blank lines)."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        out: dict[int, str] = {}
        fid = self._file_id(path)
        if fid is not None:
            for start, text in self._conn.execute("SELECT start_line, text FROM chunks WHERE file_id = ? ORDER BY start_line", (fid,)):
                for offset, line in enumerate(text.split("\n")):
                    out[start + offset] = line
        self._cache[path] = out
        return out

    def scopes_calling(self, names: tuple[str, ...]) -> set[str]:
        """Scope qualnames of production code that invokes any of `names` (a cheap pre-filter for
        checks that would otherwise read every member's body)."""
        marks = ",".join("?" * len(names))
        rows = self._conn.execute(
            f"SELECT DISTINCT r.scope FROM refs r JOIN files f ON f.id = r.file_id WHERE r.kind = 'invoke' "
            f"AND r.name IN ({marks}) AND f.role = 'production'",
            names,
        )
        return {row[0] for row in rows}

    def name_uses(self, name: str) -> list[tuple[str, int]]:
        """(path, line) of every production identifier or string-literal use of `name`."""
        rows = self._conn.execute(
            "SELECT f.path, r.line FROM refs r JOIN files f ON f.id = r.file_id WHERE r.kind IN ('ident', 'string') "
            "AND r.name = ? AND f.role = 'production'",
            (name,),
        )
        return [(path, line) for path, line in rows]

    def line(self, path: str, number: int) -> str:
        """One line's text ('' when blank or out of range)."""
        return self.lines(path).get(number, "")

    def excerpt(self, path: str, start: int, end: int) -> str:
        """Verbatim lines start..end joined by '\\n'."""
        lines = self.lines(path)
        return "\n".join(lines.get(n, "") for n in range(start, end + 1))

    def span(self, path: str, start: int, end: int) -> list[tuple[int, str]]:
        """(line, text) pairs for start..end."""
        lines = self.lines(path)
        return [(n, lines.get(n, "")) for n in range(start, end + 1)]
