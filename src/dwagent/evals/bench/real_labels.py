"""Labels on real code (evals/real/*.yaml) and the scoring of a certify result against them.

A label says, for one finding of one rule at one line of a real corpus, whether a senior reviewer
who read the code judged it a true (`TP`) or false (`FP`) positive, or that the line holds a real
defect no rule reported (`MISSED`). Results are matched to labels by rule, path and the sha1 of
the stripped line text, so a line that moved still matches; among several candidates the nearest
line wins and each label is used once. Everything here is pure data in, data out.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
VERDICTS = ("TP", "FP", "MISSED")
HIGH = ("critical", "high")


def line_sha1(text: str) -> str:
    """The matching key of a line: sha1 of its UTF-8 text with surrounding whitespace removed."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Label:
    """One human judgement about one line of one corpus."""

    corpus: str
    rule: str
    path: str
    line: int
    line_sha1: str
    verdict: str
    reason: str
    severity: str = ""
    max_severity: str = ""

    @property
    def true_defect(self) -> bool:
        """A line that holds a real defect (reported or missed): the recall set."""
        return self.verdict in ("TP", "MISSED")


@dataclass(frozen=True)
class Result:
    """One finding of a certify run, reduced to what matching and scoring need."""

    rule: str
    path: str
    line: int
    line_sha1: str
    severity: str
    message: str = ""


def _labels_of(doc, source: Path) -> list[Label]:
    if isinstance(doc, list):
        items, corpus = doc, ""
    else:
        items, corpus = doc.get("labels") or [], str(doc.get("corpus") or "")
    if not corpus:
        stem = source.stem.lower()
        corpus = next((part for part in reversed(stem.replace("_", "-").split("-")) if part), stem)
    out = []
    for item in items:
        verdict = str(item.get("verdict", "")).upper()
        if verdict not in VERDICTS:
            raise ValueError(f"{source}: label {item.get('path')}:{item.get('line')} has verdict {verdict!r}")
        out.append(
            Label(
                corpus=corpus,
                rule=str(item["rule"]),
                path=str(item["path"]),
                line=int(item["line"]),
                line_sha1=str(item["line_sha1"]),
                verdict=verdict,
                reason=str(item.get("reason", "")),
                severity=str(item.get("severity", "")),
                max_severity=str(item.get("max_severity") or ""),
            )
        )
    return out


def load_labels(folder: Path) -> list[Label]:
    """Every label in the YAML files of `folder` (README and non-label YAML are skipped)."""
    labels: list[Label] = []
    for path in sorted(folder.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "labels" not in doc:
            continue  # e.g. corpora.yaml
        labels.extend(_labels_of(doc, path))
    return labels


def results_from_report(report: dict, tree: Path | None = None) -> list[Result]:
    """The findings of a findings.json as Results; the line hash comes from the tree when given,
    else from the first line of the finding's verbatim excerpt (the verifier re-read it)."""
    out = []
    cache: dict[str, list[str]] = {}
    for f in report.get("findings", []):
        line = int(f.get("start_line") or 0)
        text = None
        if tree is not None:
            lines = cache.get(f["file"])
            if lines is None:
                try:
                    lines = (tree / f["file"]).read_text(encoding="utf-8", errors="replace").split("\n")
                except OSError:
                    lines = []
                cache[f["file"]] = lines
            if 0 < line <= len(lines):
                text = lines[line - 1]
        if text is None:
            text = (f.get("excerpt") or "").split("\n", 1)[0]
        out.append(
            Result(
                rule=str(f["rule"]),
                path=str(f["file"]),
                line=line,
                line_sha1=line_sha1(text),
                severity=str(f.get("severity", "")),
                message=str(f.get("message", "")),
            )
        )
    return out


@dataclass
class Match:
    """The pairing of a run's results with one corpus's labels."""

    pairs: list[tuple[Result, Label]] = field(default_factory=list)
    unlabelled: list[Result] = field(default_factory=list)
    missed_found: list[tuple[Result, Label]] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


def match(results: list[Result], labels: list[Label]) -> Match:
    """Pair each result with at most one label of the same rule, path and line hash (nearest line
    first, each label used once). A MISSED label is found by a result of its rule on its line."""
    by_key: dict[tuple[str, str, str], list[Label]] = defaultdict(list)
    for lab in labels:
        by_key[(lab.rule, lab.path, lab.line_sha1)].append(lab)
    candidates = []
    for ri, res in enumerate(results):
        for li, lab in enumerate(by_key.get((res.rule, res.path, res.line_sha1), ())):
            candidates.append((abs(res.line - lab.line), ri, li, lab))
    used_results: set[int] = set()
    used_labels: set[int] = set()
    out = Match(labels=list(labels))
    for _, ri, _, lab in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if ri in used_results or id(lab) in used_labels:
            continue
        used_results.add(ri)
        used_labels.add(id(lab))
        if lab.verdict == "MISSED":
            out.missed_found.append((results[ri], lab))
        else:
            out.pairs.append((results[ri], lab))
    out.unlabelled = [res for ri, res in enumerate(results) if ri not in used_results]
    return out


def overrated(res: Result, lab: Label) -> bool:
    """A true positive reported above the severity its evidence supports."""
    if lab.verdict != "TP" or not lab.max_severity:
        return False
    return SEVERITY_RANK.get(res.severity, 0) > SEVERITY_RANK.get(lab.max_severity, 0)


@dataclass
class Tally:
    """Counts for one slice of results (a rule, a severity, critical+high, all)."""

    results: int = 0
    tp: int = 0
    fp: int = 0
    overrated: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        """TP / labelled; None when nothing in the slice is labelled."""
        return self.tp / self.labelled if self.labelled else None

    @property
    def calibrated(self) -> float | None:
        """Precision when an overrated TP counts as wrong at the severity it was reported with."""
        return (self.tp - self.overrated) / self.labelled if self.labelled else None

    def as_dict(self) -> dict:
        return {
            "results": self.results,
            "labelled": self.labelled,
            "tp": self.tp,
            "fp": self.fp,
            "overrated": self.overrated,
            "precision": _round(self.precision),
            "calibrated_precision": _round(self.calibrated),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def score(m: Match, results: list[Result]) -> dict:
    """Precision per rule, per severity, for critical+high and overall; recall on true defects."""
    labelled_of = {id(res): lab for res, lab in m.pairs}
    per_rule: dict[str, Tally] = defaultdict(Tally)
    per_sev: dict[str, Tally] = defaultdict(Tally)
    per_group: dict[tuple[str, str], Tally] = defaultdict(Tally)
    high, every = Tally(), Tally()
    for res in results:
        lab = labelled_of.get(id(res))
        slices = [per_rule[res.rule], per_sev[res.severity], per_group[(res.rule, res.severity)], every]
        slices += [high] if res.severity in HIGH else []
        for tally in slices:
            tally.results += 1
            if lab is None:
                continue
            if lab.verdict == "TP":
                tally.tp += 1
                tally.overrated += int(overrated(res, lab))
            else:
                tally.fp += 1
    defects = [lab for lab in m.labels if lab.true_defect]
    found = {id(lab) for _, lab in m.pairs if lab.verdict == "TP"} | {id(lab) for _, lab in m.missed_found}
    lost = [lab for lab in defects if id(lab) not in found]
    # retention: of the defects a run once reported (TP labels), how many are still reported --
    # the "no labelled true defect lost"; MISSED labels are targets never yet found
    tps = [lab for lab in defects if lab.verdict == "TP"]
    kept = sum(1 for lab in tps if id(lab) in found)
    return {
        "results": len(results),
        "critical_high": high.results,
        "all": every.as_dict(),
        "all_estimated_precision": estimated_precision(per_group.values()),
        "critical_high_precision": high.as_dict(),
        "per_rule": {rule: per_rule[rule].as_dict() for rule in sorted(per_rule)},
        "per_severity": {sev: per_sev[sev].as_dict() for sev in sorted(per_sev, key=lambda s: -SEVERITY_RANK.get(s, 0))},
        "recall": {
            "true_defects": len(defects),
            "found": len(defects) - len(lost),
            "recall": _round((len(defects) - len(lost)) / len(defects)) if defects else None,
            "tp_labels": len(tps),
            "tp_kept": kept,
            "retention": _round(kept / len(tps)) if tps else None,
            "missed_labels": len(defects) - len(tps),
            "missed_labels_found": len(m.missed_found),
            "lost": [f"{lab.rule} {lab.path}:{lab.line} ({lab.verdict})" for lab in lost if lab.verdict == "TP"],
            "still_missed": [f"{lab.rule} {lab.path}:{lab.line}" for lab in lost if lab.verdict == "MISSED"],
        },
        "unlabelled": len(m.unlabelled),
    }


def estimated_precision(groups) -> dict:
    """Precision of all results, estimated from a stratified sample: each (rule, severity) group's
    labelled precision weighted by the group's size. The plain ratio over labelled results is
    biased toward whatever was labelled in full (all critical/high); this is not. `coverage` is
    the share of results in groups that have at least one label."""
    groups = list(groups)
    total = sum(g.results for g in groups)
    covered = [g for g in groups if g.labelled]
    weight = sum(g.results for g in covered)
    if not weight:
        return {"precision": None, "calibrated_precision": None, "coverage": 0.0}
    return {
        "precision": _round(sum(g.results * g.precision for g in covered) / weight),
        "calibrated_precision": _round(sum(g.results * g.calibrated for g in covered) / weight),
        "coverage": _round(weight / total),
    }


def unlabelled_stubs(corpus: str, m: Match) -> list[dict]:
    """Label skeletons for the results no label covers, for a reviewer to fill in."""
    return [
        {
            "corpus": corpus,
            "rule": r.rule,
            "path": r.path,
            "line": r.line,
            "line_sha1": r.line_sha1,
            "severity": r.severity,
            "verdict": "?",
            "reason": "",
            "message": r.message[:200],
        }
        for r in sorted(m.unlabelled, key=lambda r: (-SEVERITY_RANK.get(r.severity, 0), r.rule, r.path, r.line))
    ]
