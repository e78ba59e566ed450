"""Tier checker: per tier, does its preset exist, does it set the options the tier requires, does
production code read them, do the findings break the tier's promises, do its flows pass."""
from __future__ import annotations

import time

from dwagent.agents.cells import absence, cell, code_evidence, evidence_table, row_status
from dwagent.agents.context import RunContext
from dwagent.agents.globs import match_ident
from dwagent.agents.policy import at_least, counts
from dwagent.agents.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.models import Evidence
from dwagent.rubric.schema import Tier

_OPTION_REF_KINDS = ("ident", "invoke", "attribute", "nameof", "string")


def _preset(sources: Sources, tier: Tier) -> dict | None:
    hits = [
        s for s in sources.symbols(kinds=("method", "function"), name_globs=(tier.preset.method,))
        if s["role"] == "production" and (s["container"].split(".")[-1] == tier.preset.type or s["path"].rsplit("/", 1)[-1].split(".")[0] == tier.preset.type)
    ]
    return sorted(hits, key=lambda s: (s["path"], s["start_line"]))[0] if hits else None


def check_tier(sources: Sources, tier: Tier, findings: list[dict], flows: dict, option_refs: list[dict]) -> tuple[dict, list[Evidence]]:
    """One tier row: cells preset, options-set, options-read, promises, flows."""
    evidence: list[Evidence] = []
    cells: dict[str, dict] = {}
    preset = None
    if tier.preset is None:
        ev = absence(tier.id, "the rubric names no preset for this tier")
        cells["preset"] = cell("PASS", "no preset required", [ev])
        evidence.append(ev)
    else:
        preset = _preset(sources, tier)
        if preset is None:
            ev = absence(tier.id, f"no production {tier.preset.type}.{tier.preset.method}")
            cells["preset"] = cell("FAIL", f"preset {tier.preset.type}.{tier.preset.method} not found", [ev])
            evidence.append(ev)
        else:
            ev = code_evidence(sources, preset["path"], preset["start_line"], note=f"preset {preset['qualname']}")
            cells["preset"] = cell("PASS", f"{preset['qualname']} exists", [ev])
            evidence.append(ev)
    if tier.required_options:
        if preset is None:
            cells["options-set"] = cell("FAIL" if tier.preset else "NOT VERIFIED", "no preset to set the required options")
            cells["options-read"] = cell("NOT VERIFIED", "no preset: nothing to check readers against")
        else:
            in_preset = [r for r in option_refs if r["path"] == preset["path"] and preset["start_line"] <= r["line"] <= preset["end_line"]]
            outside = [r for r in option_refs if r["role"] == "production" and not (r["path"] == preset["path"])]
            unset, unread, set_ev, read_ev = [], [], [], []
            for opt in tier.required_options:
                s_hits = [r for r in in_preset if match_ident((opt,), r["name"])]
                r_hits = [r for r in outside if match_ident((opt,), r["name"])]
                if s_hits:
                    set_ev.append(code_evidence(sources, s_hits[0]["path"], s_hits[0]["line"], note=f"preset sets {opt}"))
                else:
                    unset.append(opt)
                if r_hits:
                    read_ev.append(code_evidence(sources, r_hits[0]["path"], r_hits[0]["line"], note=f"production code reads {opt}"))
                else:
                    unread.append(opt)
            evidence.extend(set_ev + read_ev)
            cells["options-set"] = cell("FAIL", f"preset does not set: {', '.join(unset)}", set_ev) if unset else cell("PASS", "preset sets every required option", set_ev)
            cells["options-read"] = cell("FAIL", f"no production code reads: {', '.join(unread)}", read_ev) if unread else cell("PASS", "every required option is read", read_ev)
    broken, ids = [], []
    for b in tier.breaks:
        hits = [f for f in findings if f["category"] in b.categories and counts(f) and at_least(f["severity"], b.min_severity)]
        if hits:
            broken.append(f"{b.promise} ({len(hits)})")
            ids.extend(f["id"] for f in hits)
    if broken:
        cells["promises"] = cell("FAIL", "broken: " + "; ".join(broken), finding_ids=ids)
    else:
        ev = absence(tier.id, "no counted findings break: " + "; ".join(b.promise for b in tier.breaks) if tier.breaks else "no promises declared")
        evidence.append(ev)
        cells["promises"] = cell("PASS", "no finding breaks the tier's promises", [ev])
    if tier.requires_flows:
        statuses = {f: (flows.get(f) or {}).get("status", "NOT VERIFIED") for f in tier.requires_flows}
        bad = [f for f, s in statuses.items() if s == "FAIL"]
        unknown = [f for f, s in statuses.items() if s != "PASS" and s != "FAIL"]
        flow_ev = sorted({i for f in tier.requires_flows for i in (flows.get(f) or {}).get("evidence_ids", [])})
        if bad:
            cells["flows"] = {**cell("FAIL", f"flows fail: {', '.join(bad)}"), "evidence_ids": flow_ev}
        elif unknown:
            cells["flows"] = cell("NOT VERIFIED", f"flows not verified: {', '.join(unknown)}")
        else:
            cells["flows"] = {**cell("PASS", "required flows pass"), "evidence_ids": flow_ev}
    status = row_status(cells)
    row = {
        "id": tier.id,
        "name": tier.name,
        "status": status,
        "reason": "; ".join(f"{k}: {v['reason']}" for k, v in cells.items() if v["status"] != "PASS") or "all cells PASS",
        "evidence_ids": sorted({i for c in cells.values() for i in c["evidence_ids"]}),
        "finding_ids": sorted({i for c in cells.values() for i in c["finding_ids"]}),
        "cells": cells,
    }
    return row, evidence


def tier_checker_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: the tier matrix (needs the flow traces, so it runs after the tracer)."""
    started = time.perf_counter()
    tiers = ctx.rubric.rubric.tiers
    if not tiers:
        return {"tiers": {}, "timings": {"tier_checker": 0.0}}
    findings = state.get("findings", [])
    rows, evidence = {}, []
    globs = tuple(sorted({o for t in tiers for o in t.required_options}))
    with Sources.open(ctx) as sources:
        option_refs = sources.refs(kinds=_OPTION_REF_KINDS, name_globs=globs) if globs else []
        for tier in tiers:
            rows[tier.id], evs = check_tier(sources, tier, findings, state.get("flows", {}), option_refs)
            evidence.extend(evs)
    return {"tiers": rows, "evidence": evidence_table(evidence), "timings": {"tier_checker": round(time.perf_counter() - started, 3)}}
