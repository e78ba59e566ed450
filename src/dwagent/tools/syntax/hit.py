"""What a per-file rule reports (the engine turns it into a Finding)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """What a per-file rule reports: a 1-based line span plus its message and optional overrides.

    The engine turns a Hit into a Finding (excerpt read from the same source, fingerprint, scope).
    """

    start_line: int
    end_line: int
    message: str
    severity: str | None = None
    confidence: str | None = None
    properties: tuple[tuple[str, str], ...] = ()
    # a data-flow path, source first: (1-based line, note); the engine turns each hop into a
    # related Evidence with the verbatim line so the verifier re-reads every step
    hops: tuple[tuple[int, str], ...] = ()
    # per-hit overrides of the rule's CWE list and of the grouping key (one root cause per key)
    cwe: tuple[int, ...] = ()
    root_cause: str = ""
