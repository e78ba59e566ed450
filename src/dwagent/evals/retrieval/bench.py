"""Time retrieval on a large indexed tree: cards, dense cold and incremental, query latency.

    python -m dwagent.evals.retrieval.bench ROOT --index-dir DIR [--no-dense] [--json]

The tree must already be indexed (`dwagent index ROOT --index-dir DIR`). The side data
(cards, Chroma) is rebuilt from scratch under the index folder, so the cold numbers are cold.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

QUERIES = (
    "retry with exponential backoff",
    "encrypt payload with a key",
    "compress stream",
    "publish message to topic",
    "load configuration from file",
    "validate certificate",
    "store object on disk",
    "leader election",
    "cache eviction",
    "parse command line arguments",
    "StorageStrategyBase",
    "GetAsync",
    "dispose connection",
    "health check endpoint",
    "hash password",
    "serialize to json",
    "rate limit requests",
    "audit log entry",
    "schedule background job",
    "read metadata",
)


class _TimedEmbedder:
    """Wraps an embedder to tell model time apart from Chroma's storage time."""

    def __init__(self, inner) -> None:
        self.inner, self.model_id, self.wall, self.cpu = inner, inner.model_id, 0.0, 0.0

    def embed(self, texts):
        t, cpu = time.perf_counter(), time.process_time()
        try:
            return self.inner.embed(texts)
        finally:
            self.wall += time.perf_counter() - t
            self.cpu += time.process_time() - cpu


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median": round(statistics.median(ordered), 1), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1), "max": round(ordered[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    from dwagent.tools.index import open_index
    from dwagent.tools.retrieve.hybrid import Retriever

    parser = argparse.ArgumentParser(prog="python -m dwagent.evals.retrieval.bench")
    parser.add_argument("root", type=Path)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--no-dense", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    store = open_index(args.root, args.index_dir)
    side = store.db_path.parent / "retrieve"
    shutil.rmtree(side, ignore_errors=True)
    out: dict = {
        "load_avg_1m_start": round(os.getloadavg()[0], 1),
        "lines": store.conn.execute("SELECT COALESCE(SUM(lines),0) FROM files").fetchone()[0],
    }
    t, cpu = time.perf_counter(), time.process_time()
    retriever = Retriever(store.conn, store.root, dense="off" if args.no_dense else "auto")
    out["cards_cold_s"] = round(time.perf_counter() - t, 2)
    out["cards_cold_cpu_s"] = round(time.process_time() - cpu, 2)
    out["cards"] = retriever.cards.count()
    out["dense_cards"] = len(retriever.cards.dense_cards())
    t = time.perf_counter()
    retriever.cards.refresh()
    out["cards_incremental_s"] = round(time.perf_counter() - t, 2)
    modes = ["lexical"]
    if retriever.dense_available:
        from dwagent.tools.retrieve.embedder import OnnxMiniLM

        timed = _TimedEmbedder(OnnxMiniLM())
        retriever = Retriever(store.conn, store.root, dense=timed)
        t, cpu = time.perf_counter(), time.process_time()
        embedded, _ = retriever.build_dense()
        out["dense_cold_embed_s"] = round(timed.wall, 1)
        out["dense_cold_embed_cpu_s"] = round(timed.cpu, 1)
        out["dense_cold_s"] = round(time.perf_counter() - t, 1)
        # CPU seconds (all threads) stay meaningful when other work shares the cores.
        out["dense_cold_cpu_s"] = round(time.process_time() - cpu, 1)
        out["dense_embedded"] = embedded
        t = time.perf_counter()
        again = Retriever(store.conn, store.root, dense="auto")
        out["dense_incremental_embedded"] = again.build_dense()[0]
        out["dense_incremental_s"] = round(time.perf_counter() - t, 2)
        again.close()
        modes += ["dense", "hybrid"]
    else:
        out["dense"] = retriever.dense_status
    for mode in modes:
        retriever.search(QUERIES[0], k=10, mode=mode)  # warm caches (model session, sqlite pages)
        samples = []
        for q in QUERIES:
            t = time.perf_counter()
            retriever.search(q, k=10, mode=mode)
            samples.append((time.perf_counter() - t) * 1000)
        out[f"query_ms_{mode}"] = _ms(samples)
    out["load_avg_1m_end"] = round(os.getloadavg()[0], 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2, sort_keys=True) if args.json else "\n".join(f"{k}: {v}" for k, v in sorted(out.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
