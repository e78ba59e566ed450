"""The certification graph's state: plain JSON-able values so checkpoints are portable.

Fan-out branches write disjoint keys; the few keys several nodes write use merge reducers.
Findings and cells travel as dicts (`Finding.model_dump(mode="json")`, `Cell` dumps) and are
re-validated by the adjudicator when it builds the report model.
"""

from __future__ import annotations

from typing import Annotated, Any, TypedDict


def merge_dicts(left: dict | None, right: dict | None) -> dict:
    """Reducer: union of two mappings, right wins per key."""
    out = dict(left or {})
    out.update(right or {})
    return out


def concat_sorted(left: list | None, right: list | None) -> list:
    """Reducer: concatenation, sorted so parallel branches give one deterministic order."""
    return sorted([*(left or []), *(right or [])], key=repr)


def latest_snapshot(left: dict | None, right: dict | None) -> dict:
    """Reducer for cumulative snapshots of one shared counter (the LLM usage ledger): keep the one
    with more recorded events, so parallel branches give the same, most complete value."""
    if not left:
        return dict(right or {})
    if not right:
        return dict(left)
    return dict(right) if right.get("events", 0) >= left.get("events", 0) else dict(left)


class CertifyState(TypedDict, total=False):
    inventory: dict[str, Any]  # reader: files, lines, languages, projects, plugins, tests
    gate_runs: dict[str, Any]  # reader: command gate id -> result dict
    raw_findings: list[dict]  # evidence: rule findings as produced
    rules_info: dict[str, Any]  # evidence: rules version, errors, cache stats
    findings: list[dict]  # hostile reviewer: counted + accepted findings, reviewed
    dropped: list[dict]  # hostile reviewer: dropped findings with their review records
    evidence: Annotated[dict[str, dict], merge_dicts]  # id -> Evidence dict (every node adds)
    plugins: dict[str, Any]  # plugin auditor: plugin id -> row
    entry_points: list[dict]  # plugin auditor: the code graph's entry-point inventory (EntryPoint.as_dict)
    flow_rows: Annotated[dict[str, Any], merge_dicts]  # per-flow tasks (Send): flow id -> trace, any order
    flows: dict[str, Any]  # flow tracer's join: flow id -> trace, in rubric order
    tiers: dict[str, Any]  # tier checker: tier id -> row
    claims: list[dict]  # claims checker
    challenges: list[dict]  # hostile reviewer's challenges of PASS cells
    competitive: dict[str, Any]  # competitor analyst (or a NOT RUN record)
    report: dict[str, Any]  # adjudicator: the report model dump
    not_run: Annotated[dict[str, str], merge_dicts]  # part -> why it did not run
    optional: Annotated[dict[str, str], merge_dicts]  # optional extra -> why it did not run (run.json)
    timings: Annotated[dict[str, float], merge_dicts]  # node -> seconds (run.json only)
    log: Annotated[list[str], concat_sorted]  # reviewer decisions and skips, for run.json
    # only with an LLM gateway: the usage ledger after each step, so --resume keeps its usage and prose
    llm_ledger: Annotated[dict[str, Any], latest_snapshot]
