"""Precision and recall of the auditor on real code, against the labels in evals/real/.

    python -m dwagent.evals.bench.real_precision [--corpus DIR] [--only KEY] [--findings DIR]
        [--labels DIR] [--emit-unlabelled FILE] [--json FILE] [--keep DIR] [--check]

With the corpus archives present (default `../shared/corpus` beside the checkout, or `--corpus`),
each archive named in `evals/real/corpora.yaml` is unpacked to a temporary folder and certified
cold in a child process (`--no-exec`, own index folder); wall time and peak RSS come from
`os.wait4`. `--findings DIR` scores existing reports instead (`DIR/<key>/findings.json`, or
`DIR/findings.json` with `--only KEY`) without running anything. Results are matched to labels by
rule, path and line hash (see real_labels.py); printed: precision per rule and per severity (plain
and calibrated, where a TP above its label's max_severity counts as wrong), critical+high counts
and precision, recall on the labelled true defects (TP and MISSED), and the unlabelled results,
which `--emit-unlabelled` writes as label stubs. No corpus and no `--findings`: says so, exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

from dwagent.errors import UsageError
from dwagent.evals import data_dir
from dwagent.evals.bench.real_labels import load_labels, match, results_from_report, score, unlabelled_stubs

# issue #14 targets, per corpus
TARGETS = {"critical_high_precision": 0.9, "all_precision": 0.7, "recall": 0.95}  # recall = TP retention


def default_corpus_dir(labels_dir: Path) -> Path:
    """`../shared/corpus` seen from the checkout that holds evals/ (the layout of the project)."""
    return labels_dir.resolve().parents[2] / "shared" / "corpus"


def _corpora(labels_dir: Path) -> list[dict]:
    spec = labels_dir / "corpora.yaml"
    if not spec.is_file():
        raise UsageError(f"{spec} is missing: it names the archive and rubric of each corpus")
    return list(yaml.safe_load(spec.read_text(encoding="utf-8")).get("corpora") or [])


def _unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    tops = [p for p in into.iterdir() if p.is_dir()]
    return tops[0] if len(tops) == 1 else into


def certify(tree: Path, rubric: str, work: Path) -> tuple[dict, dict]:
    """Cold `dwagent certify` of `tree` in a child process; returns (findings.json, cost)."""
    out, index = work / "report", work / "index"
    cmd = [
        sys.executable,
        "-m",
        "dwagent.cli",
        "certify",
        str(tree),
        "--rubric",
        rubric,
        "--out",
        str(out),
        "--index-dir",
        str(index),
        "--no-exec",
        "--quiet",
    ]
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # output to files, not pipes: os.wait4 must reap the child to give its peak RSS, and a full
    # pipe would block it first
    with open(work / "stdout.txt", "wb") as so, open(work / "stderr.txt", "wb") as se:
        proc = subprocess.Popen(cmd, stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        tail = (work / "stderr.txt").read_text(errors="replace")[-3000:]
        raise UsageError(f"certify of {tree} failed ({code}):\n{tail}")
    cost = {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit_code": code,
    }
    return json.loads((out / "findings.json").read_text(encoding="utf-8")), cost


def _report_for(key: str, findings_dir: Path, only: str) -> Path | None:
    nested = findings_dir / key / "findings.json"
    if nested.is_file():
        return nested
    flat = findings_dir / "findings.json"
    return flat if flat.is_file() and only == key else None


def _pct(value) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_scores(key: str, scores: dict, cost: dict | None) -> None:
    """The human-readable table of one corpus."""
    print(
        f"\n== {key}: {scores['results']} results, {scores['critical_high']} critical+high, "
        f"{scores['unlabelled']} unlabelled" + (f"; cost {cost}" if cost else "")
    )
    print(f"{'slice':<22}{'results':>8}{'labelled':>9}{'TP':>6}{'FP':>6}{'over':>6}{'prec':>8}{'calib':>8}")

    def row(name: str, t: dict) -> None:
        print(
            f"{name:<22}{t['results']:>8}{t['labelled']:>9}{t['tp']:>6}{t['fp']:>6}{t['overrated']:>6}"
            f"{_pct(t['precision']):>8}{_pct(t['calibrated_precision']):>8}"
        )

    row("ALL", scores["all"])
    est = scores["all_estimated_precision"]
    print(f"{'ALL (stratified est.)':<22}{'':>41}{_pct(est['precision']):>8}{_pct(est['calibrated_precision']):>8}  coverage {est['coverage']}")
    row("critical+high", scores["critical_high_precision"])
    for sev, t in scores["per_severity"].items():
        row(f"severity {sev}", t)
    for rule, t in scores["per_rule"].items():
        row(f"rule {rule}", t)
    rec = scores["recall"]
    print(
        f"retention of labelled TPs: {rec['tp_kept']}/{rec['tp_labels']} = {_pct(rec['retention'])};"
        f" recall incl. MISSED targets: {rec['found']}/{rec['true_defects']} = {_pct(rec['recall'])}"
        f" (MISSED found: {rec['missed_labels_found']}/{rec['missed_labels']})"
    )
    for lost in rec["lost"][:40]:
        print(f"  lost TP: {lost}")
    if len(rec["lost"]) > 40:
        print(f"  ... {len(rec['lost']) - 40} more")


def misses(scores: dict) -> list[str]:
    """Which issue-14 targets this corpus misses (critical+high precision, all precision, recall)."""
    out = []
    checks = [
        ("critical_high_precision", scores["critical_high_precision"]["calibrated_precision"]),
        ("all_precision", scores["all_estimated_precision"]["precision"]),
        ("recall", scores["recall"]["retention"]),
    ]
    for name, value in checks:
        if value is not None and value < TARGETS[name]:
            out.append(f"{name} {value:.3f} < {TARGETS[name]}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Score the auditor on the real corpora; 0 unless --check and a target is missed (1) or usage (2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="", help="folder with the corpus archives (default ../shared/corpus)")
    parser.add_argument("--labels", default="", help="folder with the label YAML (default evals/real)")
    parser.add_argument("--findings", default="", help="score existing reports instead of certifying")
    parser.add_argument("--only", default="", help="one corpus key (dw, bw, ...)")
    parser.add_argument("--emit-unlabelled", default="", help="write label stubs for unlabelled results here")
    parser.add_argument("--json", default="", help="write all scores as JSON here")
    parser.add_argument("--keep", default="", help="copy each certify report to DIR/<key>/ (re-score with --findings DIR)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target of issue 14 is missed")
    args = parser.parse_args(argv)
    try:
        labels_dir = Path(args.labels) if args.labels else data_dir() / "real"
        corpora = [c for c in _corpora(labels_dir) if not args.only or c["key"] == args.only]
        labels = load_labels(labels_dir)
    except (UsageError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    corpus_dir = Path(args.corpus) if args.corpus else default_corpus_dir(labels_dir)
    if not args.findings and not corpus_dir.is_dir():
        print(f"real-code benchmark NOT RUN: no corpus folder at {corpus_dir} (pass --corpus DIR or --findings DIR); nothing was measured")
        return 0
    all_scores: dict[str, dict] = {}
    stubs: list[dict] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dwagent-real-") as tmp:
        for spec in corpora:
            key, cost, tree = spec["key"], None, None
            if args.findings:
                report_path = _report_for(key, Path(args.findings), args.only)
                if report_path is None:
                    print(f"\n== {key}: no findings.json under {args.findings}; skipped")
                    continue
                report = json.loads(report_path.read_text(encoding="utf-8"))
            else:
                archives = sorted(corpus_dir.glob(spec["archive"]))
                if not archives:
                    print(f"\n== {key}: no archive {spec['archive']} in {corpus_dir}; NOT RUN")
                    continue
                tree = _unpack(archives[-1], Path(tmp) / key / "tree")
                try:
                    report, cost = certify(tree, spec["rubric"], Path(tmp) / key)
                except UsageError as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 2
                if args.keep:
                    shutil.copytree(Path(tmp) / key / "report", Path(args.keep) / key, dirs_exist_ok=True)
            results = results_from_report(report, tree)
            m = match(results, [lab for lab in labels if lab.corpus == key])
            scores = score(m, results)
            scores["cost"] = cost
            all_scores[key] = scores
            print_scores(key, scores, cost)
            stubs.extend(unlabelled_stubs(key, m))
            failed += [f"{key}: {miss}" for miss in misses(scores)]
    if args.emit_unlabelled:
        Path(args.emit_unlabelled).write_text(yaml.safe_dump(stubs, sort_keys=False, width=200), encoding="utf-8")
        print(f"\n{len(stubs)} unlabelled result(s) written to {args.emit_unlabelled}")
    if args.json:
        Path(args.json).write_text(json.dumps(all_scores, indent=2), encoding="utf-8")
    print("\ntargets: " + ("all met" if not failed else "; ".join(failed)))
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
