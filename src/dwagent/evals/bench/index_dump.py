"""Dump a fresh index of a tree as sorted text, to check that an optimisation left the index
content unchanged (every table, every column, sorted rows; `mtime_ns` and `rules_version` are
left out because they change without the content changing, and `meta.root` names the tree).

    python -m dwagent.evals.bench.index_dump TREE OUT.txt [--jobs N] [--rule-hits]

Run it before and after a change and compare the two files (`cmp`); FTS5 shadow tables are
not dumped, the FTS table's rows are, plus a few MATCH queries.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from dwagent.tools.index import build_index

SKIPPED_COLUMNS = frozenset({"mtime_ns", "rules_version"})
FTS_PROBES = ("Dispose", "async", "Handler")


def dump_index(db_path: Path | str) -> list[str]:
    """Every table of an index database as sorted lines of reprs, then the schema."""
    conn = sqlite3.connect(db_path)
    try:
        out: list[str] = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table.startswith("chunks_fts_"):
                continue  # FTS5 internals: their bytes depend on how the rows were inserted
            if table == "chunks_fts":
                cols = ["rowid", "text", "symbol"]
            else:
                cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in SKIPPED_COLUMNS]
            where = " WHERE key != 'root'" if table == "meta" else ""
            rows = sorted(repr(tuple(r)) for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table}{where}"))
            out.append(f"== {table} {cols} {len(rows)}")
            out.extend(rows)
        for term in FTS_PROBES:
            ids = sorted(r[0] for r in conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", (term,)))
            out.append(f"fts {term} {ids}")
        out.append("== schema")
        out.extend(sorted(repr(tuple(r)) for r in conn.execute("SELECT type, name, sql FROM sqlite_master")))
        return out
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dwagent.evals.bench.index_dump")
    parser.add_argument("tree", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rule-hits", action="store_true")
    args = parser.parse_args(argv)
    index_dir = Path(tempfile.mkdtemp(prefix="dwagent-index-dump-"))
    try:
        summary = build_index(args.tree, index_dir=index_dir, jobs=args.jobs, rule_hits=args.rule_hits)
        args.out.write_text("\n".join(dump_index(summary.db_path)) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(index_dir, ignore_errors=True)
    print(f"{summary.files} files, {summary.refs} refs, {summary.chunks} chunks -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
