"""Measure retrieval on the labelled set: recall@5, recall@10 and MRR per mode, plus latency.

    python -m dwagent.evals.retrieval.run [--modes lexical,dense,hybrid] [--json] [--out FILE]

A query counts as answered at k when any of its expected files (or declarations) is among the
top-k hits, so recall@k here is the share of queries answered within k (the labels list
alternative right answers, not a set that must all be found). MRR uses the first answering hit.
Indexes are built into a temporary folder; the fixture trees are never written to.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from dwagent.evals.runner import fixtures_root

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.yaml"
K = 10


@dataclass(frozen=True)
class Query:
    id: str
    tree: str
    query: str
    files: tuple[str, ...]
    symbols: tuple[str, ...]


def load_queries(path: Path = QUERIES) -> list[Query]:
    """Parse queries.yaml; raises ValueError on a malformed entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in data["queries"]:
        files = tuple(e for e in item["expect"] if isinstance(e, str))
        symbols = tuple(e["symbol"] for e in item["expect"] if isinstance(e, dict))
        if not files and not symbols:
            raise ValueError(f"query {item['id']} expects nothing")
        out.append(Query(item["id"], item["tree"], item["query"], files, symbols))
    return out


def first_relevant(q: Query, hits) -> int:
    """1-based rank of the first hit that answers q, or 0."""
    for rank, h in enumerate(hits, 1):
        if h.file in q.files or any(h.symbol == s or h.symbol.endswith("." + s) for s in q.symbols):
            return rank
    return 0


def evaluate(modes: list[str], queries: list[Query], work: Path, dense: str = "auto") -> dict:
    """Run every query in every mode; returns metrics per mode and per-query ranks."""
    from dwagent.tools.index import build_index, open_index
    from dwagent.tools.retrieve.hybrid import Retriever

    by_tree: dict[str, list[Query]] = {}
    for q in queries:
        by_tree.setdefault(q.tree, []).append(q)
    ranks: dict[str, dict[str, int]] = {m: {} for m in modes}
    latency: dict[str, list[float]] = {m: [] for m in modes}
    notes: list[str] = []
    for tree, tree_queries in sorted(by_tree.items()):
        root = fixtures_root() / tree
        if not root.is_dir():
            raise ValueError(f"fixture tree {tree} not found under {fixtures_root()}")
        build_index(root, index_dir=work / tree)
        store = open_index(root, index_dir=work / tree)
        retriever = Retriever(store.conn, store.root, dense=dense)
        if retriever.dense_available:
            retriever.build_dense()
        for mode in modes:
            if mode != "lexical" and not retriever.dense_available:
                notes.append(f"{mode} skipped for {tree}: {retriever.dense_status}")
                continue
            for q in tree_queries:
                start = time.perf_counter()
                hits = retriever.search(q.query, k=K, mode=mode)
                latency[mode].append((time.perf_counter() - start) * 1000)
                ranks[mode][q.id] = first_relevant(q, hits)
        retriever.close()
        store.close()
    metrics = {}
    for mode in modes:
        r = ranks[mode]
        if not r:
            continue
        n = len(r)
        metrics[mode] = {
            "queries": n,
            "recall@5": round(sum(1 for v in r.values() if 0 < v <= 5) / n, 3),
            "recall@10": round(sum(1 for v in r.values() if 0 < v <= 10) / n, 3),
            "mrr": round(sum(1 / v for v in r.values() if v) / n, 3),
            "latency_ms_median": round(statistics.median(latency[mode]), 1),
            "latency_ms_max": round(max(latency[mode]), 1),
            "missed": sorted(qid for qid, v in r.items() if v == 0),
        }
    return {"metrics": metrics, "ranks": {m: dict(sorted(v.items())) for m, v in ranks.items()}, "notes": sorted(set(notes))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dwagent.evals.retrieval.run")
    parser.add_argument("--modes", default="lexical,dense,hybrid")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    queries = load_queries()
    with tempfile.TemporaryDirectory(prefix="dwagent-retrieval-eval-") as tmp:
        result = evaluate(modes, queries, Path(tmp))
    text = json.dumps(result, indent=2, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        print(text)
    else:
        print(f"{len(queries)} queries over {len({q.tree for q in queries})} trees (k={K})")
        print(f"{'mode':<8} {'recall@5':>9} {'recall@10':>10} {'MRR':>6} {'median ms':>10} {'max ms':>8}  missed")
        for mode, m in result["metrics"].items():
            print(
                f"{mode:<8} {m['recall@5']:>9.3f} {m['recall@10']:>10.3f} {m['mrr']:>6.3f} "
                f"{m['latency_ms_median']:>10.1f} {m['latency_ms_max']:>8.1f}  {', '.join(m['missed']) or '-'}"
            )
        for note in result["notes"]:
            print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
