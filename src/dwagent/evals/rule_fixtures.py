"""Labelled rule fixtures and their scoring (used by the fixture test and `dwagent eval rules`).

A fixture `evals/fixtures/rules/<RULE-ID>.<ext>` marks lines with `// ruleid: DWA-xxx` (must fire)
or `// ok: DWA-xxx` (hard negative; must not fire); `#` in Python. A marker alone on its line labels
the next non-blank line (semgrep's convention); after code it labels its own line. A must-fire
marker may add `severity=LEVEL` (`// ruleid: DWA-101 severity=low`): the finding on that line must
then carry that severity, so calibration (guards, defaults, context) is tested like detection.
Markers are only labels: detection runs on the file exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dwagent.tools.parse import language_for
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import RuleMeta
from dwagent.tools.source_text import source_lines

_MARKER = re.compile(r"(?://|#)\s*(ruleid|ok):\s*(DWA-\d{3}(?:\s*,\s*DWA-\d{3})*)(?:\s+severity=(\w+))?")


def fixtures_dir() -> Path:
    """The folder holding the rule fixtures (the repository's `evals/fixtures/rules`)."""
    from dwagent.evals import data_dir

    return data_dir() / "fixtures" / "rules"


@dataclass(frozen=True)
class Labels:
    positive: frozenset[int]
    negative: frozenset[int]


def parse_labels(text: str, rule_id: str) -> Labels:
    """Lines labelled must-fire / must-not-fire for `rule_id`."""
    lines = source_lines(text)
    pos, neg = set(), set()
    for i, line in enumerate(lines, start=1):
        for m in _MARKER.finditer(line):
            if rule_id not in [r.strip() for r in m.group(2).split(",")]:
                continue
            target = i
            if not line[: m.start()].strip():
                target = next((j for j in range(i + 1, len(lines) + 1) if lines[j - 1].strip() and not _MARKER.match(lines[j - 1].strip())), i)
            (pos if m.group(1) == "ruleid" else neg).add(target)
    return Labels(frozenset(pos), frozenset(neg))


def parse_severities(text: str, rule_id: str) -> dict[int, str]:
    """Must-fire lines of `rule_id` whose marker also states the expected severity."""
    lines = source_lines(text)
    out: dict[int, str] = {}
    for i, line in enumerate(lines, start=1):
        for m in _MARKER.finditer(line):
            if m.group(1) != "ruleid" or not m.group(3) or rule_id not in [r.strip() for r in m.group(2).split(",")]:
                continue
            target = i
            if not line[: m.start()].strip():
                target = next((j for j in range(i + 1, len(lines) + 1) if lines[j - 1].strip() and not _MARKER.match(lines[j - 1].strip())), i)
            out[target] = m.group(3)
    return out


def fixture_severities(meta: RuleMeta, root: Path | None = None) -> list[tuple[int, str, str]]:
    """(line, expected, actual) for every severity-annotated must-fire line of the rule's fixture
    (actual is '' when nothing fired there)."""
    from dwagent.tools.rules.engine import scan_file

    path = (root or fixtures_dir()) / Path(meta.fixture).name
    if not meta.fixture or not path.is_file():
        return []
    data = path.read_bytes()
    expected = parse_severities(data.decode("utf-8", errors="replace"), meta.id)
    if not expected:
        return []
    ctx = FileContext(path=path.name, language=language_for(path.name), role=meta.applies_to[0], source=data)
    actual = {f.start_line: f.severity for f in scan_file(ctx, [meta.id])}
    return [(line, sev, actual.get(line, "")) for line, sev in sorted(expected.items())]


@dataclass(frozen=True)
class RuleScore:
    rule: str
    category: str
    tp: int
    fp: int
    fn: int
    positives: int
    negatives: int
    missed: tuple[int, ...]
    false_lines: tuple[int, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score_rule(meta: RuleMeta, root: Path | None = None) -> RuleScore | None:
    """Run one per-file rule on its fixture; None when the fixture does not exist.

    Every finding that does not start on a must-fire line is a false positive (unlabelled lines
    included), so a noisy rule cannot hide behind sparse labels.
    """
    from dwagent.tools.rules.engine import scan_file

    path = (root or fixtures_dir()) / Path(meta.fixture).name
    if not meta.fixture or not path.is_file():
        return None
    data = path.read_bytes()
    labels = parse_labels(data.decode("utf-8", errors="replace"), meta.id)
    ctx = FileContext(path=path.name, language=language_for(path.name), role=meta.applies_to[0], source=data)
    lines = {f.start_line for f in scan_file(ctx, [meta.id])}
    tp = len(lines & labels.positive)
    missed = tuple(sorted(labels.positive - lines))
    false = tuple(sorted(lines - labels.positive))
    return RuleScore(meta.id, meta.category, tp, len(false), len(missed), len(labels.positive), len(labels.negative), missed, false)


PRECISION_TARGET = 0.95
RECALL_TARGET = 0.9


def score_catalogue(rule_ids: set[str] | None = None) -> dict:
    """Per-rule and per-category precision/recall over the rule fixtures (per-file rules only),
    plus the rules missing a fixture and those below target."""
    from dwagent.tools.rules.registry import all_rules

    rules, missing = {}, []
    cats: dict[str, dict[str, int]] = {}
    for meta in all_rules():
        if meta.kind != "file" or (rule_ids is not None and meta.id not in rule_ids):
            continue
        s = score_rule(meta)
        if s is None:
            missing.append(meta.id)
            continue
        rules[meta.id] = {
            "category": s.category,
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
            "positives": s.positives,
            "negatives": s.negatives,
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "missed_lines": list(s.missed),
            "false_lines": list(s.false_lines),
        }
        c = cats.setdefault(s.category, {"tp": 0, "fp": 0, "fn": 0})
        for k in ("tp", "fp", "fn"):
            c[k] += getattr(s, k)
    categories = {}
    for name, c in sorted(cats.items()):
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        categories[name] = {**c, "precision": round(p, 4), "recall": round(r, 4)}
    below = sorted(
        rid
        for rid, r in rules.items()
        if r["precision"] < PRECISION_TARGET or r["recall"] < RECALL_TARGET or r["positives"] < 5 or r["negatives"] < 5
    )
    return {
        "rules": rules,
        "categories": categories,
        "missing_fixture": sorted(missing),
        "below_target": below,
        "targets": {"precision": PRECISION_TARGET, "recall": RECALL_TARGET, "min_labels": 5},
    }
