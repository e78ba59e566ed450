"""`build_index`: walk, decide what changed, parse in parallel, stream rows into SQLite.

Incremental rules: a file whose size and mtime match its row is reused without being read; a
file whose stat changed is re-read and hashed, and only re-parsed when its sha256 differs; a
file that disappeared (or is now skipped) loses all its rows. File ids are kept across runs and
new files get ids in path order, so a cold build of the same tree writes the same rows.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dwagent.config import index_db_path
from dwagent.tools.index.parallel import ordered_map
from dwagent.tools.index.roles import ProjectMap
from dwagent.tools.index.store import connect
from dwagent.tools.index.worker import Job, index_file
from dwagent.tools.index.writer import IndexWriter, clear_rows
from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES, walk

# Below this many files to parse, a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 48


@dataclass(frozen=True)
class IndexSummary:
    """What one `build_index` run did and what the index now holds (totals over the whole tree)."""

    root: str
    db_path: str
    files_by_language: dict[str, int]
    lines_by_language: dict[str, int]
    files: int
    lines: int
    symbols: int
    refs: int
    constants: int
    chunks: int
    skips_by_reason: dict[str, int]
    parsed: int  # files read and extracted this run
    reused: int  # files whose rows were kept (unchanged stat or unchanged hash)
    removed: int  # files whose rows were deleted (gone, or now skipped)
    parse_errors: int  # files holding ERROR/MISSING nodes
    elapsed_s: float
    jobs: int
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        """A JSON-ready dict (keys sorted by the caller's serializer)."""
        return {k: getattr(self, k) if not isinstance(getattr(self, k), tuple) else list(getattr(self, k)) for k in self.__dataclass_fields__}


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_index(
    root: Path,
    *,
    index_dir: Path | None = None,
    exclude: Sequence[str] = (),
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    jobs: int | None = None,
    progress: bool | Callable[[int, int], None] = False,
    rule_hits: bool = False,
) -> IndexSummary:
    """Index `root` (incrementally) into its database; never writes inside `root`.

    With `rule_hits`, the workers also run the per-file rule catalogue on each file they parse
    and its results fill the rules engine's cache (certify: one parse per file instead of two).

    Raises DwagentError for a missing or non-directory root.
    """
    started = time.perf_counter()
    walked = walk(root, exclude=exclude, max_file_bytes=max_file_bytes)
    real_root = walked.root
    db_path = index_db_path(real_root, index_dir)
    if Path(os.path.realpath(db_path)).is_relative_to(real_root):
        from dwagent.errors import UsageError

        raise UsageError(
            f"the index would be written inside the audited tree: {db_path}", "choose an --index-dir outside the tree (or leave it unset)"
        )
    jobs = jobs or default_jobs()
    conn = connect(db_path, create=True)
    conn.isolation_level = None  # transactions are managed explicitly by the writer
    try:
        if _interrupted_cold_build(conn) or _other_root(conn, real_root):
            clear_rows(conn)
        existing = {row[1]: (row[0], row[2], row[3], row[4]) for row in conn.execute("SELECT id, path, hash, size, mtime_ns FROM files")}
        writer = IndexWriter(conn, cold=not existing)
        projects = ProjectMap(f.path for f in walked.files)
        next_id = max((v[0] for v in existing.values()), default=0) + 1
        todo: list[Job] = []
        reused = 0
        for f in walked.files:
            old = existing.get(f.path)
            if old is not None and old[2] == f.size and old[3] == f.mtime_ns:
                reused += 1
                continue
            if old is not None:
                file_id, old_hash = old[0], old[1]
            else:
                file_id, old_hash = next_id, ""
                next_id += 1
            module = projects.module(f.path) if f.path.endswith((".py", ".pyi")) else ""
            todo.append((file_id, f.path, os.path.join(real_root, f.path), projects.project(f.path), module, old_hash, max_file_bytes, rule_hits))
        walked_paths = {f.path for f in walked.files}
        removed = 0
        for path, (file_id, *_rest) in sorted(existing.items()):
            if path not in walked_paths:
                writer.delete_file(file_id)
                removed += 1
        skips = [(s.path, s.reason, s.detail) for s in walked.skips]
        notes: list[str] = []
        parsed = 0
        for result in _run(todo, jobs, progress):
            tag = result[0]
            if tag == "skip":
                _, path, reason, detail = result
                skips.append((path, reason, detail))
                if path in existing:
                    writer.delete_file(existing[path][0])
                    removed += 1
            elif tag == "same":
                _, file_id, _path, size, mtime_ns = result
                writer.touch(file_id, size, mtime_ns)
                reused += 1
            else:
                row, symbols, refs, constants, chunks, note = result[1:7]
                writer.put_file(row, symbols, refs, constants, chunks, replace=row[1] in existing, hits=result[7] if len(result) > 7 else None)
                parsed += 1
                if note:
                    notes.append(f"{row[1]}: {note}")
        writer.replace_skips(sorted(skips))
        writer.set_meta({"root": str(real_root)})
        writer.finish()
        return _summarise(conn, real_root, db_path, skips, parsed, reused, removed, time.perf_counter() - started, jobs, notes)
    finally:
        conn.close()


def _interrupted_cold_build(conn) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'build_state'").fetchone()
    return row is not None and row[0] == "cold-in-progress"


def _other_root(conn, real_root: Path) -> bool:
    # An --index-dir reused for another tree: its rows describe other files, even where the
    # relative paths, sizes and mtimes happen to coincide.
    row = conn.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()
    return row is not None and row[0] != str(real_root)


def _run(todo: list[Job], jobs: int, progress) -> Iterator[tuple]:
    """Results in job order (deterministic ids); a pool only when it pays off. `progress` is a
    (done, total) callback, True for the built-in bar, or falsy."""
    report = _progress_callback(progress, len(todo)) if progress and todo else None
    if jobs <= 1 or len(todo) < MIN_FILES_FOR_POOL:
        results: Iterator[tuple] = map(index_file, todo)
    else:
        results = ordered_map(index_file, todo, jobs)
    done = 0
    for result in results:
        done += 1
        if report is not None:
            report(done, len(todo))
        yield result


def _progress_callback(progress, total: int):
    if callable(progress):
        return progress
    from rich.console import Console

    from dwagent.progress import RunDisplay

    return RunDisplay(Console(stderr=True), True).counter("indexing")


def _summarise(
    conn, root: Path, db_path: Path, skips: list, parsed: int, reused: int, removed: int, elapsed: float, jobs: int, notes: list[str]
) -> IndexSummary:
    by_lang = {
        r[0]: (r[1], r[2]) for r in conn.execute("SELECT language, COUNT(*), COALESCE(SUM(lines), 0) FROM files GROUP BY language ORDER BY language")
    }

    def count(table: str) -> int:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    errors = int(conn.execute("SELECT COUNT(*) FROM files WHERE parse_errors > 0").fetchone()[0])
    return IndexSummary(
        root=str(root),
        db_path=str(db_path),
        files_by_language={k: v[0] for k, v in by_lang.items()},
        lines_by_language={k: v[1] for k, v in by_lang.items()},
        files=sum(v[0] for v in by_lang.values()),
        lines=sum(v[1] for v in by_lang.values()),
        symbols=count("symbols"),
        refs=count("refs"),
        constants=count("constants"),
        chunks=count("chunks"),
        skips_by_reason=dict(sorted(Counter(s[1] for s in skips).items())),
        parsed=parsed,
        reused=reused,
        removed=removed,
        parse_errors=errors,
        elapsed_s=round(elapsed, 3),
        jobs=jobs,
        notes=tuple(sorted(notes)),
    )
