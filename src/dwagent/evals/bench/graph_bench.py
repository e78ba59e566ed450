"""Benchmark the code graph on a synthetic tree with planted truth.

    python -m dwagent.evals.bench.graph_bench TREE [--index-dir DIR] [--generate --lines N --seed S]
                                              [--public-api GLOB ...] [--out results.json]

Measures (2-core budgets from the issue): graph build (≤ 30 s), one trace query and one who-calls
(≤ 1 s each), reload of the persisted graph, unwired-component findings per 1,000 classes, and
recall/precision of unwired components and orphan topics against `TREE/.synth-manifest.json`,
and the number of write-only-state and dead-code findings (the generator plants none: noise).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def _generate(tree: Path, lines: int, seed: int) -> None:
    from dwagent.evals.synth.generate import generate

    generate(tree, lines, seed)


def _score(found: set[str], truth: set[str]) -> dict:
    tp = len(found & truth)
    return {
        "planted": len(truth),
        "reported": len(found),
        "true_positives": tp,
        "recall": round(tp / len(truth), 4) if truth else None,
        "precision": round(tp / len(found), 4) if found else None,
        "missed": sorted(truth - found)[:20],
        "unexpected": sorted(found - truth)[:20],
    }


def run(tree: Path, index_dir: Path | None, public_api: tuple[str, ...]) -> dict:
    """Index (incrementally), build the graph cold, query it, and score it against the manifest."""
    from dwagent.tools.graph.api import GraphView
    from dwagent.tools.graph.build import build_graph
    from dwagent.tools.graph.checks import orphan_topic_findings, unwired_findings, write_only_findings
    from dwagent.tools.graph.config import GraphConfig
    from dwagent.tools.graph.deadcode import dead_code_findings
    from dwagent.tools.graph.persist import content_key, load_stored, save_graph
    from dwagent.tools.graph.query import who_calls
    from dwagent.tools.graph.source import SourceLines
    from dwagent.tools.graph.trace import trace_path
    from dwagent.tools.index import build_index, open_index

    manifest = json.loads((tree / ".synth-manifest.json").read_text(encoding="utf-8"))
    cfg = GraphConfig.from_mapping({"public_api": list(public_api)} if public_api else None)
    t0 = time.perf_counter()
    summary = build_index(tree, index_dir=index_dir)
    t_index = time.perf_counter() - t0
    out: dict = {"tree": str(tree), "files": summary.files, "lines": summary.lines, "refs": summary.refs, "index_s": round(t_index, 2)}
    with open_index(tree, index_dir=index_dir) as store:
        t0 = time.perf_counter()
        graph = build_graph(store.conn, cfg)
        out["graph_build_s"] = round(time.perf_counter() - t0, 2)
        graph.key = content_key(store.conn, cfg)
        t0 = time.perf_counter()
        save_graph(store.conn, graph)
        out["graph_save_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        load_stored(store.conn)
        out["graph_reload_s"] = round(time.perf_counter() - t0, 2)
        view = GraphView(graph, SourceLines(store.conn), cfg)
        out["types"] = len(graph.types)
        out["members"] = len(graph.methods)
        out["edges"] = len(graph.edges)
        out["bus_sites"] = len(graph.bus)
        out["reflection_discovered"] = len(graph.discovered)

        # a trace from a publishing member to the handler of its topic (through the bus)
        subs = {s.topic: s for s in sorted(graph.bus, key=lambda s: (s.file, s.line)) if s.side == "subscribe" and s.topic and s.handlers}
        pub = next((s for s in sorted(graph.bus, key=lambda s: (s.file, s.line)) if s.side == "publish" and s.topic in subs), None)
        entry = pub.scope if pub else ""
        handler = subs[pub.topic].handlers[0] if pub else ""
        t0 = time.perf_counter()
        trace = trace_path(view, entry, handler) if entry and handler else None
        out["trace_query_s"] = round(time.perf_counter() - t0, 3)
        out["trace"] = {"from": entry, "to": handler, "status": trace.status if trace else "NOT RUN", "hops": len(trace.hops) if trace else 0}
        t0 = time.perf_counter()
        callers = who_calls(view, handler) if handler else []
        out["who_calls_s"] = round(time.perf_counter() - t0, 3)
        out["who_calls_results"] = len(callers)

        t0 = time.perf_counter()
        unwired = unwired_findings(view)
        orphans = orphan_topic_findings(view)
        write_only = write_only_findings(view)
        out["checks_s"] = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        dead = dead_code_findings(store, cfg)  # reuses the graph just saved (same content key)
        out["dead_code_s"] = round(time.perf_counter() - t0, 2)
        out["dead_code_findings"] = len(dead)
    classes = sum(1 for t in graph.types.values() if t.kind in ("class", "record", "struct") and t.role == "production")
    out["production_classes"] = classes
    out["unwired_findings"] = len(unwired)
    out["unwired_per_1000_classes"] = round(1000 * len(unwired) / classes, 2) if classes else None
    out["unwired_score"] = _score({f.properties["symbol"] for f in unwired}, {u["class"] for u in manifest["unwired"]})
    out["orphan_topic_score"] = _score({f.properties["topic"] for f in orphans}, {o["topic"] for o in manifest["orphan_topics"]})
    out["write_only_findings"] = len(write_only)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI entry: prints the results as JSON (and writes them with --out)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--generate", action="store_true", help="generate TREE first (must not exist)")
    ap.add_argument("--lines", type=int, default=1_200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--public-api", action="append", default=[], help="public-API glob (repeatable)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.generate:
        _generate(args.tree, args.lines, args.seed)
    result = run(args.tree, args.index_dir, tuple(args.public_api))
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    ok = (
        result["graph_build_s"] <= 30
        and result["trace_query_s"] <= 1
        and (result["unwired_score"]["recall"] or 0) >= 0.95
        and (result["unwired_score"]["precision"] or 0) >= 0.9
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
