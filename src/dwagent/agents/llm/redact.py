"""Redact secrets before any text leaves the machine.

Two sources: the secrets the rules already found (findings of category hardcoded-secret and
secret-logging carry them in their excerpts) and generic patterns for credentials whose shape is
unmistakable (private keys, cloud keys, bearer tokens, connection-string passwords, JWTs). A
redacted value becomes `[REDACTED:<kind>:<short hash>]`, stable across runs so the response
cache still hits, and never reversible.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

from dwagent.models import Finding

SECRET_CATEGORIES = frozenset({"hardcoded-secret", "secret-logging"})

# Generic shapes. Each pattern's group "secret" (or the whole match) is replaced.
GENERIC_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private-key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)")),
    ("aws-key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github-token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b")),
    ("api-key", re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}")),
    ("slack-token", re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")),
    ("bearer", re.compile(r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9_\-\.=+/]{16,})")),
    (
        "conn-password",
        re.compile(r"(?i)\b(?:password|pwd|passwd)\s*=\s*(?P<secret>[^;\"'\s]{4,})"),
    ),
    (
        "assigned-secret",
        re.compile(
            r"(?i)\b[\w.]*(?:password|passwd|secret|api_?key|access_?key|token|credential)s?[\w.]*\s*"
            r"(?:=|:|=>)\s*[@$]?(?P<q>[\"'])(?P<secret>[^\"'\r\n]{6,})(?P=q)"
        ),
    ),
)
# A secret literal inside a finding's excerpt: the longest quoted string on the line.
_QUOTED = re.compile(r"[@$]?\"((?:[^\"\\]|\\.){4,})\"|'((?:[^'\\]|\\.){4,})'")


def _marker(kind: str, value: str) -> str:
    return f"[REDACTED:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:8]}]"


@dataclass
class Redactor:
    """Knows the literal secrets of this run and the generic shapes; counts what it removed."""

    known: set[str] = field(default_factory=set)
    redactions: int = 0

    def add_secret(self, value: str) -> None:
        value = value.strip()
        if len(value) >= 4:
            self.known.add(value)

    def add_findings(self, findings: Iterable[Finding]) -> int:
        """Register the quoted literals of secret findings; returns how many were new."""
        before = len(self.known)
        for finding in findings:
            if finding.category not in SECRET_CATEGORIES:
                continue
            for secret in finding.properties.get("secret", "").split("\n"):
                self.add_secret(secret)
            for match in _QUOTED.finditer(finding.excerpt):
                self.add_secret(match.group(1) or match.group(2) or "")
        return len(self.known) - before

    def redact(self, text: str) -> str:
        """`text` with every known secret and generic credential shape replaced."""
        # Longest first so a secret that contains another is replaced whole.
        for secret in sorted(self.known, key=lambda s: (-len(s), s)):
            if secret in text:
                self.redactions += text.count(secret)
                text = text.replace(secret, _marker("finding", secret))
        for kind, pattern in GENERIC_PATTERNS:
            text = pattern.sub(lambda m, kind=kind: self._replace(kind, m), text)
        return text

    def _replace(self, kind: str, match: re.Match[str]) -> str:
        groups = match.groupdict()
        value = groups.get("secret")
        if value is None:
            self.redactions += 1
            return _marker(kind, match.group(0))
        if value.startswith("[REDACTED:"):
            return match.group(0)
        self.redactions += 1
        start, end = match.span("secret")
        offset = match.start()
        whole = match.group(0)
        return whole[: start - offset] + _marker(kind, value) + whole[end - offset :]
