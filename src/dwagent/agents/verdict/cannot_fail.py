"""Tests that cannot fail, counted once and per test project (issue #15 item 5, issue #18).

One pool, one computation: the placeholder-test findings (no assertion, constant assertions,
assertions only on mocks the test set up) that count toward the verdict, plus those the reviewer
dropped only because they live in test code (they are test code by nature). The threshold gate
`placeholder-tests`, the report's per-project line and every writer read this one result.
A test project is the nearest `.csproj` for C# and the top package (else the first folder) for
Python, as the index's `ProjectMap` assigns them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dwagent.agents.verdict.policy import counts
from dwagent.tools.index.roles import ProjectMap

CATEGORY = "placeholder-test"


@dataclass(frozen=True)
class CannotFail:
    """The tests that cannot fail: their finding ids and their number per test project."""

    ids: tuple[str, ...] = ()
    by_project: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.ids)

    def as_dict(self) -> dict:
        return {"total": self.total, "by_project": dict(self.by_project)}


def cannot_fail_tests(findings: list[dict], dropped: list[dict], paths: list[str]) -> CannotFail:
    """The pool of cannot-fail tests among reviewed findings (see the module docstring)."""
    pool = [f for f in findings if counts(f)] + [f for f in dropped if f.get("review") and f["review"][-1]["challenge"] == "test-only"]
    hits = [f for f in pool if f["category"] == CATEGORY]
    projects = ProjectMap(paths or [f["file"] for f in hits])
    by = Counter(projects.project(f["file"]) or "(root)" for f in hits)
    return CannotFail(tuple(f["id"] for f in hits), dict(sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))))
