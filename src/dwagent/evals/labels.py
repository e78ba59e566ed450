"""Labelled fixtures: load `labels.yaml` into frozen values and check them against the tree.

A label names a category, a file and a 1-based inclusive line range, plus an `anchor`: text that
must occur inside those lines. The anchor is what keeps labels honest over time: if someone edits
a fixture and shifts lines, `check_labels` says which label no longer points at its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dwagent.errors import InputError
from dwagent.models import CATEGORIES, SEVERITY_ORDER
from dwagent.tools.source_text import source_lines

VERDICTS = ("CERTIFIED", "CERTIFIED WITH CONDITIONS", "NOT CERTIFIED")
CELL_STATUSES = ("PASS", "CONDITIONAL", "FAIL", "NOT RUN", "NOT VERIFIED")
LABELS_FILE = "labels.yaml"
RUBRIC_FILE = "dwagent-rubric.yaml"


@dataclass(frozen=True)
class Label:
    """One expected (or expected-absent) finding."""

    id: str
    category: str
    file: str
    start_line: int
    end_line: int
    anchor: str
    min_severity: str = "low"
    why: str = ""
    # Other places a correct report may point at for the same defect (e.g. an orphan topic's
    # constant instead of its publish call). Any one of them satisfies the label.
    also: tuple[tuple[str, int, int], ...] = ()
    # Absent (hard-negative) labels only: the most severe finding that is still acceptable here,
    # e.g. "low" for a guarded bypass that a correct auditor may mention as an advisory. Empty:
    # no finding of this category is acceptable at this place.
    max_severity: str = ""

    def tolerates(self, severity: str) -> bool:
        """True if a finding of `severity` here is within this hard negative's `max_severity`."""
        if not self.max_severity:
            return False
        return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[self.max_severity]

    def locations(self) -> tuple[tuple[str, int, int], ...]:
        """The primary location followed by the alternates, as (file, start, end)."""
        return ((self.file, self.start_line, self.end_line), *self.also)


@dataclass(frozen=True)
class FlowLabel:
    """An expected flow verdict: the flow's name in the rubric and its status."""

    name: str
    status: str
    why: str = ""


@dataclass(frozen=True)
class FixtureLabels:
    """Everything `labels.yaml` says about one fixture tree."""

    name: str
    root: Path
    language: str
    rubric: str  # "generic", "dw", or a path relative to the fixture root
    verdict: str
    expected: tuple[Label, ...]
    absent: tuple[Label, ...]
    optional: tuple[Label, ...]
    plugins: tuple[tuple[str, str], ...] = ()  # (name, status), sorted
    domains: tuple[tuple[str, str], ...] = ()
    tiers: tuple[tuple[str, str], ...] = ()
    flows: tuple[FlowLabel, ...] = ()
    injected_from: str = ""  # set for generated prompt-injection copies
    execute: bool = False  # let certify run the rubric's command gates (only self-contained ones)

    def rubric_arg(self) -> str:
        """The value to pass to `certify --rubric`: a builtin name or an absolute file path."""
        if self.rubric in ("generic", "dw"):
            return self.rubric
        return str((self.root / self.rubric).resolve())


def _range(lines: object, where: str) -> tuple[int, int]:
    if not (isinstance(lines, list) and len(lines) == 2 and 1 <= lines[0] <= lines[1]):
        raise InputError(f"{where}: lines must be [start, end] with 1 <= start <= end", "")
    return int(lines[0]), int(lines[1])


def _label(raw: dict[str, Any], where: str, default_severity: str = "low", absent: bool = False) -> Label:
    missing = [key for key in ("category", "file", "lines") if key not in raw]
    if missing:
        raise InputError(f"{where}: label is missing {', '.join(missing)}", "see evals/README.md")
    if raw["category"] not in CATEGORIES:
        raise InputError(f"{where}: unknown category {raw['category']!r}", "use a category from dwagent/models.py")
    lines = _range(raw["lines"], where)
    also = tuple((str(a["file"]), *_range(a["lines"], f"{where}: also")) for a in raw.get("also") or [])
    severity = raw.get("min_severity", default_severity)
    if severity not in SEVERITY_ORDER:
        raise InputError(f"{where}: unknown severity {severity!r}", "critical, high, medium or low")
    max_severity = str(raw.get("max_severity") or "")
    if max_severity and not absent:
        raise InputError(f"{where}: max_severity is only allowed on absent labels", "see evals/README.md")
    if max_severity and max_severity not in SEVERITY_ORDER:
        raise InputError(f"{where}: unknown max_severity {max_severity!r}", "critical, high, medium or low")
    return Label(
        id=str(raw.get("id", f"{raw['file']}:{lines[0]}")),
        category=raw["category"],
        file=raw["file"],
        start_line=int(lines[0]),
        end_line=int(lines[1]),
        anchor=str(raw.get("anchor", "")),
        min_severity=severity,
        why=str(raw.get("why", "")),
        also=also,
        max_severity=max_severity,
    )


def _cells(raw: dict[str, Any] | None, where: str) -> tuple[tuple[str, str], ...]:
    out = []
    for name, status in sorted((raw or {}).items()):
        if status not in CELL_STATUSES:
            raise InputError(f"{where}: {name}: unknown status {status!r}", ", ".join(CELL_STATUSES))
        out.append((str(name), status))
    return tuple(out)


def load_labels(root: Path) -> FixtureLabels:
    """Read and validate `<root>/labels.yaml`."""
    path = root / LABELS_FILE
    if not path.is_file():
        raise InputError(f"{path}: no labels.yaml", "every fixture needs one; see evals/README.md")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}", "fix the labels file") from exc
    where = str(path)
    if raw.get("verdict") not in VERDICTS:
        raise InputError(f"{where}: verdict must be one of {', '.join(VERDICTS)}", "")
    verdicts = raw.get("verdicts") or {}
    flows = tuple(
        FlowLabel(name=str(f["name"]), status=str(f["status"]), why=str(f.get("why", "")))
        for f in sorted(raw.get("flows") or [], key=lambda f: str(f["name"]))
    )
    for flow in flows:
        if flow.status not in CELL_STATUSES:
            raise InputError(f"{where}: flow {flow.name}: unknown status {flow.status!r}", "")
    return FixtureLabels(
        name=str(raw.get("fixture", root.name)),
        root=root,
        language=str(raw.get("language", "")),
        rubric=str(raw.get("rubric", "generic")),
        verdict=raw["verdict"],
        expected=tuple(_label(item, f"{where}: expected[{i}]") for i, item in enumerate(raw.get("expected") or [])),
        absent=tuple(_label(item, f"{where}: absent[{i}]", absent=True) for i, item in enumerate(raw.get("absent") or [])),
        optional=tuple(_label(item, f"{where}: optional[{i}]") for i, item in enumerate(raw.get("optional") or [])),
        plugins=_cells(verdicts.get("plugins"), where),
        domains=_cells(verdicts.get("domains"), where),
        tiers=_cells(verdicts.get("tiers"), where),
        flows=flows,
        injected_from=str(raw.get("injected_from", "")),
        execute=bool(raw.get("execute", False)),
    )


def check_labels(labels: FixtureLabels) -> list[str]:
    """Problems with the labels against the tree on disk (missing file, range, anchor); [] if fine."""
    problems: list[str] = []
    ids: set[str] = set()
    for group, items in (("expected", labels.expected), ("absent", labels.absent), ("optional", labels.optional)):
        for label in items:
            where = f"{labels.name}: {group} {label.id}"
            if label.id in ids:
                problems.append(f"{where}: duplicate id")
            ids.add(label.id)
            path = labels.root / label.file
            if not path.is_file():
                problems.append(f"{where}: no file {label.file}")
                continue
            for alt_file, alt_start, alt_end in label.also:
                alt = labels.root / alt_file
                if not alt.is_file() or alt_end > len(source_lines(alt.read_text(encoding="utf-8"))):
                    problems.append(f"{where}: alternate {alt_file}:{alt_start}-{alt_end} does not exist")
            lines = source_lines(path.read_text(encoding="utf-8"))
            if label.end_line > len(lines):
                problems.append(f"{where}: lines {label.start_line}-{label.end_line} beyond end ({len(lines)})")
                continue
            span = "\n".join(lines[label.start_line - 1 : label.end_line])
            if not label.anchor:
                problems.append(f"{where}: no anchor")
            elif label.anchor not in span:
                problems.append(f"{where}: anchor {label.anchor!r} not in lines {label.start_line}-{label.end_line}")
    return problems


def discover(fixtures_dir: Path) -> list[Path]:
    """Suite fixture roots directly under `fixtures_dir`, sorted by name.

    A suite fixture's labels.yaml starts with a `fixture:` key; other labelled trees that share the
    folder (the rules engineer's per-rule files, the graph engineer's dwshape tree) use their own
    formats and are evaluated by their own tests, so they are skipped here.
    """
    roots = []
    for path in sorted(fixtures_dir.glob(f"*/{LABELS_FILE}")):
        head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(head, dict) and "fixture" in head:
            roots.append(path.parent)
    return roots
