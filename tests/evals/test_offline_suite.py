"""The offline eval suite against evals/thresholds.yaml: this is the test that fails when the
auditor gets worse.

The suite runs once per test session (about 40 s on 2 cores); each test checks one threshold so
a failure says which bar is missed and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dwagent.evals.gate import check_thresholds, load_thresholds, regressions
from dwagent.evals.runner import EvalOptions, run_suite

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results() -> dict:
    return run_suite(EvalOptions(suite="all"))


@pytest.fixture(scope="module")
def bars() -> dict:
    return load_thresholds()


def _misses(results: dict, bars: dict, *keys: str) -> list[str]:
    return check_thresholds(results, {k: bars[k] for k in keys if k in bars})


def test_every_fixture_and_variant_ran(results) -> None:
    kinds = {row["kind"] for row in results["fixtures"].values()}
    assert kinds == {"original", "injected", "bad-input"}
    assert results["verdicts"]["overall"]["total"] >= 8


def test_verdicts(results, bars) -> None:
    wrong = {n: r["verdict"] for n, r in results["fixtures"].items() if not r["verdict"]["ok"]}
    assert _misses(results, bars, "verdict_accuracy_min") == [], wrong


def test_domain_tier_plugin_flow_cells(results, bars) -> None:
    wrong = {
        n: {k: {c: v for c, v in cells.items() if not v["ok"]} for k, cells in r["cells"].items()}
        for n, r in results["fixtures"].items()
        if r["kind"] == "original" and any(not v["ok"] for cells in r["cells"].values() for v in cells.values())
    }
    assert _misses(results, bars, "domain_accuracy_min", "tier_accuracy_min", "plugin_accuracy_min", "flow_accuracy_min") == [], wrong


def test_overall_micro_f1(results, bars) -> None:
    missed = {n: r["false_negatives"] for n, r in results["fixtures"].items() if r["kind"] == "original" and r["false_negatives"]}
    assert _misses(results, bars, "overall_micro_f1_min") == [], missed


def test_no_category_below_bar(results, bars) -> None:
    assert _misses(results, bars, "category_f1_min") == []


def test_hard_negatives_not_reported(results) -> None:
    hits = {n: r["hard_negative_hits"] for n, r in results["fixtures"].items() if r["kind"] == "original" and r["hard_negative_hits"]}
    assert hits == {}


def test_every_quote_verifies(results, bars) -> None:
    assert _misses(results, bars, "quote_verification_min") == []


def test_injection_and_bad_input_variants_identical(results, bars) -> None:
    assert _misses(results, bars, "variants_identical") == []


def test_bad_input_files_are_skipped_with_reasons(results, bars) -> None:
    assert _misses(results, bars, "bad_input_skips_recorded") == []


def test_runtime(results, bars) -> None:
    assert _misses(results, bars, "max_total_seconds") == []


def test_results_are_deterministic_apart_from_date_and_runtime(results) -> None:
    again = run_suite(EvalOptions(suite="inventory-lib"))
    mine = results["fixtures"]["inventory-lib"]
    theirs = again["fixtures"]["inventory-lib"]
    assert mine == theirs


def test_no_regression_against_baseline(results) -> None:
    baseline_path = Path(__file__).resolve().parents[2] / "evals" / "results" / "baseline-offline.json"
    baseline = json.loads(baseline_path.read_text())
    assert regressions(results, baseline) == []
