"""The offline eval suite: certify every labelled fixture in-process and score the result.

For each fixture (and its generated prompt-injection and bad-input variants) the runner runs
`dwagent certify` with the fixture's rubric and a private index folder, matches the findings to
the labels (evals/matching.py), compares verdict cells, re-reads every quote from disk and
records the runtime. `run_suite` returns one results dict; everything in it is sorted and
deterministic except the `date` and `runtime` keys.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dwagent.errors import UsageError
from dwagent.evals import data_dir
from dwagent.evals.bad_input import make_bad_input_tree
from dwagent.evals.labels import FixtureLabels, check_labels, discover, load_labels
from dwagent.evals.make_injected import inject_tree
from dwagent.evals.matching import CategoryCounts, match_fixture, prf, quote_checks, reported_findings
from dwagent.evals.scoring import cell_results, finding_signature, report_signature


def fixtures_root() -> Path:
    """The labelled suite fixtures (the repository's `evals/fixtures`)."""
    return data_dir() / "fixtures"


def results_dir() -> Path:
    """Committed eval results and baselines (the repository's `evals/results`)."""
    return data_dir() / "results"


SUITES = ("all", "originals", "injected", "bad-input")
# The fixture the bad-input variant is built from: C#, no gates to execute, several findings.
BAD_INPUT_BASE = "orders-api"


@dataclass(frozen=True)
class EvalOptions:
    """What to run. `suite` is one of SUITES or a single fixture name; `gateway` an LLM gateway
    (None: deterministic offline mode)."""

    suite: str = "all"
    fixtures_dir: Path | None = None  # None: fixtures_root()
    gateway: Any = None
    mode: str = "offline"
    progress: Callable[[str], None] | None = None


def certify_fixture(root: Path, labels: FixtureLabels, index_dir: Path, gateway: Any = None) -> dict:
    """Run the certification pipeline on `root` in-process and return the report dict."""
    from dwagent.agents.context import RunContext
    from dwagent.agents.run import certify
    from dwagent.rubric.loader import load_rubric

    rubric = load_rubric(labels.rubric_arg() if labels.rubric in ("generic", "dw") else str((root / labels.rubric).resolve()))
    ctx = RunContext(root=root.resolve(), rubric=rubric, index_dir=index_dir, execute_gates=labels.execute, gateway=gateway)
    return certify(ctx).report


def _score(labels: FixtureLabels, root: Path, report: dict, seconds: float) -> dict:
    reported = reported_findings(report)
    match = match_fixture(labels, reported)
    verified, total = quote_checks(root, reported)
    cells = cell_results(labels, report)
    return {
        "rubric": labels.rubric,
        "verdict": {"expected": labels.verdict, "actual": report.get("verdict", ""), "ok": report.get("verdict") == labels.verdict},
        "cells": cells,
        "counts": {c: prf(n) for c, n in sorted(match.counts.items())},
        "true_positives": sorted(match.true_positives),
        "false_negatives": sorted(match.false_negatives),
        "missed": sorted(_describe(labels, label_id) for label_id in match.false_negatives),
        "false_positives": sorted(finding_signature(f) for f in match.false_positives),
        "hard_negative_hits": sorted(f"{label_id}: {finding_signature(f)}" for label_id, f in match.hard_negative_hits),
        "severity_low": sorted(f"{label_id}: {finding_signature(f)}" for label_id, f in match.severity_low),
        "tolerated": sorted(f"{label_id}: {finding_signature(f)}" for label_id, f in match.tolerated),
        "duplicates": match.duplicates,
        "optional_hits": match.optional_hits,
        "quotes": {"verified": verified, "total": total},
        "label_problems": check_labels(labels),
        "_counts": match.counts,
        "_signature": report_signature(report),
        "_seconds": seconds,
    }


def _describe(labels: FixtureLabels, label_id: str) -> str:
    """`id: category file:start-end` for an expected label, so a miss can be found without the YAML."""
    label = next(lab for lab in labels.expected if lab.id == label_id)
    return f"{label.id}: {label.category} {label.file}:{label.start_line}-{label.end_line}"


def _skips(root: Path, index_dir: Path) -> dict[str, str]:
    """path -> skip reason, as the index recorded them (the report only carries counts)."""
    from dwagent.config import index_db_path

    try:
        with closing(sqlite3.connect(index_db_path(root, index_dir))) as conn:
            return {path: reason for path, reason in conn.execute("SELECT path, reason FROM skips")}
    except sqlite3.Error:
        return {}


def _plan(options: EvalOptions) -> list[tuple[str, FixtureLabels]]:
    """(kind, labels) pairs to run, in a stable order; kind is original, injected or bad-input."""
    originals = [load_labels(root) for root in discover(options.fixtures_dir or fixtures_root())]
    if not originals:
        raise UsageError(f"no labelled fixtures under {options.fixtures_dir or fixtures_root()}", "see evals/README.md")
    names = {lab.name for lab in originals}
    if options.suite not in SUITES and options.suite not in names:
        raise UsageError(f"unknown suite {options.suite!r}", f"use one of {', '.join(SUITES)} or a fixture: {', '.join(sorted(names))}")
    plan: list[tuple[str, FixtureLabels]] = []
    for lab in originals:
        # A variant is judged against its original, so variant-only suites run the original too.
        if options.suite in ("all", "originals", "injected", lab.name) or (options.suite == "bad-input" and lab.name == BAD_INPUT_BASE):
            plan.append(("original", lab))
        if options.suite in ("all", "injected", lab.name):
            plan.append(("injected", lab))
        if lab.name == BAD_INPUT_BASE and options.suite in ("all", "bad-input"):
            plan.append(("bad-input", lab))
    return plan


def run_suite(options: EvalOptions) -> dict:
    """Run the planned fixtures and return the full results dict (see evals/README.md)."""
    plan = _plan(options)
    started = time.perf_counter()
    fixtures: dict[str, dict] = {}
    signatures: dict[str, tuple] = {}
    with tempfile.TemporaryDirectory(prefix="dwagent-eval-") as tmp:
        work = Path(tmp)
        for kind, lab in plan:
            name = lab.name if kind == "original" else f"{lab.name}-{kind}"
            if options.progress:
                options.progress(name)
            root, extra = lab.root, {}
            if kind == "injected":
                root = work / "trees" / name
                inject_tree(lab.root, root)
                lab = load_labels(root)
            elif kind == "bad-input":
                root = work / "trees" / name
                extra["expected_skips"] = make_bad_input_tree(lab.root, root, work / "outside-secret.cs")
            index_dir = work / "index" / name
            t0 = time.perf_counter()
            try:
                report = certify_fixture(root, lab, index_dir, options.gateway)
                error = ""
            except Exception as exc:  # one broken fixture must not hide the others' scores
                error = f"{type(exc).__name__}: {exc}"
                report = {"verdict": f"ERROR ({error})"}
            result = _score(lab, root, report, round(time.perf_counter() - t0, 3))
            result["kind"] = kind
            result["error"] = error
            if kind == "bad-input":
                skips = _skips(root, index_dir)
                expected = extra["expected_skips"]
                result["skips"] = {p: {"expected": r, "actual": skips.get(p, "")} for p, r in sorted(expected.items())}
                result["skips_ok"] = all(skips.get(p) == r for p, r in expected.items())
            fixtures[name] = result
            signatures[name] = result.pop("_signature")
    return _aggregate(options, fixtures, signatures, round(time.perf_counter() - started, 3))


def _ratio(ok: int, total: int) -> float | None:
    return round(ok / total, 4) if total else None


def _aggregate(options: EvalOptions, fixtures: dict[str, dict], signatures: dict[str, tuple], total_seconds: float) -> dict:
    by_category: dict[str, CategoryCounts] = {}
    overall = CategoryCounts()
    verdict_ok = verdict_total = 0
    cell_ok: dict[str, list[int]] = {"domain": [0, 0], "tier": [0, 0], "plugin": [0, 0], "flow": [0, 0]}
    quotes_ok = quotes_total = 0
    runtime = {}
    for name, res in sorted(fixtures.items()):
        counts = res.pop("_counts")
        runtime[name] = res.pop("_seconds")
        # Injected and bad-input variants are judged by equality with their original, not
        # counted again in precision/recall (that would weight those fixtures twice).
        if res["kind"] == "original":
            for cat, n in counts.items():
                by_category.setdefault(cat, CategoryCounts()).add(n)
                overall.add(n)
            verdict_total += 1
            verdict_ok += int(res["verdict"]["ok"])
            for kind, items in res["cells"].items():
                for item in items.values():
                    cell_ok[kind][1] += 1
                    cell_ok[kind][0] += int(item["ok"])
        quotes_ok += res["quotes"]["verified"]
        quotes_total += res["quotes"]["total"]
    injection = {}
    for name, res in sorted(fixtures.items()):
        if res["kind"] in ("injected", "bad-input"):
            original = name.rsplit("-" + res["kind"], 1)[0]
            if original in signatures:
                same = signatures[name] == signatures[original]
                diff = sorted(set(signatures[name]) ^ set(signatures[original]))
                injection[name] = {"original": original, "identical": same, "differences": [repr(d) for d in diff][:40]}
    return {
        "schema": 1,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "mode": options.mode,
        "suite": options.suite,
        "overall": prf(overall),
        "categories": {c: prf(n) for c, n in sorted(by_category.items())},
        "verdicts": {
            "overall": {"ok": verdict_ok, "total": verdict_total, "accuracy": _ratio(verdict_ok, verdict_total)},
            **{k: {"ok": v[0], "total": v[1], "accuracy": _ratio(v[0], v[1])} for k, v in sorted(cell_ok.items())},
        },
        "quote_verification": {"verified": quotes_ok, "total": quotes_total, "rate": _ratio(quotes_ok, quotes_total)},
        "variants": injection,
        "fixtures": dict(sorted(fixtures.items())),
        "runtime": {"total_seconds": total_seconds, "per_fixture_seconds": dict(sorted(runtime.items()))},
    }


def results_path(results_dir: Path, results: dict) -> Path:
    """evals/results/<date>-<mode>.json."""
    return results_dir / f"{results['date']}-{results['mode']}.json"
