"""Estimate what LLM assistance costs on a DW-sized tree under the default selection policy.

Indexes a tree, runs the rules, selects findings exactly as the certify run does
(`select_for_challenge`: unsuppressed production findings of severity >= high, capped;
`select_for_triage`: low-confidence hits, capped), renders the real prompts with the real code
context (finding lines + enclosing member window, as `context_blocks` sends them) and counts the
input tokens with the offline tiktoken counter. The flow-hop, rationale and competitor-prose
calls are rendered the same way (evals/bench/llm_cost_prompts.py): one per rubric waypoint, per
domain/tier row, per KB product. Output tokens are the configured allowance (worst case) and a
typical figure. Prices come from agents/llm/prices.yaml.

    python -m dwagent.evals.bench.llm_cost TREE [--index-dir DIR] [--json OUT]
    python -m dwagent.evals.bench.llm_cost --generate 1200000 --seed 7 --workdir /tmp/llmcost

No network; no model is called.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from dwagent.agents.llm.assist import DEFAULT_TRIAGE_CAP, select_for_triage
from dwagent.agents.llm.flow_assist import DEFAULT_HOP_CAP
from dwagent.agents.llm.gateway import DEFAULT_MAX_OUTPUT_TOKENS
from dwagent.agents.llm.prices import price_for
from dwagent.agents.llm.providers.jsonschema import strict_json_schema
from dwagent.agents.llm.rationales import DEFAULT_ROW_CAP
from dwagent.agents.llm.review import (
    DEFAULT_CHALLENGE_CAP,
    ReviewContext,
    context_blocks,
    finding_summary,
    select_for_challenge,
)
from dwagent.agents.llm.schemas import ChallengeReply, TriageReply
from dwagent.agents.llm.templates import load_prompt, render
from dwagent.agents.llm.tokens import TokenCounter
from dwagent.competitors.prose import DEFAULT_LLM_PRODUCT_CAP
from dwagent.models import Evidence, Finding

TYPICAL_OUTPUT = {"challenge": 300, "triage": 250, "flow": 200, "rationale": 350, "competitor": 400}  # tokens
MODELS = (
    ("anthropic", "claude-sonnet-5-5"),
    ("openai", "gpt-4.1-mini"),
    ("openai", "gpt-5.6-terra"),
    ("openai", "gpt-5.6-luna"),
    ("anthropic", "claude-haiku-5-5"),
    ("anthropic", "claude-opus-5-5"),
)


def _enclosing(conn, finding: Finding, root: Path) -> Evidence | None:
    row = conn.execute(
        "SELECT s.start_line, s.end_line FROM symbols s JOIN files f ON f.id = s.file_id"
        " WHERE f.path = ? AND s.start_line <= ? AND s.end_line >= ?"
        " AND s.kind IN ('method','constructor','function','property')"
        " ORDER BY (s.end_line - s.start_line) ASC LIMIT 1",
        (finding.file, finding.start_line, finding.end_line),
    ).fetchone()
    if row is None:
        return None
    from dwagent.tools.verify import read_span

    text = read_span(root, finding.file, row[0], row[1])
    if text is None:
        return None
    return Evidence(id=Evidence.make_id(finding.file, row[0], row[1], text), file=finding.file, start_line=row[0], end_line=row[1], excerpt=text)


def _tokens(counter: TokenCounter, prompt: str, inputs: dict, schema) -> int:
    system, user = render(load_prompt(prompt), inputs)
    return counter.count(system + user + json.dumps(strict_json_schema(schema)))


def estimate(root: Path, index_dir: Path | None, file_rules_only: bool = False) -> dict:
    from dwagent.tools.index import build_index
    from dwagent.tools.index.store import open_index
    from dwagent.tools.rules.engine import run_rules

    t0 = time.perf_counter()
    summary = build_index(root, index_dir=index_dir)
    t1 = time.perf_counter()
    with open_index(root, index_dir) as store:
        rules = None
        if file_rules_only:  # cross-file (graph) rules skipped: see --file-rules-only
            from dwagent.tools.rules.registry import select_rules

            rules = [m for m in select_rules(None) if m.kind == "file"]
        findings = run_rules(store, rules=rules)
        t2 = time.perf_counter()
        counter = TokenCounter("claude-sonnet-5-5", Path("/tmp/dwagent-llmcost-tok"))
        challenge = select_for_challenge(findings)
        triage = select_for_triage(findings)
        calls: dict[str, list[int]] = {"challenge": [], "triage": [], "flow": [], "rationale": [], "competitor": []}
        for kind, chosen, prompt, schema in (("challenge", challenge, "hostile_reviewer", ChallengeReply), ("triage", triage, "triage", TriageReply)):
            for f in chosen:
                ctx = ReviewContext(root=root, enclosing=_enclosing(store.conn, f, root))
                inputs = {"finding": finding_summary(f), "code": context_blocks(f, ctx)}
                calls[kind].append(_tokens(counter, prompt, inputs, schema))
        from dwagent.evals.bench.llm_cost_prompts import competitor_prompts, flow_prompts, rationale_prompts

        calls["flow"], flow_stand_ins = flow_prompts(root, store, counter, _tokens)
        calls["rationale"] = rationale_prompts(findings, counter, _tokens)
        calls["competitor"] = competitor_prompts(store, findings, counter, _tokens)
    per_kind = {}
    for kind, inputs in calls.items():
        per_kind[kind] = {
            "calls": len(inputs),
            "input_tokens": sum(inputs),
            "mean_input_tokens": round(sum(inputs) / len(inputs)) if inputs else 0,
            "typical_output_tokens": TYPICAL_OUTPUT[kind] * len(inputs),
            "max_output_tokens": DEFAULT_MAX_OUTPUT_TOKENS * len(inputs),
        }
    tin = sum(k["input_tokens"] for k in per_kind.values())
    tout = sum(k["typical_output_tokens"] for k in per_kind.values())
    tmax = sum(k["max_output_tokens"] for k in per_kind.values())
    costs = {}
    for provider, model in MODELS:
        price = price_for(provider, model)
        costs[model] = {
            "typical_usd": round(price.cost(tin, tout), 2),
            "worst_usd": round(price.cost(tin, tmax), 2),
            "price_in_out_per_mtok": [price.input_per_mtok, price.output_per_mtok],
        }
    # The selection caps bound any tree: every capped call at the measured mean prompt size.
    # Flow, rationale and competitor calls are bounded by the rubric and the KB, not only by their
    # caps: one per waypoint, per domain/tier row, per product (the counts measured above).
    caps = {
        "challenge": DEFAULT_CHALLENGE_CAP,
        "triage": DEFAULT_TRIAGE_CAP,
        "flow": min(DEFAULT_HOP_CAP, len(calls["flow"])),
        "rationale": min(DEFAULT_ROW_CAP, len(calls["rationale"])),
        "competitor": min(DEFAULT_LLM_PRODUCT_CAP, len(calls["competitor"])),
    }
    fallback_mean = per_kind["challenge"]["mean_input_tokens"] or per_kind["rationale"]["mean_input_tokens"]
    bound_in = sum(caps[k] * (per_kind[k]["mean_input_tokens"] or fallback_mean) for k in caps)
    bound_typ = sum(caps[k] * TYPICAL_OUTPUT[k] for k in caps)
    bound_max = sum(caps[k] * DEFAULT_MAX_OUTPUT_TOKENS for k in caps)
    cap_bound = {
        "calls": caps,
        "input_tokens": bound_in,
        "total_tokens_typical": bound_in + bound_typ,
        "total_tokens_worst": bound_in + bound_max,
        "cost": {
            model: {
                "typical_usd": round(price_for(p, model).cost(bound_in, bound_typ), 2),
                "worst_usd": round(price_for(p, model).cost(bound_in, bound_max), 2),
            }
            for p, model in MODELS
        },
    }
    by_sev: dict[str, int] = {}
    for f in findings:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    return {
        "tree": {"files": getattr(summary, "files", None), "lines": getattr(summary, "lines", None)},
        "findings": len(findings),
        "rule_set": "per-file only" if file_rules_only else "all",
        "findings_by_severity": dict(sorted(by_sev.items())),
        "low_confidence": sum(f.confidence == "low" for f in findings),
        "selected": {kind: len(inputs) for kind, inputs in calls.items()},
        "flow_hops_with_stand_in_members": flow_stand_ins,
        "per_kind": per_kind,
        "total_input_tokens": tin,
        "total_tokens_typical": tin + tout,
        "total_tokens_worst": tin + tmax,
        "token_count_exact": counter.exact,
        "cost": costs,
        "cap_bound": cap_bound,
        "seconds": {"index": round(t1 - t0, 1), "rules": round(t2 - t1, 1)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--generate", type=int, help="generate a synthetic tree of this many lines first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/dwagent-llmcost"))
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--file-rules-only", action="store_true", help="skip cross-file (graph) rules, e.g. when they are too slow on a busy machine")
    args = parser.parse_args(argv)
    tree = args.tree
    if args.generate:
        tree = args.workdir / "tree"
        if not tree.exists():
            subprocess.run(
                [sys.executable, "-m", "dwagent.evals.synth.generate", str(tree), "--lines", str(args.generate), "--seed", str(args.seed)], check=True
            )
        args.index_dir = args.index_dir or args.workdir / "index"
    if tree is None:
        parser.error("give TREE or --generate LINES")
    result = estimate(tree.resolve(), args.index_dir, args.file_rules_only)
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
