"""Which fixtures and variants each suite runs (no certification needed)."""

from __future__ import annotations

import pytest

from dwagent.errors import UsageError
from dwagent.evals.runner import BAD_INPUT_BASE, EvalOptions, _plan


def _kinds(suite: str) -> set[tuple[str, str]]:
    return {(kind, lab.name) for kind, lab in _plan(EvalOptions(suite=suite))}


def test_all_runs_every_fixture_with_its_injected_variant_and_one_bad_input() -> None:
    plan = _kinds("all")
    originals = {name for kind, name in plan if kind == "original"}
    assert len(originals) >= 8
    assert {name for kind, name in plan if kind == "injected"} == originals
    assert {name for kind, name in plan if kind == "bad-input"} == {BAD_INPUT_BASE}


def test_variant_suites_also_run_the_originals_they_are_compared_with() -> None:
    assert ("original", BAD_INPUT_BASE) in _kinds("bad-input")
    injected = _kinds("injected")
    assert {n for k, n in injected if k == "injected"} == {n for k, n in injected if k == "original"}


def test_single_fixture_suite() -> None:
    assert _kinds("inventory-lib") == {("original", "inventory-lib"), ("injected", "inventory-lib")}


def test_unknown_suite() -> None:
    with pytest.raises(UsageError):
        _plan(EvalOptions(suite="nope"))


def test_a_crashing_certify_is_scored_as_an_error_not_a_crash(monkeypatch) -> None:
    from dwagent.evals import runner

    def boom(*args, **kwargs):
        raise RuntimeError("pipeline exploded")

    monkeypatch.setattr(runner, "certify_fixture", boom)
    results = runner.run_suite(EvalOptions(suite="inventory-lib"))
    row = results["fixtures"]["inventory-lib"]
    assert row["error"] == "RuntimeError: pipeline exploded"
    assert row["verdict"]["ok"] is False and results["verdicts"]["overall"]["accuracy"] == 0.0
