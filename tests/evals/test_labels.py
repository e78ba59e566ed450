"""The labelled fixtures themselves: labels load, point at their code, and cover the taxonomy."""

from __future__ import annotations

from collections import Counter

import pytest

from dwagent.evals.labels import check_labels, discover, load_labels
from dwagent.evals.runner import fixtures_root
from dwagent.models import CATEGORIES
from dwagent.rubric.loader import load_rubric

ROOTS = discover(fixtures_root())
ALL = [load_labels(root) for root in ROOTS]


def test_suite_has_enough_fixtures() -> None:
    assert len(ALL) >= 8
    languages = Counter(lab.language for lab in ALL)
    assert languages["python"] >= 2 and languages["csharp"] >= 4
    verdicts = Counter(lab.verdict for lab in ALL)
    assert verdicts["CERTIFIED"] >= 1
    assert verdicts["CERTIFIED WITH CONDITIONS"] >= 1
    assert verdicts["NOT CERTIFIED"] >= 2


def test_every_category_is_labelled_somewhere() -> None:
    labelled = {label.category for lab in ALL for label in lab.expected}
    assert sorted(set(CATEGORIES) - labelled) == []


def test_fixtures_are_realistic_size() -> None:
    # Issue 9 asks for mini-projects of "a few dozen files": at least 24 source files each.
    for root in ROOTS:
        sources = [p for p in root.rglob("*") if p.suffix in (".cs", ".py")]
        assert len(sources) >= 24, root.name


def test_every_category_has_three_planted_defects() -> None:
    """Fewer than three positives per category makes a per-category F1 a coin toss."""
    counts = Counter(label.category for lab in ALL for label in lab.expected)
    assert {c: n for c, n in counts.items() if n < 3} == {}


def test_every_defective_fixture_has_more_hard_negatives_than_defects() -> None:
    for lab in ALL:
        assert len(lab.absent) >= len(lab.expected), lab.name


@pytest.mark.parametrize("labels", ALL, ids=[lab.name for lab in ALL])
def test_labels_point_at_their_code(labels) -> None:
    assert check_labels(labels) == []


@pytest.mark.parametrize("labels", ALL, ids=[lab.name for lab in ALL])
def test_fixture_rubric_loads(labels) -> None:
    loaded = load_rubric(labels.rubric_arg() if labels.rubric in ("generic", "dw") else str(labels.root / labels.rubric))
    flows = {f.id for f in loaded.rubric.flows}
    tiers = {t.id for t in loaded.rubric.tiers}
    domains = {d.id for d in loaded.rubric.domains}
    assert {f.name for f in labels.flows} <= flows
    assert {name for name, _ in labels.tiers} <= tiers
    if not loaded.rubric.derive_domains:
        assert {name for name, _ in labels.domains} <= domains


def test_other_areas_fixture_trees_are_not_suite_fixtures() -> None:
    names = {root.name for root in ROOTS}
    assert "dwshape" not in names and "rules" not in names


def _write_labels(tmp_path, group: str, extra: str):
    (tmp_path / "A.cs").write_text("class A { bool Ok() => true; }\n", encoding="utf-8")
    (tmp_path / "labels.yaml").write_text(
        f"fixture: t\nverdict: NOT CERTIFIED\n{group}:\n  - {{id: x, category: tls-bypass, file: A.cs, lines: [1, 1], anchor: 'true'{extra}}}\n",
        encoding="utf-8",
    )
    return load_labels(tmp_path)


def test_absent_label_reads_max_severity(tmp_path) -> None:
    label = _write_labels(tmp_path, "absent", ", max_severity: low").absent[0]
    assert label.max_severity == "low" and label.tolerates("low") and not label.tolerates("medium")


def test_absent_label_without_max_severity_tolerates_nothing(tmp_path) -> None:
    label = _write_labels(tmp_path, "absent", "").absent[0]
    assert not label.tolerates("low")


@pytest.mark.parametrize(("group", "extra"), [("expected", ", max_severity: low"), ("absent", ", max_severity: tiny")])
def test_max_severity_misuse_is_an_input_error(tmp_path, group, extra) -> None:
    from dwagent.errors import InputError

    with pytest.raises(InputError):
        _write_labels(tmp_path, group, extra)


def test_hard_negatives_that_tolerate_a_finding_say_why() -> None:
    for lab in ALL:
        for label in lab.absent:
            if label.max_severity:
                assert label.why, f"{lab.name}: {label.id} sets max_severity without a why"
