"""Benchmark the rule catalogue on a synthetic tree with planted defects.

    python -m dwagent.evals.bench.rules_bench TREE [--index-dir DIR] [--generate --lines N --seed S]
                                              [--jobs N] [--out results.json]
    python -m dwagent.evals.bench.rules_bench TREE --rule-times 400

`--per-file-only` skips the cross-file (graph) rules, whose cost belongs to the graph build.

Measures on an indexed tree: the per-file catalogue cold (cache cleared) and warm (all from the
`file_hits` cache), the whole catalogue including cross-file rules, findings per rule (the noisiest
rules with samples, for review), recall of the planted defects in `TREE/.synth-manifest.json`
(a defect counts when a finding of its category starts within two lines of it), hits on the
planted negatives, and peak RSS. Budget from the issue: whole catalogue <= 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def _cpu() -> float:
    """User+system CPU seconds of this process and its reaped workers (robust to a busy machine)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _match(findings, sites) -> tuple[int, list]:
    by_file: dict[str, list] = {}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    hit, missed = 0, []
    for d in sites:
        ok = any(f.category == d["category"] and abs(f.start_line - d["line"]) <= 2 for f in by_file.get(d["file"], []))
        hit += ok
        if not ok:
            missed.append(d)
    return hit, missed


def rule_times(tree: Path, sample: int) -> dict:
    """Seconds each per-file rule spends on a fixed sample of files (one process, parse and query
    timed apart): where to look first when the catalogue gets slower."""
    import random

    from dwagent.tools.parse import language_for
    from dwagent.tools.parse.context import FileContext
    from dwagent.tools.rules.registry import load_rules
    from dwagent.tools.syntax.tree import nodes

    files = sorted(p for p in tree.rglob("*") if p.is_file() and language_for(p.name) in ("csharp", "python"))
    random.Random(7).shuffle(files)
    rules = [r for r in load_rules().values() if r.meta.kind == "file"]
    per_rule: dict[str, float] = {r.meta.id: 0.0 for r in rules}
    parse = query = 0.0
    lines = 0
    for path in files[:sample]:
        data = path.read_bytes()
        lines += data.count(b"\n")
        ctx = FileContext(path=path.relative_to(tree).as_posix(), language=language_for(path.name), role="production", source=data)
        t = time.process_time()
        _ = ctx.tree  # force the lazy parse: its time is what this line measures
        parse += time.process_time() - t
        t = time.process_time()
        nodes(ctx, "comment")  # the one capture query every rule shares
        query += time.process_time() - t
        for r in rules:
            if ctx.language in r.meta.languages:
                t = time.process_time()
                list(r.fn(ctx))
                per_rule[r.meta.id] += time.process_time() - t
    slowest = sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "files": min(sample, len(files)),
        "lines": lines,
        "parse_cpu_seconds": round(parse, 2),
        "query_cpu_seconds": round(query, 2),
        "rules_cpu_seconds": round(sum(per_rule.values()), 2),
        "slowest": [{"rule": k, "cpu_seconds": round(v, 3)} for k, v in slowest],
    }


def run(tree: Path, index_dir: Path | None, jobs: int | None, per_file_only: bool = False) -> dict:
    """Index (incrementally), then time the rule catalogue cold, warm and whole."""
    from dwagent.tools.index import build_index, open_index
    from dwagent.tools.rules.engine import RULES_VERSION, run_rules_detailed
    from dwagent.tools.rules.registry import all_rules

    t0 = time.perf_counter()
    summary = build_index(tree, index_dir=index_dir, jobs=jobs)
    t_index = time.perf_counter() - t0
    file_rules = [m for m in all_rules() if m.kind == "file"]
    with open_index(tree, index_dir) as store:
        with store.conn:
            store.conn.execute("DELETE FROM file_hits")
        t1, c1 = time.perf_counter(), _cpu()
        cold = run_rules_detailed(store, rules=file_rules, jobs=jobs)
        t_cold, c_cold = time.perf_counter() - t1, _cpu() - c1
        t2 = time.perf_counter()
        warm = run_rules_detailed(store, rules=file_rules, jobs=jobs)
        t_warm = time.perf_counter() - t2
        t3, c3 = time.perf_counter(), _cpu()
        whole = warm if per_file_only else run_rules_detailed(store, jobs=jobs)
        t_whole, c_whole = (t_warm, 0.0) if per_file_only else (time.perf_counter() - t3, _cpu() - c3)
    lines = summary.lines
    per_rule = Counter(f.rule for f in whole.findings)
    noisy = []
    for rule, n in per_rule.most_common(8):
        samples = [f"{f.file}:{f.start_line} {f.message[:120]}" for f in whole.findings if f.rule == rule][:3]
        noisy.append({"rule": rule, "findings": n, "per_kloc": round(n / (lines / 1000), 3), "samples": samples})
    result = {
        "tree": str(tree),
        "rules_version": RULES_VERSION,
        "lines": lines,
        "files": summary.files,
        "jobs": jobs,
        "index_seconds": round(t_index, 2),
        "file_rules": len(file_rules),
        "all_rules": len(all_rules()),
        "per_file_cold_seconds": round(t_cold, 2),
        "per_file_warm_seconds": round(t_warm, 2),
        "whole_catalogue_seconds": None if per_file_only else round(t_whole, 2),
        "cross_file_rules_run": not per_file_only,
        "per_file_cold_cpu_seconds": round(c_cold, 2),
        "whole_catalogue_warm_cache_cpu_seconds": round(c_whole, 2),
        "load_average_1m": round(__import__("os").getloadavg()[0], 2),
        "cold_files_scanned": cold.files_scanned,
        "warm_files_scanned": warm.files_scanned,
        "rule_errors": len(whole.errors),
        "findings": len(whole.findings),
        "findings_per_rule": dict(sorted(per_rule.items())),
        "noisiest": noisy,
        "peak_rss_mb": _peak_mb(),
        "within_budget": t_cold + (t_whole - t_warm) <= 30.0,
    }
    manifest_path = tree / ".synth-manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        defects = manifest.get("defects", [])
        found, missed = _match(whole.findings, defects)
        negatives = manifest.get("negatives", [])
        neg_hits, _ = _match(whole.findings, negatives)
        result["planted"] = {
            "defects": len(defects),
            "found": found,
            "recall": round(found / len(defects), 4) if defects else None,
            "missed": missed[:20],
            "negatives": len(negatives),
            "negatives_hit": neg_hits,
        }
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree", type=Path)
    ap.add_argument("--index-dir", type=Path, default=None)
    ap.add_argument("--generate", action="store_true", help="Generate the synthetic tree first.")
    ap.add_argument("--lines", type=int, default=1_200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--per-file-only", action="store_true", help="Skip the cross-file (graph) rules.")
    ap.add_argument(
        "--rule-times", type=int, default=0, metavar="N", help="Only time each per-file rule on a sample of N files (CPU seconds) and exit."
    )
    args = ap.parse_args(argv)
    if args.rule_times:
        print(json.dumps(rule_times(args.tree, args.rule_times), indent=2, sort_keys=True))
        return 0
    if args.generate and not args.tree.exists():
        from dwagent.evals.synth.generate import generate

        generate(args.tree, args.lines, args.seed)
    result = run(args.tree, args.index_dir, args.jobs, args.per_file_only)
    text = json.dumps(result, indent=2, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
