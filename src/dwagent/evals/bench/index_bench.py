"""Index benchmark: cold, warm no-change and one-file-change runs on a synthetic tree, against
the tree-sitter parse-only floor measured in the same run with the same number of processes.

    python -m dwagent.evals.bench.index_bench [--lines 1200000] [--seed 7] [--jobs N]

The tree is generated once per (seed, lines) under evals/bench/out/ (gitignored) and reused.
Results: a table on stdout and JSON in evals/bench/out/index-<date>.json. Peak RSS is reported
for the main process and for the largest worker; their sum bounds the whole run from above.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from dwagent.evals import bench_out_dir
from dwagent.evals.synth.generate import VERSION as SYNTH_VERSION
from dwagent.tools.index import build_index
from dwagent.tools.index.build import default_jobs
from dwagent.tools.index.worker import parse_only
from dwagent.tools.parse import PARSED_LANGUAGES, language_for
from dwagent.tools.walk import walk

OUT = bench_out_dir()


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "platform": platform.platform()}


def ensure_tree(lines: int, seed: int) -> Path:
    tree = OUT / f"synth-v{SYNTH_VERSION}-s{seed}-l{lines}"
    if not (tree / ".synth-manifest.json").is_file():
        if tree.exists():
            shutil.rmtree(tree)
        # A subprocess keeps the generator's memory out of this process's peak RSS.
        subprocess.run([sys.executable, "-m", "dwagent.evals.synth.generate", str(tree), "--lines", str(lines), "--seed", str(seed)], check=True)
    return tree


def cpu_seconds() -> float:
    """CPU time of this process plus its reaped children: robust when other jobs share the cores."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def parse_floor(tree: Path, jobs: int) -> tuple[float, float, int]:
    """(wall s, cpu s, files) to read and parse every file the index parses, nothing else."""
    paths = [str(tree / f.path) for f in walk(tree).files if language_for(f.path) in PARSED_LANGUAGES]
    started, cpu0 = time.perf_counter(), cpu_seconds()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap_unordered(parse_only, paths, chunksize=16):
            pass
    return time.perf_counter() - started, cpu_seconds() - cpu0, len(paths)


def main_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed_build(tree: Path, index_dir: Path, jobs: int):
    cpu0, main0 = cpu_seconds(), main_cpu_seconds()
    summary = build_index(tree, index_dir=index_dir, jobs=jobs)
    return summary, cpu_seconds() - cpu0, main_cpu_seconds() - main0


def one_file_change(tree: Path) -> Path:
    victim = sorted(tree.rglob("*Strategy.cs"))[len(sorted(tree.rglob("*Strategy.cs"))) // 2]
    return victim


def run(lines: int, seed: int, jobs: int) -> dict:
    tree = ensure_tree(lines, seed)
    index_dir = OUT / "index-bench-db"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    load_before = os.getloadavg()[0]
    floor_s, floor_cpu, parsed_files = parse_floor(tree, jobs)
    cold, cold_cpu, cold_main_cpu = timed_build(tree, index_dir, jobs)
    warm, warm_cpu, _ = timed_build(tree, index_dir, jobs)
    victim = one_file_change(tree)
    original = victim.read_bytes()
    try:
        victim.write_bytes(original + b"// touched by the index benchmark\n")
        changed, changed_cpu, _ = timed_build(tree, index_dir, jobs)
    finally:
        victim.write_bytes(original)
    restored = build_index(tree, index_dir=index_dir, jobs=jobs)
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    db_mb = sum(p.stat().st_size for p in index_dir.iterdir()) / 1e6
    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "jobs": jobs,
        "tree": {"seed": seed, "requested_lines": lines, "files": cold.files, "lines": cold.lines, "parsed_files": parsed_files},
        "load_average_at_start": round(load_before, 2),
        "parse_only_floor_s": round(floor_s, 2),
        "parse_only_floor_cpu_s": round(floor_cpu, 2),
        "cold": {
            "wall_s": cold.elapsed_s,
            "lines_per_s": round(cold.lines / cold.elapsed_s),
            "ratio_to_floor": round(cold.elapsed_s / floor_s, 2),
            "cpu_s": round(cold_cpu, 2),
            "main_process_cpu_s": round(cold_main_cpu, 2),
            "cpu_ratio_to_floor": round(cold_cpu / floor_cpu, 2),
            "symbols": cold.symbols,
            "refs": cold.refs,
            "chunks": cold.chunks,
            "constants": cold.constants,
        },
        "warm_no_change": {"wall_s": warm.elapsed_s, "cpu_s": round(warm_cpu, 2), "parsed": warm.parsed, "reused": warm.reused},
        "one_file_change": {
            "wall_s": changed.elapsed_s,
            "cpu_s": round(changed_cpu, 2),
            "parsed": changed.parsed,
            "file": victim.relative_to(tree).as_posix(),
        },
        "restore_change": {"wall_s": restored.elapsed_s, "parsed": restored.parsed},
        "peak_rss_mb": {"main": round(self_rss), "largest_worker": round(child_rss), "upper_bound": round(self_rss + child_rss)},
        "db_mb": round(db_mb, 1),
    }


def table(r: dict) -> str:
    rows = [
        ("tree", f"{r['tree']['files']:,} files, {r['tree']['lines']:,} lines"),
        ("load average", f"{r['load_average_at_start']} at start (other jobs on the cores inflate wall times)"),
        ("parse-only floor", f"{r['parse_only_floor_s']:.2f} s wall, {r['parse_only_floor_cpu_s']:.2f} s CPU ({r['jobs']} processes)"),
        (
            "cold index",
            f"{r['cold']['wall_s']:.2f} s wall ({r['cold']['ratio_to_floor']}x floor), "
            f"{r['cold']['cpu_s']:.2f} s CPU ({r['cold']['cpu_ratio_to_floor']}x floor), "
            f"{r['cold']['lines_per_s']:,} lines/s",
        ),
        ("warm no-change", f"{r['warm_no_change']['wall_s']:.2f} s (parsed {r['warm_no_change']['parsed']})"),
        ("one-file change", f"{r['one_file_change']['wall_s']:.2f} s (parsed {r['one_file_change']['parsed']})"),
        ("peak RSS", f"main {r['peak_rss_mb']['main']} MB, worker {r['peak_rss_mb']['largest_worker']} MB, sum {r['peak_rss_mb']['upper_bound']} MB"),
        ("rows", f"symbols {r['cold']['symbols']:,}, refs {r['cold']['refs']:,}, chunks {r['cold']['chunks']:,}"),
        ("database", f"{r['db_mb']} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dwagent.evals.bench.index_bench")
    parser.add_argument("--lines", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    result = run(args.lines, args.seed, args.jobs)
    target = OUT / f"index-{result['date']}.json"
    target.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(table(result))
    print(f"→ {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
