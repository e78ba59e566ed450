"""What a model adds to the hostile review and triage, measured on labelled findings.

Labels are the real-code ones (`evals/real/*.yaml`, or a scratch copy given with `--labels`):
each names a rule, a path, the sha1 of the stripped line and a verdict (TP, FP, or MISSED: a
real defect no rule reports). They are joined to the findings of a certify run of the same
corpus (`--findings .../findings.json`, matched on rule + path + line sha1, nearest line when
several) and the corpus is re-read from `--root`. Without labels the rule fixtures are used
(`ruleid:` annotations, as in llm_compare.py).

Both sides see the same findings:
- without the model every finding stands (precision = TP / (TP + FP) of the labelled findings,
  recall = found true defects / (TP + MISSED));
- with the model the certify pass runs (`agents/nodes/llm_stages.llm_review`: challenge of
  findings >= high, triage of low-confidence ones), and a finding whose verified argument lowered
  it is counted as dismissed. Dismissing an FP is the benefit, dismissing a TP the harm; the
  verdict never depends on it unless the citations verified.

Calls, tokens, wall time and cost come from the usage ledger. A deterministic sample bounds the
run (`--limit`, half TP and half FP, in label order), because a CPU model takes about a minute
per call:

    python -m dwagent.evals.bench.llm_value --labels L.yaml --findings F.json --root TREE \\
        --llm openai-compatible:gemma3-270m@http://127.0.0.1:18411/v1 --limit 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from dwagent.agents.llm.config import LLMOverrides, load_settings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.models import Finding

TRUE_DEFECT = ("TP", "MISSED")


def line_sha1(text: str) -> str:
    """The label key of a line: sha1 of its stripped UTF-8 text."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


def load_labels(paths: list[Path]) -> list[dict[str, Any]]:
    """Label mappings from YAML files (a mapping with `labels:` or a bare list)."""
    out: list[dict[str, Any]] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        items = data.get("labels", []) if isinstance(data, dict) else data
        out += [dict(item) for item in items if isinstance(item, dict) and item.get("verdict") in ("TP", "FP", "MISSED")]
    return out


def _line(root: Path, rel: str, line: int, cache: dict[str, list[str]]) -> str:
    if rel not in cache:
        try:
            cache[rel] = (root / rel).read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            cache[rel] = []
    lines = cache[rel]
    return lines[line - 1] if 0 < line <= len(lines) else ""


def match_labels(labels: list[dict[str, Any]], findings: list[Finding], root: Path) -> list[tuple[dict, Finding]]:
    """(label, finding) pairs: same rule and path, the finding's line has the label's sha1; the
    nearest line wins when several do. MISSED labels are not matched (no finding to review)."""
    cache: dict[str, list[str]] = {}
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_key.setdefault((f.rule, f.file), []).append(f)
    pairs, used = [], set()
    for label in labels:
        if label["verdict"] == "MISSED":
            continue
        candidates = [
            f
            for f in by_key.get((label["rule"], label["path"]), ())
            if f.id not in used and line_sha1(_line(root, f.file, f.start_line, cache)) == label.get("line_sha1")
        ]
        if candidates:
            best = min(candidates, key=lambda f: (abs(f.start_line - int(label.get("line", 0))), f.id))
            used.add(best.id)
            pairs.append((label, best))
    return pairs


def sample(pairs: list[tuple[dict, Finding]], limit: int | None) -> list[tuple[dict, Finding]]:
    """At most `limit` pairs, half TP and half FP where there are enough, in label order."""
    if limit is None or len(pairs) <= limit:
        return pairs
    tps = [p for p in pairs if p[0]["verdict"] == "TP"]
    fps = [p for p in pairs if p[0]["verdict"] == "FP"]
    take_fp = min(len(fps), limit // 2)
    take_tp = min(len(tps), limit - take_fp)
    take_fp = min(len(fps), limit - take_tp)
    return tps[:take_tp] + fps[:take_fp]


def _scores(pairs: list[tuple[dict, Finding]], dismissed: set[str], missed: int) -> dict[str, Any]:
    kept = [(label, f) for label, f in pairs if f.id not in dismissed]
    tp = sum(label["verdict"] == "TP" for label, _ in kept)
    fp = len(kept) - tp
    all_tp = sum(label["verdict"] == "TP" for label, _ in pairs)
    return {
        "true_positives": tp,
        "false_positives": fp,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (all_tp + missed), 4) if all_tp + missed else None,
    }


def measure(pairs: list[tuple[dict, Finding]], root: Path, gateway: LLMGateway | None, missed: int = 0) -> dict[str, Any]:
    """Precision and recall without and with the model over the same labelled findings."""
    from dwagent.agents.nodes.llm_stages import llm_review

    result: dict[str, Any] = {
        "findings": len(pairs),
        "missed_labels": missed,
        "without_model": _scores(pairs, set(), missed),
        "with_model": "NOT RUN (no model configured)",
    }
    if gateway is None:
        return result
    findings = [f for _, f in pairs]
    if not gateway.profile.tokens_per_s:
        gateway.ping(agent="endpoint_probe")  # mode and rate first, as certify does
    started = time.monotonic()
    reviewed, _ = llm_review(findings, gateway, root)
    seconds = time.monotonic() - started
    by_id = {f.id: f for f in reviewed}
    dismissed = {f.id for f in findings if by_id[f.id].severity != f.severity}
    verdict_of = {f.id: label["verdict"] for label, f in pairs}
    outcomes: dict[str, int] = {}
    for f in reviewed:
        for record in f.review:
            if record.challenge in ("llm", "llm-triage"):
                outcomes[f"{record.challenge}:{record.outcome}"] = outcomes.get(f"{record.challenge}:{record.outcome}", 0) + 1
    ledger = gateway.ledger.to_dict()
    result["with_model"] = {
        **_scores(pairs, dismissed, missed),
        "dismissed_true_positives": sum(verdict_of[i] == "TP" for i in dismissed),  # harm
        "dismissed_false_positives": sum(verdict_of[i] == "FP" for i in dismissed),  # benefit
        "review_outcomes": dict(sorted(outcomes.items())),
    }
    result["usage"] = {
        "model": gateway.settings.spec,
        "calls": ledger["totals"]["calls"],
        "input_tokens": ledger["totals"]["input_tokens"],
        "output_tokens": ledger["totals"]["output_tokens"],
        "cost_usd": ledger["totals"]["cost_usd"],
        "seconds": round(seconds, 1),
        "fallbacks": ledger["totals"]["fallbacks"],
        "disabled": ledger["disabled"],
        "structured_mode": gateway.mode,
        "reasons": {a: u["reasons"] for a, u in ledger["agents"].items()},
    }
    return result


def _fixture_pairs() -> tuple[list[tuple[dict, Finding]], Path]:
    """Rule-fixture hits as (label, finding): `ruleid:` on the finding's lines = TP, else FP."""
    import tempfile

    from dwagent.evals.bench.llm_compare import is_labelled_true
    from dwagent.tools.index import build_index
    from dwagent.tools.index.store import open_index
    from dwagent.tools.rules.engine import run_rules
    from dwagent.tools.rules.fixtures import fixtures_dir

    root = fixtures_dir().resolve()
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(root, index_dir=Path(index_dir))
        with open_index(root, Path(index_dir)) as store:
            findings = run_rules(store)
    pairs = [
        ({"verdict": "TP" if is_labelled_true(root, f) else "FP", "rule": f.rule, "path": f.file}, f) for f in sorted(findings, key=Finding.sort_key)
    ]
    return pairs, root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, nargs="*", default=None, help="label YAML files (default: evals/real/*.yaml)")
    parser.add_argument("--findings", type=Path, default=None, help="findings.json of a certify run of the labelled corpus")
    parser.add_argument("--root", type=Path, default=None, help="the labelled corpus (to re-read the code)")
    parser.add_argument("--llm", default=None)
    parser.add_argument("--limit", type=int, default=None, help="at most this many labelled findings (half TP, half FP)")
    parser.add_argument("--budget-usd", type=float, default=None)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--structured", default=None)
    parser.add_argument("--timeout", type=float, default=None, help="fixed per-call timeout (a shared local server queues)")
    args = parser.parse_args(argv)
    label_files = args.labels if args.labels is not None else sorted(Path("evals/real").glob("*.yaml"))
    labels = load_labels(label_files) if label_files else []
    if labels and args.findings and args.root:
        data = json.loads(args.findings.read_text(encoding="utf-8"))
        findings = [Finding.model_validate(f) for f in (data["findings"] if isinstance(data, dict) else data)]
        root = args.root.resolve()
        pairs = match_labels(labels, findings, root)
        source = {"labels": [str(p) for p in label_files], "findings": str(args.findings), "matched": len(pairs), "labels_total": len(labels)}
        missed = sum(label["verdict"] == "MISSED" for label in labels)
    else:
        pairs, root = _fixture_pairs()
        source = {"labels": "rule fixtures (ruleid: annotations): no real-code labels with --findings and --root given"}
        missed = 0
    chosen = sample(pairs, args.limit)
    settings = load_settings(
        LLMOverrides(llm=args.llm, budget_usd=args.budget_usd, no_cache=args.no_cache, structured=args.structured, timeout_s=args.timeout)
    )
    result = measure(chosen, root, LLMGateway.from_settings(settings), missed if args.limit is None else 0)
    result["source"] = source
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
