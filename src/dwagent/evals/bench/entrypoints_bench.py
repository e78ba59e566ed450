"""Entry-point inventory and design-level findings against hand labels on a real corpus.

    python -m dwagent.evals.bench.entrypoints_bench REPORT_DIR --labels evals/real/entrypoints-dw.yaml \
        [--design evals/real/design-dw.yaml]

REPORT_DIR is a `dwagent certify` output folder (its findings.json carries `entry_points` and the
findings). Inventory: recall = hand-listed entry points found at the same path and line; status =
bind, tls and auth all equal to the label. Design findings (DWA-360..369): precision over the labelled
ones (TP / (TP + FP)); unlabelled findings are listed, never counted as right. Exit 0 always (a
bench reports; the targets are printed beside the numbers).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

DESIGN_RULES = ("DWA-360", "DWA-361", "DWA-362", "DWA-363", "DWA-364", "DWA-365", "DWA-366", "DWA-367", "DWA-368", "DWA-369")
TARGETS = {"recall": 1.0, "status": 0.95, "precision": 0.85}


def score_inventory(inventory: list[dict], labels: list[dict]) -> dict:
    """Recall and status accuracy of `inventory` (EntryPoint dicts) against hand `labels`."""
    by_site = {(e["file"], e["line"]): e for e in inventory}
    found, right, missed, wrong = 0, 0, [], []
    for lab in labels:
        got = by_site.get((lab["path"], lab["line"]))
        if got is None:
            missed.append(f"{lab['path']}:{lab['line']} {lab['kind']}")
            continue
        found += 1
        want = (lab["bind"], lab["tls"], lab["auth"])
        have = (got["bind"], got["tls"], got["auth"])
        if want == have:
            right += 1
        else:
            wrong.append(f"{lab['path']}:{lab['line']} want {'/'.join(want)} got {'/'.join(have)}")
    n = len(labels)
    return {"labelled": n, "found": found, "recall": round(found / n, 4) if n else 0.0,
            "status_right": right, "status": round(right / found, 4) if found else 0.0,
            "missed": missed, "wrong_status": wrong}


def score_design(findings: list[dict], labels: list[dict]) -> dict:
    """Precision of the design-level findings against TP/FP labels keyed by (rule, path, line)."""
    verdict = {(lab["rule"], lab["path"], lab["line"]): lab["label"] for lab in labels}
    tp = fp = 0
    unlabelled = []
    for f in findings:
        if f["rule"] not in DESIGN_RULES:
            continue
        v = verdict.get((f["rule"], f["file"], f["start_line"]))
        if v == "TP":
            tp += 1
        elif v == "FP":
            fp += 1
        else:
            unlabelled.append(f"{f['rule']} {f['file']}:{f['start_line']}")
    return {"tp": tp, "fp": fp, "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0, "unlabelled": unlabelled}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report_dir")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--design", default="")
    args = ap.parse_args(argv)
    report = json.loads((Path(args.report_dir) / "findings.json").read_text(encoding="utf-8"))
    labels = yaml.safe_load(Path(args.labels).read_text(encoding="utf-8"))
    inv = score_inventory(report.get("entry_points", []), labels["entry_points"])
    out = {"inventory": inv}
    network = [lab for lab in labels["entry_points"] if lab["kind"] != "bus-subscription"]
    out["inventory_network"] = score_inventory(report.get("entry_points", []), network)
    if args.design:
        design = yaml.safe_load(Path(args.design).read_text(encoding="utf-8"))
        out["design"] = score_design(report.get("findings", []), design["findings"])
        sev = [f for f in report.get("findings", []) if f["rule"] in DESIGN_RULES and f["severity"] in ("critical", "high")]
        out["design"]["critical_high"] = len(sev)
    print(json.dumps(out, indent=2, sort_keys=True))
    print(f"targets: {TARGETS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
