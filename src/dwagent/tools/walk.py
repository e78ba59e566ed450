"""Walk an audited tree: which files to index and, for every other path, a recorded reason.

Rules (each skip is a `Skip` value, never silently dropped):
- `.gitignore` files at any depth are honoured (gitignore semantics, the deepest decision wins),
  plus `DEFAULT_EXCLUDES` and caller-given exclude globs (gitignore syntax, relative to the root).
  An ignored or excluded directory is recorded once, as `dir/`, and not descended into.
- Symbolic links are never followed: a link whose target leaves the root is `symlink-escape`, a
  link to one of its own ancestors (or to itself) is `symlink-loop`, any other in-root link is
  `symlink-internal` (its target is indexed at its real place), a dangling link is `broken-symlink`. This makes loops
  and double counting impossible by construction.
- Files over `max_file_bytes` are `too-large`; non-regular files (FIFOs, sockets, devices) are
  `unreadable` and never opened. Content checks (`binary`, `undecodable`, `unreadable`) happen
  when the file is read, in `read_source`, so an unchanged tree can be re-walked with `stat` only.
  Decoding (BOMs, UTF-16, UTF-8, cp1252, latin-1) is tools/source_text.py, shared with the verifier.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from dwagent.errors import UsageError
from dwagent.tools.source_text import NotText, decode_source

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/",
    ".hg/",
    ".svn/",
    "bin/",
    "obj/",
    "node_modules/",
    ".venv/",
    "venv/",
    "__pycache__/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".tox/",
    ".vs/",
    ".idea/",
    ".dwagent-cache/",
    "dwagent-report/",
)
DEFAULT_MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Skip:
    """A path the index does not hold, and why (reason is a short fixed word)."""

    path: str
    reason: str  # binary | too-large | undecodable | unreadable | symlink-escape | symlink-loop |
    #              broken-symlink | symlink-internal | excluded | ignored
    detail: str = ""


@dataclass(frozen=True)
class WalkedFile:
    """A regular file to index: posix path relative to the root, size and mtime from `lstat`."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class WalkResult:
    root: Path
    files: tuple[WalkedFile, ...]
    skips: tuple[Skip, ...]


def resolve_root(root: Path | str) -> Path:
    """The real, absolute root directory, or a UsageError (exit 2) saying what is wrong."""
    path = Path(root).expanduser()
    if not path.exists():
        raise UsageError(f"path does not exist: {root}", "pass the folder of the tree to audit")
    if not path.is_dir():
        raise UsageError(f"not a directory: {root}", "pass the folder of the tree, not a file")
    return path.resolve()


class _Ignores:
    """The gitignore specs in force for one directory: (dir prefix, spec) from root to leaf."""

    def __init__(self, chain: tuple[tuple[str, pathspec.GitIgnoreSpec], ...]):
        self.chain = chain

    def with_dir(self, rel_dir: str, abs_dir: str) -> _Ignores:
        gi = os.path.join(abs_dir, ".gitignore")
        try:
            with open(gi, encoding="utf-8", errors="replace") as fh:
                spec = pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
        except OSError:
            return self
        prefix = rel_dir + "/" if rel_dir else ""
        return _Ignores(self.chain + ((prefix, spec),))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        # Deepest .gitignore with an opinion wins, like git (within one file, the last match).
        probe = rel + "/" if is_dir else rel
        for prefix, spec in reversed(self.chain):
            if prefix and not probe.startswith(prefix):
                continue
            result = spec.check_file(probe[len(prefix) :])
            if result.include is not None:
                return bool(result.include)
        return False


def walk(
    root: Path | str,
    *,
    exclude: Sequence[str] = (),
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    use_default_excludes: bool = True,
) -> WalkResult:
    """Every indexable file under `root` (sorted by path) and every skip with its reason."""
    real_root = resolve_root(root)
    patterns = list(DEFAULT_EXCLUDES if use_default_excludes else ()) + list(exclude)
    excludes = pathspec.GitIgnoreSpec.from_lines(patterns)
    files: list[WalkedFile] = []
    skips: list[Skip] = []
    root_str = str(real_root)
    stack: list[tuple[str, str, _Ignores]] = [("", root_str, _Ignores(()).with_dir("", root_str))]
    while stack:
        rel_dir, abs_dir, ignores = stack.pop()
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as exc:
            skips.append(Skip(rel_dir + "/", "unreadable", exc.strerror or type(exc).__name__))
            continue
        subdirs: list[tuple[str, str, _Ignores]] = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                skips.append(Skip(rel, "unreadable", exc.strerror or type(exc).__name__))
                continue
            is_dir = stat.S_ISDIR(st.st_mode)
            if excludes.match_file(rel + "/" if is_dir else rel):
                skips.append(Skip(rel + "/" if is_dir else rel, "excluded"))
                continue
            if ignores.ignored(rel, is_dir):
                skips.append(Skip(rel + "/" if is_dir else rel, "ignored", ".gitignore"))
                continue
            if stat.S_ISLNK(st.st_mode):
                skips.append(_symlink_skip(rel, entry.path, real_root))
            elif is_dir:
                subdirs.append((rel, entry.path, ignores.with_dir(rel, entry.path)))
            elif not stat.S_ISREG(st.st_mode):
                skips.append(Skip(rel, "unreadable", "not a regular file"))
            elif st.st_size > max_file_bytes:
                skips.append(Skip(rel, "too-large", _too_large(st.st_size, max_file_bytes)))
            else:
                files.append(WalkedFile(rel, st.st_size, st.st_mtime_ns))
        stack.extend(reversed(subdirs))
    files.sort(key=lambda f: f.path)
    skips.sort(key=lambda s: s.path)
    return WalkResult(real_root, tuple(files), tuple(skips))


def _symlink_skip(rel: str, abs_path: str, real_root: Path) -> Skip:
    try:
        target = Path(os.path.realpath(abs_path, strict=True))
    except FileNotFoundError:
        return Skip(rel, "broken-symlink", f"target {os.readlink(abs_path)!r} does not exist")
    except (OSError, RuntimeError) as exc:  # ELOOP: the link resolves through itself
        return Skip(rel, "symlink-loop", f"cannot be resolved: {getattr(exc, 'strerror', None) or type(exc).__name__}")
    if not target.is_relative_to(real_root):
        return Skip(rel, "symlink-escape", "target outside the audited root")
    link_parent = Path(os.path.realpath(os.path.dirname(abs_path)))
    if target.is_dir() and link_parent.is_relative_to(target):
        return Skip(rel, "symlink-loop", f"points to its ancestor {_rel(target, real_root)}")
    return Skip(rel, "symlink-internal", f"target indexed at {_rel(target, real_root)}")


def _rel(path: Path, root: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return "." if rel in ("", ".") else rel


@dataclass(frozen=True)
class Source:
    """A file as read for indexing: its canonical UTF-8 bytes (a UTF-8 BOM kept; callers strip
    it before parsing), the encoding they were decoded from, and size/mtime of the file on disk."""

    data: bytes
    size: int
    mtime_ns: int
    encoding: str = "utf-8"


def read_source(abs_path: str | os.PathLike[str], max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Source | tuple[str, str]:
    """Read and decode a file for indexing (tools/source_text.py), or return (reason, detail)
    when it must be skipped: `binary`, `undecodable`, `too-large`, `unreadable` (any OS error)."""
    try:
        with open(abs_path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return ("unreadable", "not a regular file")
            if st.st_size > max_file_bytes:
                return ("too-large", _too_large(st.st_size, max_file_bytes))
            data = fh.read(max_file_bytes + 1)
    except OSError as exc:
        return ("unreadable", exc.strerror or type(exc).__name__)
    if len(data) > max_file_bytes:
        return ("too-large", _too_large(len(data), max_file_bytes))
    decoded = decode_source(data)
    if isinstance(decoded, NotText):
        return (decoded.reason, decoded.detail)
    return Source(decoded.data, st.st_size, st.st_mtime_ns, decoded.encoding)


def _too_large(size: int, cap: int) -> str:
    return f"{size} bytes > size cap {cap} (raise --max-file-size / max_file_size to analyse it)"
