"""Matching findings to labels: windows, severities, alternates, hard negatives, optional labels."""

from __future__ import annotations

from dwagent.evals.matching import CategoryCounts, match_fixture, prf, quote_checks, reported_findings

from .conftest import finding


def _match(tiny, findings):
    return match_fixture(tiny, reported_findings({"findings": findings}))


def test_exact_and_windowed_matches_are_true_positives(tiny) -> None:
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 2), finding("orphan-topic", "Bus.cs", 2, severity="low")])
    assert sorted(result.true_positives) == ["orphan", "sqli"]
    assert result.false_positives == [] and result.false_negatives == []


def test_wrong_category_same_line_is_false_positive_and_miss(tiny) -> None:
    result = _match(tiny, [finding("command-injection", "Repo.cs", 3)])
    assert result.false_negatives == ["orphan", "sqli"]
    assert [f.category for f in result.false_positives] == ["command-injection"]
    assert result.counts["command-injection"].fp == 1 and result.counts["sql-injection"].fn == 1


def test_far_away_line_does_not_match(tiny) -> None:
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 9)])
    assert result.false_negatives == ["orphan", "sqli"] and len(result.false_positives) == 1


def test_alternate_location_satisfies_label(tiny) -> None:
    result = _match(tiny, [finding("orphan-topic", "Topics.cs", 1, severity="low")])
    assert result.true_positives == ["orphan"]


def test_too_low_severity_does_not_satisfy_but_is_not_a_false_positive(tiny) -> None:
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 3, severity="medium")])
    assert "sqli" in result.false_negatives
    assert result.false_positives == [] and [lid for lid, _ in result.severity_low] == ["sqli"]


def test_duplicates_count_once(tiny) -> None:
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 3), finding("sql-injection", "Repo.cs", 4, rule="DWA-999")])
    assert result.counts["sql-injection"].tp == 1 and result.duplicates == 1 and result.false_positives == []


def test_hard_negative_hit_is_a_listed_false_positive(tiny) -> None:
    # line 6 is 2 lines from the expected range 3-4, so the window would reach it: the expected
    # label wins (same category); a finding on line 7+ only hits the absent label.
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 7)])
    assert [lid for lid, _ in result.hard_negative_hits] == ["safe"] and len(result.false_positives) == 1


def test_optional_label_is_neutral(tiny) -> None:
    result = _match(tiny, [finding("hardcoded-tuning", "Repo.cs", 8, severity="low")])
    assert result.optional_hits == 1 and result.false_positives == []


def test_dropped_test_scope_findings_count_but_quote_drops_do_not() -> None:
    report = {
        "findings": [],
        "dropped": [
            finding("placeholder-test", "T.cs", 3, severity="low", scope="test"),
            finding("sql-injection", "R.cs", 1, scope="production", review=[{"challenge": "quote-check", "outcome": "dropped"}]),
            finding("placeholder-test", "U.cs", 3, severity="low", scope="test", review=[{"challenge": "quote-check", "outcome": "dropped"}]),
        ],
    }
    assert [(f.file, f.origin) for f in reported_findings(report)] == [("T.cs", "dropped")]


def test_prf_edges() -> None:
    assert prf(CategoryCounts())["f1"] is None
    assert prf(CategoryCounts(fp=2))["f1"] == 0.0 and prf(CategoryCounts(fp=2))["recall"] is None
    assert prf(CategoryCounts(tp=1, fp=1, fn=0)) == {"tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0, "f1": 0.6667}


def test_quote_checks_reread_the_file(tiny) -> None:
    good = finding("sql-injection", "Repo.cs", 3, 4, root=tiny.root)
    bad = {**good, "excerpt": "something else"}
    assert quote_checks(tiny.root, reported_findings({"findings": [good, bad]})) == (1, 2)


def _tolerant(tiny, max_severity: str):
    """`tiny` whose hard negative on Repo.cs:6 accepts findings up to `max_severity`."""
    from dataclasses import replace

    safe = replace(tiny.absent[0], max_severity=max_severity)
    return replace(tiny, absent=(safe,))


def test_hard_negative_tolerates_findings_at_or_below_max_severity(tiny) -> None:
    labels = _tolerant(tiny, "low")
    result = match_fixture(labels, reported_findings({"findings": [finding("sql-injection", "Repo.cs", 7, severity="low")]}))
    assert [lid for lid, _ in result.tolerated] == ["safe"]
    assert result.false_positives == [] and result.hard_negative_hits == []
    assert result.counts["sql-injection"].fp == 0


def test_hard_negative_counts_findings_above_max_severity(tiny) -> None:
    labels = _tolerant(tiny, "low")
    result = match_fixture(labels, reported_findings({"findings": [finding("sql-injection", "Repo.cs", 7, severity="medium")]}))
    assert [lid for lid, _ in result.hard_negative_hits] == ["safe"] and result.tolerated == []
    assert result.counts["sql-injection"].fp == 1


def test_max_severity_medium_also_tolerates_low(tiny) -> None:
    labels = _tolerant(tiny, "medium")
    found = [finding("sql-injection", "Repo.cs", 7, severity="low"), finding("sql-injection", "Repo.cs", 8, severity="medium")]
    result = match_fixture(labels, reported_findings({"findings": found}))
    assert len(result.tolerated) == 2 and result.false_positives == []


def test_without_max_severity_even_a_low_finding_is_a_false_positive(tiny) -> None:
    result = _match(tiny, [finding("sql-injection", "Repo.cs", 7, severity="low")])
    assert [lid for lid, _ in result.hard_negative_hits] == ["safe"] and result.tolerated == []
