"""Thresholds and baselines: decide whether a results dict passes, and what got worse.

`check_thresholds` reads evals/thresholds.yaml and lists every bar the results miss.
`regressions` compares results with a previous run (the committed baseline) and lists what got
worse: a lower overall or category F1, a lower verdict/cell accuracy, a label that was found
and is now missed, a new false positive, a variant that stopped being identical.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from dwagent.errors import InputError

THRESHOLDS_FILE = Path(__file__).parent / "thresholds.yaml"
BASELINE_NAME = "baseline-{mode}.json"


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict:
    """The thresholds mapping (see evals/thresholds.yaml)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read thresholds {path}: {exc}", "restore evals/thresholds.yaml") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping", "see evals/thresholds.yaml")
    return data


def _below(value: float | None, bar: float) -> bool:
    return value is not None and value < bar


def check_thresholds(results: dict, thresholds: dict) -> list[str]:
    """Every threshold the results miss, as readable lines; [] when all pass."""
    misses: list[str] = []
    overall = results["overall"]["f1"]
    bar = thresholds.get("overall_micro_f1_min")
    if bar is not None and _below(overall, bar):  # None: nothing labelled or reported in this suite
        misses.append(f"overall micro F1 {overall} < {bar}")
    bar = thresholds.get("category_f1_min")
    if bar is not None:
        for cat, row in sorted(results["categories"].items()):
            if _below(row["f1"], bar):
                misses.append(f"category {cat}: F1 {row['f1']} < {bar} (tp {row['tp']}, fp {row['fp']}, fn {row['fn']})")
    for kind in ("overall", "domain", "tier", "plugin", "flow"):
        key = "verdict_accuracy_min" if kind == "overall" else f"{kind}_accuracy_min"
        bar = thresholds.get(key)
        acc = results["verdicts"].get(kind, {}).get("accuracy")
        if bar is not None and _below(acc, bar):
            misses.append(f"{kind} verdict accuracy {acc} < {bar}")
    bar = thresholds.get("quote_verification_min")
    rate = results["quote_verification"]["rate"]
    if bar is not None and _below(rate, bar):
        misses.append(f"quote verification {rate} < {bar}")
    if thresholds.get("variants_identical"):
        for name, row in sorted(results["variants"].items()):
            if not row["identical"]:
                misses.append(f"variant {name} differs from {row['original']}: {'; '.join(row['differences'][:3])}")
    if thresholds.get("bad_input_skips_recorded"):
        for name, row in sorted(results["fixtures"].items()):
            if row.get("kind") == "bad-input" and not row.get("skips_ok"):
                misses.append(f"{name}: hostile files not all skipped: {row.get('skips')}")
    bar = thresholds.get("max_total_seconds")
    total = results["runtime"]["total_seconds"]
    if bar is not None and total > bar:
        misses.append(f"runtime {total}s > {bar}s")
    return misses


def load_baseline(results_dir: Path, mode: str) -> dict | None:
    """The committed baseline for `mode`, or None when there is none yet."""
    path = results_dir / BASELINE_NAME.format(mode=mode)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read baseline {path}: {exc}", "delete it and re-run with --update-baseline") from exc


def _worse(old: float | None, new: float | None) -> bool:
    return old is not None and (new is None or new < old - 1e-9)


def regressions(results: dict, baseline: dict) -> list[str]:
    """What got worse since `baseline` (same suite assumed); [] when nothing did."""
    out: list[str] = []
    if _worse(baseline["overall"]["f1"], results["overall"]["f1"]):
        out.append(f"overall F1 {baseline['overall']['f1']} -> {results['overall']['f1']}")
    for cat, old in sorted(baseline["categories"].items()):
        new = results["categories"].get(cat, {"f1": None})
        if _worse(old["f1"], new["f1"]):
            out.append(f"{cat}: F1 {old['f1']} -> {new['f1']}")
    for kind, old in sorted(baseline["verdicts"].items()):
        new = results["verdicts"].get(kind, {}).get("accuracy")
        if _worse(old.get("accuracy"), new):
            out.append(f"{kind} verdict accuracy {old.get('accuracy')} -> {new}")
    for name, old in sorted(baseline["fixtures"].items()):
        new = results["fixtures"].get(name)
        if new is None:
            continue
        for label_id in sorted(set(old["true_positives"]) - set(new["true_positives"])):
            out.append(f"{name}: {label_id} was found, now missed")
        for fp in sorted(set(new["false_positives"]) - set(old["false_positives"])):
            out.append(f"{name}: new false positive {fp}")
        if old["verdict"]["ok"] and not new["verdict"]["ok"]:
            out.append(f"{name}: verdict {new['verdict']['actual']} (expected {new['verdict']['expected']})")
    for name, old in sorted(baseline.get("variants", {}).items()):
        new = results["variants"].get(name)
        if new is not None and old["identical"] and not new["identical"]:
            out.append(f"{name}: no longer identical to {new['original']}")
    return out
