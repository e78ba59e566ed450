"""Tier checker: per tier, does its preset exist, does it set the options the tier requires, does
production code read them, do the findings break the tier's promises, do its flows pass."""
from __future__ import annotations

import time

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.globs import match_ident
from dwagent.agents.inputs.passages import PassageSearch, literal_words
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.cells import absence, cell, code_evidence, evidence_table, row_status
from dwagent.agents.verdict.policy import at_least, counts
from dwagent.models import Evidence
from dwagent.rubric.schema import Tier
from dwagent.tools.retrieve.hits import Filters

_OPTION_REF_KINDS = ("ident", "invoke", "attribute", "nameof", "string")


def _preset(sources: Sources, tier: Tier) -> dict | None:
    hits = [
        s for s in sources.symbols(kinds=("method", "function"), name_globs=(tier.preset.method,))
        if s["role"] == "production" and (s["container"].split(".")[-1] == tier.preset.type or s["path"].rsplit("/", 1)[-1].split(".")[0] == tier.preset.type)
    ]
    return sorted(hits, key=lambda s: (s["path"], s["start_line"]))[0] if hits else None


def _graph_option_sites(sources: Sources) -> list | None:
    """The code graph's option set/read sites (property of an option type, resolved through the
    index), or None when the graph is unavailable."""
    if getattr(sources, "graph_config", None) is None:
        return None
    try:
        view = sources.graph_view()
    except Exception:  # the graph is optional here: the index refs decide instead
        return None
    return list(view.graph.options)


def _short(qualname: str) -> str:
    return ".".join(qualname.split(".")[-2:])


def _options_set(sources, tier: Tier, preset: dict, option_refs: list[dict], sites: list | None):
    """Does the preset set every required option? Cites the setting line of each."""
    found, missing = [], []
    for opt in tier.required_options:
        if sites is not None:
            hits = sorted((s.file, s.line) for s in sites if s.kind == "set" and s.scope == preset["qualname"]
                          and match_ident((opt,), s.option.rsplit(".", 1)[-1]))
        else:
            hits = sorted((r["path"], r["line"]) for r in option_refs if r["path"] == preset["path"]
                          and preset["start_line"] <= r["line"] <= preset["end_line"] and match_ident((opt,), r["name"]))
        if hits:
            found.append(code_evidence(sources, hits[0][0], hits[0][1], note=f"preset sets {opt}"))
        else:
            missing.append(opt)
    if missing:
        ev = absence(tier.id, f"{preset['qualname']} (lines {preset['start_line']}-{preset['end_line']}) sets none of: {', '.join(missing)}")
        return cell("FAIL", f"preset does not set: {', '.join(missing)}", [*found, ev]), [*found, ev]
    return cell("PASS", "preset sets every required option", found), found


def _options_read(sources, tier: Tier, preset: dict | None, option_refs: list[dict], sites: list | None):
    """Does production code outside the presets read each required option? Each option is cited
    at its first read site, or reported NOT FOUND with what was searched."""
    production = {r["path"] for r in sources.files(role="production")}
    evidence, parts, unread = [], [], []
    for opt in tier.required_options:
        if sites is not None:
            # a read inside any preset factory (`scope` = a method that sets options) is configuration, not use
            setters = {s.scope for s in sites if s.kind == "set"}
            reads = sorted((s.file, s.line, s.scope) for s in sites if s.kind == "read" and s.file in production
                           and s.scope not in setters and match_ident((opt,), s.option.rsplit(".", 1)[-1]))
            searched = "read sites of option properties in production code (code graph), outside preset factories"
        else:
            reads = sorted((r["path"], r["line"], r["scope"] or "") for r in option_refs if r["role"] == "production"
                           and (preset is None or r["path"] != preset["path"]) and match_ident((opt,), r["name"]))
            searched = "production uses of the name outside the preset's file (index; code graph unavailable)"
        if reads:
            path, line, scope = reads[0]
            evidence.append(code_evidence(sources, path, line, note=f"production code reads {opt}" + (f" in {scope}" if scope else "")))
            parts.append(f"{opt} read at {path}:{line}" + (f" ({_short(scope)})" if scope else "") +
                         (f" and {len(reads) - 1} more" if len(reads) > 1 else ""))
        else:
            unread.append(opt)
            parts.append(f"{opt}: NOT FOUND")
            evidence.append(absence(tier.id, f"{opt}: no read found; searched {searched}"))
    reason = "; ".join(parts)[:400]
    if unread:
        return cell("FAIL", f"no production code reads: {', '.join(unread)} ({reason})"[:400], evidence), evidence
    return cell("PASS", reason, evidence), evidence


def check_tier(sources: Sources, tier: Tier, findings: list[dict], flows: dict, option_refs: list[dict],
               sites: list | None = None) -> tuple[dict, list[Evidence]]:
    """One tier row: cells preset, options-set, options-read, promises, flows. `sites` are the
    code graph's option sites (None: decide from the index refs)."""
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
        else:
            cells["options-set"], set_ev = _options_set(sources, tier, preset, option_refs, sites)
            evidence.extend(set_ev)
        # whether production code reads an option does not depend on the preset existing
        cells["options-read"], read_ev = _options_read(sources, tier, preset, option_refs, sites)
        evidence.extend(read_ev)
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


# Configuration formats searched for a tier's required options, and the query budget per run.
CONFIG_LANGUAGES = ("json", "yaml", "yml", "toml", "ini", "xml", "config")
OPTION_QUERIES = 8


def cite_option_config(sources: Sources, tiers, rows: dict[str, dict]) -> tuple[list[Evidence], str]:
    """Retrieved passages of configuration files that name a tier's required options (where a
    deployment would set them), added to the tier row's evidence; and why dense ranking did not
    join ('' when it did or nothing ran). Cells and statuses do not change."""
    present = {r[0] for r in sources.conn.execute("SELECT DISTINCT language FROM files")}
    languages = [lang for lang in CONFIG_LANGUAGES if lang in present]
    search = PassageSearch(sources, OPTION_QUERIES)
    found: dict[str, Evidence] = {}
    for tier in tiers:
        ids: set[str] = set()
        for glob in tier.required_options:
            for lang in languages if literal_words(glob) else ():
                for ev in search.matching(glob, k=1, note=f"configuration of tier {tier.id}'s required option",
                                          filters=Filters(language=lang)):
                    found[ev.id] = ev
                    ids.add(ev.id)
        if ids:
            row = rows[tier.id]
            rows[tier.id] = {**row, "evidence_ids": sorted({*row["evidence_ids"], *ids})}
    return list(found.values()), search.dense_reason if search.used else ""


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
        sites = _graph_option_sites(sources) if globs else None
        for tier in tiers:
            rows[tier.id], evs = check_tier(sources, tier, findings, state.get("flows", {}), option_refs, sites)
            evidence.extend(evs)
        retrieved, dense_reason = cite_option_config(sources, tiers, rows)
    update = {"tiers": rows, "evidence": evidence_table([*evidence, *retrieved]),
              "timings": {"tier_checker": round(time.perf_counter() - started, 3)}}
    return {**update, "optional": {"dense": dense_reason}} if dense_reason else update
