"""Production track record as far as a source tree can show it: history, size and tests.

Never read from the product's own documents or claims (those are hostile input): only the
repository history (if the tree is in a git repository), the index's file roles and line counts,
test declarations, and the placeholder-test findings.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from dwagent.models import Finding

TEST_ATTRIBUTES = frozenset({"Fact", "Theory", "Test", "TestMethod", "TestCase", "TestCaseSource", "DataTestMethod"})
GIT_TIMEOUT_S = 60


class TrackRecord(BaseModel):
    """What the tree shows about maturity. `git_*` fields are None when there is no history."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    git_commits: int | None = None
    git_first: str | None = None  # ISO date of the first commit touching the tree
    git_last: str | None = None
    git_span_days: int | None = None
    git_note: str = ""
    production_files: int = 0
    production_lines: int = 0
    test_files: int = 0
    test_lines: int = 0
    test_cases: int = 0
    placeholder_tests: int = 0

    @property
    def test_ratio(self) -> float:
        """Test lines per production line (0 when there is no production code)."""
        return round(self.test_lines / self.production_lines, 3) if self.production_lines else 0.0


def _git(root: Path, *args: str) -> subprocess.CompletedProcess | None:
    # The audited repository is hostile: disable hooks and fsmonitor so no configured program runs.
    cmd = ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-C", str(root), *args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _git_history(root: Path) -> tuple[list[int], str]:
    """Commit timestamps of the repository whose top level is `root`; ([], why) otherwise.

    Only a tree that is itself a repository's top level has a history of its own: a folder inside
    some other project (a vendored copy, a fixture) would otherwise inherit that project's age.
    """
    # One note for both cases, so the report does not depend on where the tree happens to sit.
    no_history = "no git history of its own (the tree is not the top level of a git repository)"
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
        return [], no_history
    done = _git(root, "log", "--format=%ct")
    if done is None or done.returncode != 0:
        return [], "git history could not be read"
    stamps = [int(line) for line in done.stdout.split() if line.strip().isdigit()]
    return stamps, "" if stamps else "git repository without commits"


def _iso(stamp: int) -> str:
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date().isoformat()


def _count_tests(conn) -> int:
    count = 0
    rows = conn.execute(
        "SELECT s.name, s.kind, s.attributes FROM symbols s JOIN files f ON f.id = s.file_id "
        "WHERE f.role = 'test' AND s.kind IN ('method', 'function')"
    )
    for name, kind, attributes in rows:
        try:
            attrs = {str(a).split("(")[0].rsplit(".", 1)[-1] for a in json.loads(attributes or "[]")}
        except ValueError:
            attrs = set()
        if attrs & TEST_ATTRIBUTES or (kind == "function" and name.startswith("test")):
            count += 1
    return count


def measure_track_record(store, findings: Sequence[Finding]) -> TrackRecord:
    """Measure the tree behind `store` (an IndexStore)."""
    sizes = {role: (files, lines or 0) for role, files, lines in store.conn.execute("SELECT role, COUNT(*), SUM(lines) FROM files GROUP BY role")}
    stamps, note = _git_history(Path(store.root))
    history: dict = {"git_note": note}
    if stamps:
        first, last = min(stamps), max(stamps)
        history = dict(
            git_commits=len(stamps),
            git_first=_iso(first),
            git_last=_iso(last),
            git_span_days=(last - first) // 86400,
            git_note="",
        )
    return TrackRecord(
        production_files=sizes.get("production", (0, 0))[0],
        production_lines=sizes.get("production", (0, 0))[1],
        test_files=sizes.get("test", (0, 0))[0],
        test_lines=sizes.get("test", (0, 0))[1],
        test_cases=_count_tests(store.conn),
        placeholder_tests=sum(1 for f in findings if f.category == "placeholder-test" and f.suppression is None),
        **history,
    )
