"""Shared contracts: findings, evidence and verdict cells.

Every module that produces or consumes evidence speaks these types. They are pydantic models so
they validate on the way in and serialise deterministically (sorted, no wall-clock values) on the
way out.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal[
    "tls-bypass",
    "path-traversal",
    "hardcoded-secret",
    "timing-unsafe-compare",
    "secret-logging",
    "unauthenticated-endpoint",
    "missing-authorization",
    "insecure-deserialization",
    "weak-crypto",
    "sql-injection",
    "command-injection",
    "xxe",
    "unsafe-assembly-load",
    "placeholder-test",
    "not-implemented",
    "todo-marker",
    "sync-over-async",
    "empty-catch",
    "fake-async-delay",
    "stub-return",
    "dead-code",
    "unwired-component",
    "orphan-topic",
    "hardcoded-tuning",
    "unbounded-growth",
    "xss",
    "open-redirect",
    "ssrf",
    "ldap-injection",
    "xpath-injection",
    "code-injection",
    "trust-boundary",
    "insecure-cookie",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

SECURITY_CATEGORIES = frozenset(
    {
        "tls-bypass",
        "path-traversal",
        "hardcoded-secret",
        "timing-unsafe-compare",
        "secret-logging",
        "unauthenticated-endpoint",
        "missing-authorization",
        "insecure-deserialization",
        "weak-crypto",
        "sql-injection",
        "command-injection",
        "xxe",
        "unsafe-assembly-load",
        "xss",
        "open-redirect",
        "ssrf",
        "ldap-injection",
        "xpath-injection",
        "code-injection",
        "trust-boundary",
        "insecure-cookie",
    }
)

Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
Confidence = Literal["high", "medium", "low"]
Scope = Literal["production", "test", "generated"]
Status = Literal["PASS", "CONDITIONAL", "FAIL", "NOT RUN", "NOT VERIFIED", "NOT APPLICABLE"]
Verdict = Literal["CERTIFIED", "CERTIFIED WITH CONDITIONS", "NOT CERTIFIED"]
Reachability = Literal["reachable", "unreachable", "unknown"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(Frozen):
    """A span of a file (or a command's output) that a claim rests on.

    `verified` is set only by the verifier after re-reading `excerpt` from disk.
    """

    id: str
    file: str  # posix path relative to the audited root; "" for command output
    start_line: int = 0
    end_line: int = 0
    excerpt: str = ""
    # "retrieved": a passage a node found through the chunked index (agents/inputs/passages.py)
    kind: Literal["code", "doc-claim", "command-output", "config", "absence", "retrieved"] = "code"
    note: str = ""
    verified: bool = False

    @staticmethod
    def make_id(file: str, start_line: int, end_line: int, excerpt: str) -> str:
        digest = hashlib.sha1(f"{file}:{start_line}:{end_line}:{excerpt}".encode()).hexdigest()
        return "E-" + digest[:12]


class Suppression(Frozen):
    kind: Literal["inline", "baseline", "certifier-baseline"]
    justification: str = ""
    location: str = ""  # file:line of the inline comment, or the baseline path


class ReviewRecord(Frozen):
    """One challenge the hostile reviewer raised against a finding or a PASS, and its outcome."""

    challenge: str  # e.g. "quote-check", "reachability", "guard", "test-only", "duplicate", "llm"
    outcome: Literal["upheld", "downgraded", "dropped", "rejected-argument", "noted"]
    detail: str = ""
    evidence_ids: tuple[str, ...] = ()


class Finding(BaseModel):
    """One defect, backed by a verbatim excerpt of the file it names."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""  # stable: set from the fingerprint
    rule: str  # DWA-xxx
    category: Category
    cwe: tuple[int, ...] = ()
    severity: Severity
    confidence: Confidence = "high"
    file: str  # posix, relative to the audited root
    start_line: int
    end_line: int
    excerpt: str  # verbatim source lines start_line..end_line (joined by "\n")
    message: str
    scope: Scope = "production"
    fingerprint: str = ""
    suppression: Suppression | None = None
    reachability: Reachability = "unknown"
    guards: tuple[Evidence, ...] = ()
    review: tuple[ReviewRecord, ...] = ()
    evidence_ids: tuple[str, ...] = ()
    related: tuple[Evidence, ...] = ()  # other locations (e.g. the other side of an orphan topic)
    properties: dict[str, str] = Field(default_factory=dict)
    # Findings with one cause (e.g. every action behind one unauthenticated listener) share a key;
    # the report groups them into one root cause ("" = group by rule and message shape).
    root_cause: str = ""

    def sort_key(self) -> tuple[int, str, int, str, str]:
        return (SEVERITY_ORDER[self.severity], self.file, self.start_line, self.rule, self.message)


class Cell(BaseModel):
    """A verdict cell (plugin, domain, tier, flow, gate, check). No status without evidence ids,
    except NOT RUN / NOT VERIFIED, which must say why in `reason`."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    reason: str = ""
    evidence_ids: tuple[str, ...] = ()
    finding_ids: tuple[str, ...] = ()
