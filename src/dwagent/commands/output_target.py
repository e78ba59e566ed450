"""Where a command may write its reports: checked before any work starts, so a run of minutes
never ends in "cannot write", and a report can never land inside the tree it audits (the next run
would audit its own reports)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dwagent.errors import UsageError


def check_outside_tree(target: Path, root: Path, what: str = "--out") -> Path:
    """The resolved `target`, or a UsageError when it lies inside the audited `root`."""
    real = Path(os.path.realpath(target.expanduser()))
    if real == root or real.is_relative_to(root):
        raise UsageError(
            f"{what} {target} is inside the audited tree {root}",
            f"write {what} outside the tree (e.g. {root.parent / (root.name + '-dwagent-report')})",
        )
    return real


def default_out_inside(out: Path, root: Path) -> tuple[str, ...]:
    """The exclude glob that keeps the default report folder out of the audit when it lies
    inside the tree (anchored gitignore pattern), else ()."""
    real = Path(os.path.realpath(out.expanduser()))
    if real == root or not real.is_relative_to(root):
        return ()
    return ("/" + real.relative_to(root).as_posix() + "/",)


def prepare_out_dir(out: Path, root: Path, allow_inside: bool = False) -> Path:
    """Create the report folder and prove it is writable; UsageError (exit 2) otherwise.
    `allow_inside`: the folder may lie inside the tree because the caller excludes it."""
    real = Path(os.path.realpath(out.expanduser())) if allow_inside else check_outside_tree(out, root)
    try:
        real.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=real, prefix=".dwagent-write-test-"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write reports to {out}: {exc.strerror or exc}", "pass --out to a folder you can write") from exc
    return real


def prepare_out_file(out: Path, root: Path) -> Path:
    """The parent folder of a single output file, created and writable; UsageError otherwise."""
    real = check_outside_tree(out, root)
    prepare_dir = real.parent
    try:
        prepare_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=prepare_dir, prefix=".dwagent-write-test-"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}", "pass --out to a writable path") from exc
    return real
