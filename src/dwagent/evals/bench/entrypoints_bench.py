"""Entry-point inventory and design-level findings against hand labels on a real corpus.

    python -m dwagent.evals.bench.entrypoints_bench REPORT_DIR --labels evals/real/entrypoints-dw.yaml \
        [--design evals/real/design-dw.yaml] [--cost-index INDEX_DIR/index.sqlite --rubric dw]

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
    return {
        "labelled": n,
        "found": found,
        "recall": round(found / n, 4) if n else 0.0,
        "status_right": right,
        "status": round(right / found, 4) if found else 0.0,
        "missed": missed,
        "wrong_status": wrong,
    }


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


def measure_cost(index_db: str, rubric: str = "dw") -> dict:
    """CPU seconds (process time) of the inventory and of the DWA-36x checks on an existing index."""
    import sqlite3
    import time
    import types

    import dwagent.tools.graph.build as build
    from dwagent.agents.inputs.graph_config import graph_config_for
    from dwagent.rubric.loader import load_rubric
    from dwagent.tools.graph.api import GraphView
    from dwagent.tools.graph.boundary_rules import boundary_findings
    from dwagent.tools.graph.mechanism_checks import mechanism_findings
    from dwagent.tools.graph.source import SourceLines
    from dwagent.tools.rules.registry import load_rules

    load_rules()
    conn = sqlite3.connect(index_db)
    cfg = graph_config_for(load_rubric(rubric).rubric, "csharp")
    captured: dict = {}
    real = build.find_entry_points
    build.find_entry_points = lambda *a: captured.setdefault("args", a) and []  # type: ignore[assignment]
    try:
        graph = build.build_graph(conn, cfg)
    finally:
        build.find_entry_points = real
    t = time.process_time()
    graph.entry_points = real(*captured["args"])
    inventory_s = time.process_time() - t
    store = types.SimpleNamespace(conn=conn)
    from dwagent.tools.graph import api

    api._CACHE.clear()
    view = GraphView(graph, SourceLines(conn), cfg)
    api._CACHE[api.content_key(conn, cfg)] = (conn, view)  # graph_for's cache shape: key -> (conn, view)
    t = time.process_time()
    n = len(boundary_findings(store, cfg)) + len(mechanism_findings(store, cfg))
    return {
        "inventory_cpu_s": round(inventory_s, 2),
        "checks_cpu_s": round(time.process_time() - t, 2),
        "entry_points": len(graph.entry_points),
        "design_findings": n,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report_dir")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--design", default="")
    ap.add_argument("--cost-index", default="", help="also time the inventory and checks on this index.sqlite")
    ap.add_argument("--rubric", default="dw")
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
    if args.cost_index:
        out["cost"] = measure_cost(args.cost_index, args.rubric)
    print(json.dumps(out, indent=2, sort_keys=True))
    print(f"targets: {TARGETS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
