"""Eval mode: LLM-assisted against offline verdicts on labelled rule fixtures.

(`versus_offline` compares two `dwagent eval` results dicts, fixture by fixture; `dwagent eval
--llm SPEC` adds it to its results as `vs_offline`, against the committed offline baseline.)

Offline, every rule hit stands. Assisted, the hostile reviewer's challenge (agents/llm/review.py)
is put to every production hit (`select_for_challenge(..., min_severity="low")`) and only verified
refutations or downgrades count. Labels come from the fixtures themselves: a hit whose lines carry
`ruleid: <its rule>` is a true positive, any other hit a false positive (so an unlabelled but
genuine hit of another rule in a fixture counts as a false positive: the "benefit" figure is an
upper bound, the "harm" figure is exact). The report says how
many true positives the model wrongly removed (harm) and how many false positives it removed
(benefit), plus the usage ledger. Needs a configured model; with `--llm none` it reports the
offline side and marks the assisted side NOT RUN.

    python -m dwagent.evals.bench.llm_compare [FIXTURES] --llm anthropic:claude-sonnet-5-5 [--budget-usd 1]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from dwagent.agents.llm.config import LLMOverrides, load_settings
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.agents.llm.review import ReviewContext, apply_challenge, llm_challenge, select_for_challenge
from dwagent.models import Finding

_LABEL = re.compile(r"ruleid:\s*([A-Z]+-\d+)")


def is_labelled_true(root: Path, finding: Finding) -> bool:
    """True when one of the finding's lines carries `ruleid: <finding.rule>`."""
    try:
        lines = (root / finding.file).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return False
    span = lines[finding.start_line - 1 : finding.end_line]
    return any(finding.rule in _LABEL.findall(line) for line in span)


def _challenge_all(gateway: LLMGateway, findings: list[Finding], root: Path) -> tuple[set[str], set[str], dict[str, str]]:
    """(refuted keys, downgraded keys, key -> challenge status) over every selected finding, in
    the deterministic sort order so a budget cap always cuts the same tail."""
    gateway.register_secrets(list(findings))
    dropped: set[str] = set()
    downgraded: set[str] = set()
    outcomes: dict[str, str] = {}
    for finding in select_for_challenge(findings, "low", 10_000):
        key = finding.id or finding.fingerprint
        outcome = llm_challenge(gateway, finding, ReviewContext(root=root, guards=finding.guards))
        outcomes[key] = outcome.status
        updated = apply_challenge(finding, outcome)
        if updated is None:
            dropped.add(key)
        elif updated.review and updated.review[-1].outcome == "downgraded":
            downgraded.add(key)
    return dropped, downgraded, outcomes


def compare(root: Path, offline: list[Finding], gateway: LLMGateway | None) -> dict:
    """Score the offline findings and (when a gateway is given) the assisted ones."""
    truth = {f.id or f.fingerprint: is_labelled_true(root, f) for f in offline}
    result: dict = {
        "offline": {"true_positives": sum(truth.values()), "false_positives": sum(not t for t in truth.values())},
        "assisted": "NOT RUN (no model configured)",
    }
    if gateway is None:
        return result
    dropped, downgraded, outcomes = _challenge_all(gateway, offline, root)
    result["assisted"] = {
        "true_positives_refuted": sum(1 for k in dropped if truth.get(k)),
        "false_positives_refuted": sum(1 for k in dropped if truth.get(k) is False),
        "true_positives_downgraded": sum(1 for k in downgraded if truth.get(k)),
        "false_positives_downgraded": sum(1 for k in downgraded if truth.get(k) is False),
        "outcomes": dict(sorted({s: list(outcomes.values()).count(s) for s in set(outcomes.values())}.items())),
    }
    result["llm"] = gateway.ledger.to_dict()
    return result


def versus_offline(assisted: dict, offline: dict | None) -> dict:
    """LLM-assisted eval results against offline ones (`dwagent eval` results dicts), fixture by
    fixture: verdicts and cells that differ, and the micro F1 of both. Only fixtures present in
    both are compared; `offline` None (no offline baseline yet) says so instead."""
    if offline is None:
        return {"status": "NOT RUN (no offline baseline: run `dwagent eval --update-baseline` offline first)"}
    fixtures: dict[str, dict] = {}
    for name in sorted(set(assisted.get("fixtures", {})) & set(offline.get("fixtures", {}))):
        a, o = assisted["fixtures"][name], offline["fixtures"][name]
        cells = {
            f"{kind}:{cell}": {"offline": o["cells"][kind][cell]["actual"], "llm": row["actual"], "expected": row["expected"]}
            for kind, by_name in sorted(a.get("cells", {}).items())
            for cell, row in sorted(by_name.items())
            if cell in o.get("cells", {}).get(kind, {}) and o["cells"][kind][cell]["actual"] != row["actual"]
        }
        fixtures[name] = {
            "verdict": {"offline": o["verdict"]["actual"], "llm": a["verdict"]["actual"], "expected": a["verdict"]["expected"]},
            "verdict_changed": o["verdict"]["actual"] != a["verdict"]["actual"],
            "cells_changed": cells,
        }
    return {
        "status": "RAN",
        "fixtures": fixtures,
        "verdicts_changed": sorted(n for n, f in fixtures.items() if f["verdict_changed"]),
        "verdict_accuracy": {side: sum(f["verdict"][side] == f["verdict"]["expected"] for f in fixtures.values()) for side in ("offline", "llm")},
        "compared": len(fixtures),
        "f1": {"offline": offline.get("overall", {}).get("f1"), "llm": assisted.get("overall", {}).get("f1")},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixtures", nargs="?", type=Path, default=None)
    parser.add_argument("--llm", default=None)
    parser.add_argument("--budget-usd", type=float, default=None)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    from dwagent.evals.rule_fixtures import fixtures_dir
    from dwagent.tools.index import build_index
    from dwagent.tools.index.store import open_index
    from dwagent.tools.rules.engine import run_rules

    root = (args.fixtures or fixtures_dir()).resolve()
    with tempfile.TemporaryDirectory() as index_dir:
        build_index(root, index_dir=Path(index_dir))
        with open_index(root, Path(index_dir)) as store:
            findings = run_rules(store)
    settings = load_settings(LLMOverrides(llm=args.llm, budget_usd=args.budget_usd, no_cache=args.no_cache))
    print(json.dumps(compare(root, findings, LLMGateway.from_settings(settings)), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
