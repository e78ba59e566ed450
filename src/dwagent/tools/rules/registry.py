"""The rule registry: metadata, registration decorators and the one way to build a Finding.

A rule is a small registered function with an id, a category, a severity and a docstring that is
its documentation page (bandit's model). Two kinds exist:

- per-file rules, `@file_rule(...)`, called as `fn(ctx: FileContext) -> Iterable[Hit]` in worker
  processes over every indexed file whose language and role the rule declares;
- cross-file rules, `@index_rule(...)`, called as `fn(store, config) -> Iterable[Finding]` once over
  the index tables (the graph checks, DWA-3xx, register this way).

Id ranges: DWA-1xx C# security, DWA-2xx C# readiness/quality, DWA-3xx graph (cross-file),
DWA-4xx Python.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal

from dwagent.models import CATEGORIES, SECURITY_CATEGORIES, Evidence, Finding
from dwagent.tools.rules.remedies import rule_remedy
from dwagent.tools.source_text import source_lines
from dwagent.tools.syntax.hit import Hit  # noqa: F401  (rules import it from here)

RuleKind = Literal["file", "index"]

ROLES: tuple[str, ...] = ("production", "test", "generated")

# SARIF `security-severity` (GitHub maps >= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low).
SECURITY_SEVERITY: dict[str, float] = {"critical": 9.5, "high": 8.0, "medium": 5.5, "low": 3.0}

# Modules that hold rules; imported (in this order) the first time the catalogue is asked for.
RULE_MODULES: tuple[str, ...] = (
    "dwagent.tools.rules.csharp.tls",
    "dwagent.tools.rules.csharp.secrets",
    "dwagent.tools.rules.csharp.secret_logging",
    "dwagent.tools.rules.csharp.secret_exposure",
    "dwagent.tools.rules.csharp.path_traversal",
    "dwagent.tools.rules.csharp.crypto",
    "dwagent.tools.rules.csharp.injection",
    "dwagent.tools.rules.csharp.web_injection",
    "dwagent.tools.rules.csharp.credentials",
    "dwagent.tools.rules.csharp.deserialization",
    "dwagent.tools.rules.csharp.xxe",
    "dwagent.tools.rules.csharp.assembly_load",
    "dwagent.tools.rules.csharp.endpoints",
    "dwagent.tools.rules.csharp.minimal_api",
    "dwagent.tools.rules.csharp.randomness",
    "dwagent.tools.rules.csharp.readiness",
    "dwagent.tools.rules.csharp.placeholder_tests",
    "dwagent.tools.rules.csharp.async_misuse",
    "dwagent.tools.rules.csharp.empty_catch",
    "dwagent.tools.rules.csharp.tuning",
    "dwagent.tools.rules.csharp.tuning_literals",
    "dwagent.tools.rules.csharp.stubs",
    "dwagent.tools.rules.csharp.growth",
    "dwagent.tools.rules.python.security",
    "dwagent.tools.rules.python.readiness",
    "dwagent.tools.rules.python.secrets",
    "dwagent.tools.rules.python.secret_exposure",
    "dwagent.tools.rules.python.runtime",
    "dwagent.tools.rules.python.web",
    "dwagent.tools.rules.python.injection_sinks",
    "dwagent.tools.rules.python.credentials",
    "dwagent.tools.rules.python.archives",
    "dwagent.tools.rules.python.xml_entities",
    "dwagent.tools.rules.python.tokens",
    "dwagent.tools.rules.python.async_misuse",
    "dwagent.tools.rules.python.parse_errors",
    "dwagent.tools.rules.python.empty_except",
    "dwagent.tools.rules.python.tuning",
    "dwagent.tools.rules.python.stubs",
    "dwagent.tools.graph.checks",
    "dwagent.tools.graph.boundary_rules",
    "dwagent.tools.graph.mechanism_checks",
)

_RULE_ID = re.compile(r"^DWA-\d{3}$")
_FIXTURE_EXT = {"csharp": "cs", "python": "py"}


@dataclass(frozen=True)
class RuleMeta:
    """Everything a report, the SARIF writer and the docs need to know about one rule."""

    id: str
    title: str
    category: str
    severity: str
    confidence: str
    cwe: tuple[int, ...]
    languages: tuple[str, ...]
    applies_to: tuple[str, ...]
    domains: tuple[str, ...]
    security: bool
    security_severity: float | None
    doc: str
    fixture: str
    kind: RuleKind
    why: str = ""  # why a finding of this rule blocks a release (tools/rules/remedies.py)
    fix: str = ""  # the fix a release manager is told

    @property
    def name(self) -> str:
        """A SARIF-friendly PascalCase name derived from the title."""
        return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", self.title))


@dataclass(frozen=True)
class RegisteredRule:
    meta: RuleMeta
    fn: Callable = field(repr=False)


_REGISTRY: dict[str, RegisteredRule] = {}
_loaded = False


def _register(kind: RuleKind, fn: Callable, **kw) -> Callable:
    rule_id = kw["id"]
    if not _RULE_ID.match(rule_id):
        raise ValueError(f"bad rule id {rule_id!r}: expected DWA-NNN")
    category = kw["category"]
    if category not in CATEGORIES:
        raise ValueError(f"{rule_id}: unknown category {category!r}")
    severity = kw.get("severity", "medium")
    if severity not in SECURITY_SEVERITY:
        raise ValueError(f"{rule_id}: bad severity {severity!r}")
    languages = tuple(kw.get("languages", ("csharp",)))
    applies_to = tuple(kw.get("applies_to", ("production",)))
    if not set(applies_to) <= set(ROLES):
        raise ValueError(f"{rule_id}: bad roles {applies_to!r}")
    security = category in SECURITY_CATEGORIES
    fixture = kw.get("fixture") or (f"evals/fixtures/rules/{rule_id}.{_FIXTURE_EXT.get(languages[0], 'txt')}" if languages else "")
    meta = RuleMeta(
        id=rule_id,
        title=kw["title"],
        category=category,
        severity=severity,
        confidence=kw.get("confidence", "high"),
        cwe=tuple(kw.get("cwe", ())),
        languages=languages,
        applies_to=applies_to,
        domains=tuple(kw.get("domains", ("security",) if security else ("readiness",))),
        security=security,
        security_severity=kw.get("security_severity", SECURITY_SEVERITY[severity]) if security else None,
        doc=_clean_doc(fn.__doc__),
        fixture=fixture,
        kind=kind,
        why=kw.get("why") or rule_remedy(rule_id)[0],
        fix=kw.get("fix") or rule_remedy(rule_id)[1],
    )
    existing = _REGISTRY.get(rule_id)
    if existing is not None and existing.fn.__qualname__ != fn.__qualname__:
        raise ValueError(f"duplicate rule id {rule_id}")
    _REGISTRY[rule_id] = RegisteredRule(meta, fn)
    return fn


def file_rule(**kw) -> Callable[[Callable], Callable]:
    """Register `fn(ctx: FileContext) -> Iterable[Hit]` as a per-file rule.

    Keywords: id, title, category, severity, confidence, cwe, languages, applies_to, domains,
    security_severity, fixture, why, fix (else the rule's entry in tools/rules/remedies.py).
    """
    return lambda fn: _register("file", fn, **kw)


def index_rule(**kw) -> Callable[[Callable], Callable]:
    """Register `fn(store, config) -> Iterable[Finding]` as a cross-file rule (same keywords)."""
    return lambda fn: _register("index", fn, **kw)


def _clean_doc(doc: str | None) -> str:
    import inspect

    return inspect.cleandoc(doc) if doc else ""


def load_rules() -> dict[str, RegisteredRule]:
    """Import every rule module once; return the registry keyed by rule id."""
    global _loaded
    if not _loaded:
        for name in RULE_MODULES:
            importlib.import_module(name)  # a missing module is an error, never a silently smaller catalogue
        _loaded = True
    return dict(sorted(_REGISTRY.items()))


def all_rules() -> list[RuleMeta]:
    """The whole catalogue, sorted by id."""
    return [r.meta for r in load_rules().values()]


def get_rule(rule_id: str) -> RegisteredRule:
    """One registered rule by id (KeyError if unknown)."""
    return load_rules()[rule_id]


def select_rules(patterns: Iterable[str] | None) -> list[RuleMeta]:
    """Rules matching any of `patterns` (exact ids or globs like `DWA-2*`); all when None/empty."""
    import fnmatch

    rules = all_rules()
    pats = [p.strip().upper() for p in (patterns or ()) if p.strip()]
    if not pats:
        return rules
    return [r for r in rules if any(fnmatch.fnmatchcase(r.id, p) for p in pats)]


def normalise_excerpt(excerpt: str) -> str:
    """Whitespace-insensitive form of an excerpt: indentation and spacing edits keep a fingerprint."""
    return "\n".join(" ".join(line.split()) for line in source_lines(excerpt) if line.strip())


def fingerprint(rule_id: str, path: str, excerpt: str, occurrence: int = 0) -> str:
    """sha1 of rule id + path + normalised excerpt + occurrence index among identical excerpts.

    The line number is deliberately absent so the fingerprint survives unrelated edits above it.
    """
    key = "\0".join((rule_id, path, normalise_excerpt(excerpt), str(occurrence)))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def make_finding(
    meta: RuleMeta,
    path: str,
    start_line: int,
    end_line: int,
    excerpt: str,
    message: str,
    *,
    scope: str,
    confidence: str | None = None,
    severity: str | None = None,
    properties: dict[str, str] | None = None,
    related: Iterable[Evidence] = (),
    occurrence: int = 0,
    cwe: tuple[int, ...] = (),
    root_cause: str = "",
) -> Finding:
    """Build a Finding for `meta` with its fingerprint and id set.

    `occurrence` distinguishes identical excerpts of the same rule in one file; the engine
    renumbers these after collecting a file's findings (see `renumber_occurrences`).
    """
    fp = fingerprint(meta.id, path, excerpt, occurrence)
    return Finding(
        id="F-" + fp[:12],
        rule=meta.id,
        category=meta.category,
        cwe=cwe or meta.cwe,
        severity=severity or meta.severity,
        confidence=confidence or meta.confidence,
        file=path,
        start_line=start_line,
        end_line=end_line,
        excerpt=excerpt,
        message=message,
        scope=scope,
        fingerprint=fp,
        related=tuple(related),
        properties=dict(sorted((properties or {}).items())),
        root_cause=root_cause,
    )


def renumber_occurrences(findings: Iterable[Finding]) -> list[Finding]:
    """Give identical (rule, file, normalised excerpt) findings occurrence 0, 1, 2... by line."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.file, f.start_line, f.end_line, f.rule, f.message)):
        key = (f.rule, f.file, normalise_excerpt(f.excerpt))
        occ = seen.get(key, 0)
        seen[key] = occ + 1
        fp = fingerprint(f.rule, f.file, f.excerpt, occ)
        out.append(f if fp == f.fingerprint else f.model_copy(update={"fingerprint": fp, "id": "F-" + fp[:12]}))
    return out
