"""Every per-file rule against its labelled fixture: must-fire lines fire, nothing else does."""

from __future__ import annotations

import pytest

from dwagent.evals.rule_fixtures import fixture_severities, fixtures_dir, parse_labels, parse_severities, score_rule
from dwagent.tools.rules.registry import all_rules

FILE_RULES = [m for m in all_rules() if m.kind == "file"]


@pytest.mark.parametrize("meta", FILE_RULES, ids=lambda m: m.id)
def test_fixture_labels_match_findings(meta):
    score = score_rule(meta)
    assert score is not None, f"{meta.id}: fixture {meta.fixture} is missing"
    assert score.positives >= 5 and score.negatives >= 5, f"{meta.id}: needs >= 5 ruleid and >= 5 ok lines"
    assert not score.missed, f"{meta.id}: no finding on must-fire lines {score.missed}"
    assert not score.false_lines, f"{meta.id}: findings on lines not labelled ruleid {score.false_lines}"


def test_every_fixture_belongs_to_a_rule():
    ids = {m.id for m in all_rules()}
    for path in fixtures_dir().iterdir():
        assert path.stem in ids, f"orphan fixture {path.name}"


def test_marker_on_its_own_line_labels_the_next_code_line():
    text = "a = 1\n// ruleid: DWA-001\n\nb = 2 // ok: DWA-001\n"
    labels = parse_labels(text, "DWA-001")
    assert labels.positive == {4} and labels.negative == {4}


@pytest.mark.parametrize("meta", FILE_RULES, ids=lambda m: m.id)
def test_fixture_severity_annotations_hold(meta):
    wrong = [(line, want, got) for line, want, got in fixture_severities(meta) if want != got]
    assert not wrong, f"{meta.id}: (line, expected severity, actual) {wrong}"


def test_severity_annotation_is_parsed_for_its_rule_only():
    text = "x // ruleid: DWA-001 severity=low\ny // ruleid: DWA-001\nz // ruleid: DWA-002 severity=high\n"
    assert parse_severities(text, "DWA-001") == {1: "low"}
    assert parse_labels(text, "DWA-001").positive == {1, 2}
