"""Runs the rule catalogue over an index.

Contract (callers: scan, certify):

- RULES_VERSION: str — changes whenever any rule's code or data changes (cache key).
- run_rules(store, *, rules=None, jobs=None, config=None) -> list[Finding]: per-file rules over every
  indexed file (parallel worker processes, cached in the index's file_hits table by file hash +
  RULES_VERSION) plus cross-file rules over the index tables; sorted by Finding.sort_key().
- run_rules_detailed(...) -> RulesRun: the same plus per-rule errors and cache statistics.
- scan_file(ctx, rules=None) -> list[Finding]: per-file rules on one FileContext (no index needed).

Workers parse: tree-sitter trees cannot be pickled, so each worker reads and parses its files and
hands back plain dicts. The cache always holds the findings of the *whole* per-file catalogue for a
file, so a run restricted with `rules=` is served from (and fills) the same cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from dwagent.models import Evidence, Finding
from dwagent.tools.dataflow.crossfile import upgrade_across_files
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.options import drop_subclassed, resolve_option_defaults
from dwagent.tools.rules.registry import (
    RuleMeta,
    load_rules,
    make_finding,
    renumber_occurrences,
    select_rules,
)
from dwagent.tools.rules.suppress import mark_inline
from dwagent.tools.source_text import read_canonical

_RULES_DIR = Path(__file__).resolve().parent
# the data-flow core's code and models decide rule output too: they key the cache as well
_DATAFLOW_DIR = _RULES_DIR.parent / "dataflow"
_PARALLEL_MIN_FILES = 64
_BATCH = 48


def _rules_version() -> str:
    digest = hashlib.sha1()
    for base in (_RULES_DIR, _DATAFLOW_DIR):
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".txt"):
                digest.update(path.relative_to(base.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return "r-" + digest.hexdigest()[:16]


RULES_VERSION = _rules_version()


@dataclass(frozen=True)
class RuleError:
    """A rule that raised on one file (or on the index): recorded and reported, never fatal."""

    rule: str
    path: str
    message: str


@dataclass(frozen=True)
class RulesRun:
    findings: list[Finding]
    errors: tuple[RuleError, ...] = ()
    files_scanned: int = 0
    files_cached: int = 0
    rules: tuple[str, ...] = field(default_factory=tuple)


def _file_rules(language: str, role: str, ids: set[str] | None = None):
    for rid, reg in load_rules().items():
        m = reg.meta
        if m.kind == "file" and language in m.languages and role in m.applies_to:
            if ids is None or rid in ids:
                yield reg


def scan_file_detailed(ctx: FileContext, rules: Iterable[str] | None = None) -> tuple[list[Finding], list[RuleError]]:
    """Run the per-file rules that apply to ctx's language and role; rule exceptions become errors."""
    ids = set(rules) if rules is not None else None
    findings: list[Finding] = []
    errors: list[RuleError] = []
    n_lines = max(1, len(ctx.lines))
    for reg in _file_rules(ctx.language, ctx.role, ids):
        try:
            for h in reg.fn(ctx):
                start = min(max(1, h.start_line), n_lines)
                end = min(max(start, h.end_line), n_lines)
                findings.append(
                    make_finding(
                        reg.meta,
                        ctx.path,
                        start,
                        end,
                        ctx.excerpt(start, end),
                        h.message,
                        scope=ctx.role,
                        severity=h.severity,
                        confidence=h.confidence,
                        properties=dict(h.properties),
                        related=_hop_evidence(ctx, h.hops, n_lines),
                        cwe=h.cwe,
                        root_cause=h.root_cause,
                    )
                )
        except Exception as exc:  # a broken rule must not hide the other rules' evidence
            errors.append(RuleError(reg.meta.id, ctx.path, f"{type(exc).__name__}: {exc}"))
    return mark_inline(renumber_occurrences(findings), ctx.lines), errors


def _hop_evidence(ctx: FileContext, hops, n_lines: int) -> tuple[Evidence, ...]:
    """Each hop of a data-flow path as Evidence quoting its line verbatim (source first)."""
    out = []
    for i, (ln, note) in enumerate(hops):
        ln = min(max(1, ln), n_lines)
        excerpt = ctx.excerpt(ln, ln)
        out.append(
            Evidence(
                id=Evidence.make_id(ctx.path, ln, ln, excerpt),
                file=ctx.path,
                start_line=ln,
                end_line=ln,
                excerpt=excerpt,
                kind="code",
                note=f"flow step {i + 1}: {note}",
            )
        )
    return tuple(out)


def scan_file(ctx: FileContext, rules: Iterable[str] | None = None) -> list[Finding]:
    """Findings of the per-file rules on one file, sorted by line (without the candidates that
    only a caller in another file could confirm: there is no tree here)."""
    from dwagent.tools.dataflow.crossfile import drop_pending

    return drop_pending(scan_file_detailed(ctx, rules)[0])


def _scan_batch(root: str, batch: list[tuple[str, str, str, str, str]]):
    """Worker: (path, language, role, project, index hash) -> (path, hash, hits json, errors)."""
    out = []
    for path, language, role, project, indexed_hash in batch:
        try:
            data = read_canonical(Path(root) / path)
        except OSError as exc:
            out.append((path, "", None, [("*", path, f"unreadable: {exc}")]))
            continue
        ctx = FileContext(path=path, language=language, role=role, source=data, project=project)
        found, errs = scan_file_detailed(ctx)
        current = hashlib.sha256(data).hexdigest()
        out.append((path, current if current == indexed_hash else "", hits_json(found), [(e.rule, e.path, e.message) for e in errs]))
    return out


def hits_json(findings) -> str:
    """The cached form of one file's findings (`file_hits.hits`); the index writes the same form."""
    return json.dumps([f.model_dump(mode="json") for f in findings], sort_keys=True)


def file_rule_languages() -> list[str]:
    """Languages at least one per-file rule applies to, sorted."""
    langs = {lang for reg in load_rules().values() if reg.meta.kind == "file" for lang in reg.meta.languages}
    return sorted(langs)


def run_rules_detailed(store, *, rules=None, jobs: int | None = None, config=None, progress=None) -> RulesRun:
    """Run the catalogue (or the `rules` subset: ids, globs or RuleMeta) over an index store.
    `progress(done, total)` is told after each cross-file rule (the slow part of a warm run)."""
    selected: list[RuleMeta] = _select(rules)
    ids = {m.id for m in selected}
    conn = store.conn
    root = str(store.root)
    langs = file_rule_languages()
    placeholders = ",".join("?" * len(langs)) or "''"
    rows = conn.execute(
        f"SELECT f.id, f.path, f.language, f.role, f.project, f.hash, h.rules_version, h.hits "
        f"FROM files f LEFT JOIN file_hits h ON h.file_id = f.id "
        f"WHERE f.language IN ({placeholders}) ORDER BY f.path",
        langs,
    ).fetchall()
    findings: list[Finding] = []
    errors: list[RuleError] = []
    todo = []
    cached = 0
    ids_by_path = {}
    for row in rows:
        fid, path, language, role, project, fhash, version, hits = tuple(row)
        ids_by_path[path] = fid
        if version == RULES_VERSION and hits is not None:
            cached += 1
            findings.extend(Finding.model_validate(d) for d in json.loads(hits) if d["rule"] in ids)
        else:
            todo.append((path, language, role, project, fhash))

    results = _run_batches(root, todo, jobs)
    writes = []
    for path, good_hash, hits, errs in results:
        errors.extend(RuleError(*e) for e in errs)
        if hits is None:
            continue
        findings.extend(Finding.model_validate(d) for d in json.loads(hits) if d["rule"] in ids)
        if good_hash and not errs:
            writes.append((ids_by_path[path], RULES_VERSION, hits))
    if writes:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO file_hits(file_id, rules_version, hits) VALUES (?, ?, ?)", writes)

    findings = drop_subclassed(resolve_option_defaults(findings, store), store)
    findings = upgrade_across_files(findings, store)
    registry = load_rules()
    cross_file = [meta for meta in selected if meta.kind == "index"]
    for done, meta in enumerate(cross_file, 1):
        try:
            findings.extend(registry[meta.id].fn(store, config))
        except Exception as exc:
            errors.append(RuleError(meta.id, "", f"{type(exc).__name__}: {exc}"))
        if progress is not None:
            progress(done, len(cross_file))
    findings = renumber_occurrences(findings)
    findings.sort(key=lambda f: f.sort_key())
    return RulesRun(
        findings=findings,
        errors=tuple(sorted(errors, key=lambda e: (e.path, e.rule, e.message))),
        files_scanned=len(todo),
        files_cached=cached,
        rules=tuple(sorted(ids)),
    )


def run_rules(store, *, rules=None, jobs: int | None = None, config=None) -> list[Finding]:
    """Findings of the selected rules over the indexed tree, sorted by Finding.sort_key()."""
    return run_rules_detailed(store, rules=rules, jobs=jobs, config=config).findings


def _select(rules) -> list[RuleMeta]:
    if rules is None:
        return select_rules(None)
    if isinstance(rules, str):
        rules = [r for r in rules.split(",")]
    rules = list(rules)
    if rules and isinstance(rules[0], RuleMeta):
        return rules
    return select_rules(rules)


def _run_batches(root: str, todo: list, jobs: int | None):
    if not todo:
        return []
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(todo) < _PARALLEL_MIN_FILES:
        return _scan_batch(root, todo)
    batches = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
    out = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(_scan_batch, [root] * len(batches), batches):
            out.extend(part)
    return out
