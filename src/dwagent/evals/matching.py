"""Match a certification report against a fixture's labels.

A reported finding matches a label when the category is the same, the file is the same (the
label's primary location or one of its `also` alternates) and the line ranges overlap, allowing
`window` lines of slack on either side (a rule may point at the call while the label spans the
statement). Outcomes per finding:

- matches an expected label with at least its minimum severity: true positive (the first one;
  later findings on the same label are duplicates and count neither way);
- matches an expected label with a lower severity: recorded as `severity_low`, does not satisfy
  the label (which stays a false negative unless another finding satisfies it), not a false positive;
- matches an optional label (a judgement call): ignored;
- matches an absent label (a hard negative) whose `max_severity` allows the finding's severity
  (e.g. a `low` advisory on a bypass guarded by an option whose default validates): neutral,
  listed as `tolerated`;
- matches an absent label otherwise (no `max_severity`, or a more severe finding): false
  positive, also listed as a hard-negative hit;
- anything else: false positive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from dwagent.evals.labels import FixtureLabels, Label
from dwagent.models import SEVERITY_ORDER
from dwagent.tools.verify import check_quote

DEFAULT_WINDOW = 2


@dataclass(frozen=True)
class Reported:
    """The parts of a reported finding the matcher needs."""

    category: str
    file: str
    start_line: int
    end_line: int
    severity: str
    rule: str = ""
    excerpt: str = ""
    origin: str = "findings"  # "findings" or "dropped" (test-scope findings dropped from counting)

    def key(self) -> tuple:
        return (self.category, self.file, self.start_line, self.end_line, self.severity, self.rule)


@dataclass
class CategoryCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: CategoryCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class FixtureMatch:
    """The outcome of matching one report against one fixture's labels."""

    counts: dict[str, CategoryCounts] = field(default_factory=lambda: defaultdict(CategoryCounts))
    true_positives: list[str] = field(default_factory=list)  # label ids
    false_negatives: list[str] = field(default_factory=list)  # label ids
    false_positives: list[Reported] = field(default_factory=list)
    hard_negative_hits: list[tuple[str, Reported]] = field(default_factory=list)  # (absent label id, finding)
    severity_low: list[tuple[str, Reported]] = field(default_factory=list)
    tolerated: list[tuple[str, Reported]] = field(default_factory=list)  # (absent label id, finding)
    duplicates: int = 0
    optional_hits: int = 0


def _overlaps(f: Reported, label: Label, window: int) -> bool:
    for file, start, end in label.locations():
        if f.file == file and f.start_line <= end + window and f.end_line >= start - window:
            return True
    return False


def _first(labels: tuple[Label, ...], f: Reported, window: int) -> Label | None:
    for label in labels:
        if label.category == f.category and _overlaps(f, label, window):
            return label
    return None


def match_fixture(labels: FixtureLabels, reported: list[Reported], window: int = DEFAULT_WINDOW) -> FixtureMatch:
    """Classify every reported finding and every expected label (see the module docstring)."""
    result = FixtureMatch()
    satisfied: set[str] = set()
    for f in sorted(reported, key=Reported.key):
        label = _first(labels.expected, f, window)
        if label is not None:
            if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[label.min_severity]:
                result.severity_low.append((label.id, f))
            elif label.id in satisfied:
                result.duplicates += 1
            else:
                satisfied.add(label.id)
            continue
        if _first(labels.optional, f, window) is not None:
            result.optional_hits += 1
            continue
        absent = _first(labels.absent, f, window)
        if absent is not None and absent.tolerates(f.severity):
            result.tolerated.append((absent.id, f))
            continue
        if absent is not None:
            result.hard_negative_hits.append((absent.id, f))
        result.false_positives.append(f)
        result.counts[f.category].fp += 1
    for label in labels.expected:
        if label.id in satisfied:
            result.true_positives.append(label.id)
            result.counts[label.category].tp += 1
        else:
            result.false_negatives.append(label.id)
            result.counts[label.category].fn += 1
    result.true_positives.sort()
    result.false_negatives.sort()
    return result


def prf(counts: CategoryCounts) -> dict[str, float | int | None]:
    """Precision, recall and F1 (None where undefined: nothing reported / nothing expected)."""
    precision = counts.tp / (counts.tp + counts.fp) if counts.tp + counts.fp else None
    recall = counts.tp / (counts.tp + counts.fn) if counts.tp + counts.fn else None
    if counts.tp == 0:
        f1 = 0.0 if counts.fp or counts.fn else None
    else:
        f1 = 2 * precision * recall / (precision + recall)  # type: ignore[operator]
    return {
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "f1": None if f1 is None else round(f1, 4),
    }


def reported_findings(report: dict) -> list[Reported]:
    """Findings a report shows: counted and accepted ones, plus test-scope findings that the
    policy drops from counting (they were still found). Quote-mismatch drops are not reported."""
    out = [_reported(f, "findings") for f in report.get("findings", [])]
    for d in report.get("dropped", []):
        if not isinstance(d, dict) or "category" not in d:
            continue
        if d.get("scope") in ("test", "generated") and not _quote_dropped(d):
            out.append(_reported(d, "dropped"))
    return out


def _quote_dropped(d: dict) -> bool:
    return any(r.get("challenge") == "quote-check" and r.get("outcome") == "dropped" for r in d.get("review", []) or [])


def _reported(f: dict, origin: str) -> Reported:
    return Reported(
        category=f["category"],
        file=f["file"],
        start_line=int(f["start_line"]),
        end_line=int(f.get("end_line") or f["start_line"]),
        severity=f["severity"],
        rule=f.get("rule", ""),
        excerpt=f.get("excerpt", ""),
        origin=origin,
    )


def quote_checks(root: Path, findings: list[Reported]) -> tuple[int, int]:
    """(verified, total): how many excerpts re-read from disk equal the quoted text."""
    ok = sum(1 for f in findings if check_quote(root, f.file, f.start_line, f.end_line, f.excerpt).ok)
    return ok, len(findings)
