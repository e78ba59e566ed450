"""Tier checker: per tier, does its preset exist, does it set the options the tier requires, does
production code read them, do the findings break the tier's promises, do its flows pass."""

from __future__ import annotations

import re
import time

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.globs import match_ident
from dwagent.agents.inputs.passages import PassageSearch, literal_words
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.cells import absence, cell, code_evidence, evidence_table, row_status
from dwagent.agents.verdict.tier_scope import enabled_reads, judge_promises
from dwagent.models import Evidence
from dwagent.rubric.schema import Tier
from dwagent.tools.retrieve.hits import Filters

_OPTION_REF_KINDS = ("ident", "invoke", "attribute", "nameof", "string")


def _preset(sources: Sources, tier: Tier) -> dict | None:
    hits = [
        s
        for s in sources.symbols(kinds=("method", "function"), name_globs=(tier.preset.method,))
        if s["role"] == "production"
        and (s["container"].split(".")[-1] == tier.preset.type or s["path"].rsplit("/", 1)[-1].split(".")[0] == tier.preset.type)
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


_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def _preset_chain(sources, preset: dict) -> list[dict]:
    """The preset and every factory of the same type it calls, transitively (a preset that starts
    from another preset, `var c = CreateStandard();`, sets what that one sets)."""
    siblings = {
        m["name"]: m
        for m in sources.symbols(kinds=("method", "function"), path_prefix=preset["path"])
        if m["container"] == preset["container"] and m["path"] == preset["path"]
    }
    chain, todo, seen = [], [preset], {preset["qualname"]}
    while todo:
        m = todo.pop(0)
        chain.append(m)
        body = "\n".join(sources.lines(m["path"])[m["start_line"] : m["end_line"]])  # skip the declaration line
        for name in _CALL.findall(body):
            callee = siblings.get(name)
            if callee and callee["qualname"] not in seen:
                seen.add(callee["qualname"])
                todo.append(callee)
    return chain


_ASSIGN = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*=(?![=>])")


def _text_sets(sources, chain: list[dict], opt: str) -> list[tuple[str, int]]:
    """Assignments to the option inside the preset chain, read from the text: `X = v` or, for an
    option held in a wrapper, `X.Value = v` (the graph records a set only for `X = v`). An
    assignment to another member of the wrapper (`X.AllowUserToOverride = false`) is not a set."""
    hits = []
    for m in chain:
        lines = sources.lines(m["path"])
        for n in range(m["start_line"], min(m["end_line"], len(lines)) + 1):
            for target in _ASSIGN.findall(lines[n - 1]):
                parts = target.split(".")
                name = parts[-2] if parts[-1] == "Value" and len(parts) > 1 else parts[-1]
                if match_ident((opt,), name):
                    hits.append((m["path"], n))
    return sorted(set(hits))


def _options_set(sources, tier: Tier, preset: dict, option_refs: list[dict], sites: list | None):
    """Does the preset (or a preset it starts from) set every required option? Cites the
    setting line of each."""
    found, missing = [], []
    chain = _preset_chain(sources, preset)
    scopes = {m["qualname"] for m in chain}
    for opt in tier.required_options:
        if sites is not None:
            hits = sorted(
                (s.file, s.line) for s in sites if s.kind == "set" and s.scope in scopes and match_ident((opt,), s.option.rsplit(".", 1)[-1])
            )
        else:
            hits = sorted(
                (r["path"], r["line"])
                for r in option_refs
                for m in chain
                if r["path"] == m["path"] and m["start_line"] <= r["line"] <= m["end_line"] and match_ident((opt,), r["name"])
            )
        if not hits:
            hits = _text_sets(sources, chain, opt)
        if hits:
            via = next((m["name"] for m in chain if m["path"] == hits[0][0] and m["start_line"] <= hits[0][1] <= m["end_line"]), "")
            # the evidence id is the line, shared by every tier whose preset reaches it: name only the callee
            note = f"preset sets {opt}" + (f" (in {via}, which the tier's preset starts from)" if via and via != preset["name"] else "")
            found.append(code_evidence(sources, hits[0][0], hits[0][1], note=note))
        else:
            missing.append(opt)
    if missing:
        ev = absence(tier.id, f"{preset['qualname']} (lines {preset['start_line']}-{preset['end_line']}) sets none of: {', '.join(missing)}")
        return cell("FAIL", f"preset does not set: {', '.join(missing)}", [*found, ev]), [*found, ev]
    where = "; ".join(f"{opt} at {e.file}:{e.start_line}" for opt, e in zip(tier.required_options, found))
    return cell("PASS", f"preset sets every required option: {where}"[:400], found), found


def _options_read(sources, tier: Tier, preset: dict | None, option_refs: list[dict], sites: list | None):
    """Does production code outside the presets read each required option? Each option is cited
    at its first read site, or reported NOT FOUND with what was searched."""
    production = {r["path"] for r in sources.files(role="production")}
    evidence, parts, unread = [], [], []
    for opt in tier.required_options:
        if sites is not None:
            # a read inside any preset factory (`scope` = a method that sets options) is configuration, not use
            setters = {s.scope for s in sites if s.kind == "set"}
            reads = sorted(
                (s.file, s.line, s.scope)
                for s in sites
                if s.kind == "read" and s.file in production and s.scope not in setters and match_ident((opt,), s.option.rsplit(".", 1)[-1])
            )
            searched = "read sites of option properties in production code (code graph), outside preset factories"
        else:
            reads = sorted(
                (r["path"], r["line"], r["scope"] or "")
                for r in option_refs
                if r["role"] == "production" and (preset is None or r["path"] != preset["path"]) and match_ident((opt,), r["name"])
            )
            searched = "production uses of the name outside the preset's file (index; code graph unavailable)"
        if reads:
            path, line, scope = reads[0]
            evidence.append(code_evidence(sources, path, line, note=f"production code reads {opt}" + (f" in {scope}" if scope else "")))
            parts.append(
                f"{opt} read at {path}:{line}" + (f" ({_short(scope)})" if scope else "") + (f" and {len(reads) - 1} more" if len(reads) > 1 else "")
            )
        else:
            unread.append(opt)
            parts.append(f"{opt}: NOT FOUND")
            evidence.append(absence(tier.id, f"{opt}: no read found; searched {searched}"))
    reason = "; ".join(parts)[:400]
    if unread:
        return cell("FAIL", f"no production code reads: {', '.join(unread)} ({reason})"[:400], evidence), evidence
    return cell("PASS", reason, evidence), evidence


def check_tier(
    sources: Sources, tier: Tier, findings: list[dict], flows: dict, option_refs: list[dict], sites: list | None = None, ran: set[str] | None = None
) -> tuple[dict, list[Evidence]]:
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
    production = {r["path"] for r in sources.files(role="production")}
    chain = {m["qualname"] for m in _preset_chain(sources, preset)} if preset else set()
    reads = enabled_reads(sites, chain, production)
    broken, ids, unverified, searched, promise_ev = judge_promises(sources, tier, findings, production, reads, ran)
    evidence.extend(promise_ev)
    if broken:
        cells["promises"] = cell("FAIL", "broken: " + "; ".join(broken), promise_ev, finding_ids=ids)
    elif unverified:
        cells["promises"] = cell("NOT VERIFIED", "; ".join(unverified), promise_ev)
    elif tier.breaks:
        cells["promises"] = cell("PASS", "no finding breaks the tier's promises: " + "; ".join(searched), promise_ev)
    else:
        ev = absence(tier.id, "no promises declared")
        evidence.append(ev)
        cells["promises"] = cell("PASS", "no promises declared", [ev])
    if tier.requires_flows:
        statuses = {f: (flows.get(f) or {}).get("status", "NOT VERIFIED") for f in tier.requires_flows}
        bad = [f for f, s in statuses.items() if s == "FAIL"]
        unknown = [f for f, s in statuses.items() if s != "PASS" and s != "FAIL"]
        flow_ev = sorted({i for f in tier.requires_flows for i in (flows.get(f) or {}).get("evidence_ids", [])})
        if bad:
            why = "; ".join(f"{f} ({(flows.get(f) or {}).get('reason', '')[:160]})" for f in bad)
            cells["flows"] = {**cell("FAIL", f"flows fail: {why}"[:500]), "evidence_ids": flow_ev}
        elif unknown:
            why = "; ".join(f"{f} ({(flows.get(f) or {}).get('reason', 'not traced')[:160]})" for f in unknown)
            cells["flows"] = {**cell("NOT VERIFIED", f"flows not verified: {why}"[:500]), "evidence_ids": flow_ev}
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
                for ev in search.matching(glob, k=1, note=f"configuration of tier {tier.id}'s required option", filters=Filters(language=lang)):
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
    ran = set(state["rules_info"]["categories"]) if "categories" in state.get("rules_info", {}) else None
    rows, evidence = {}, []
    globs = tuple(sorted({o for t in tiers for o in t.required_options}))
    with Sources.open(ctx) as sources:
        option_refs = sources.refs(kinds=_OPTION_REF_KINDS, name_globs=globs) if globs else []
        # the option sites: required options, and what each preset turns on (tier_scope)
        sites = _graph_option_sites(sources) if globs or any(t.preset for t in tiers) else None
        for tier in tiers:
            rows[tier.id], evs = check_tier(sources, tier, findings, state.get("flows", {}), option_refs, sites, ran)
            evidence.extend(evs)
        retrieved, dense_reason = cite_option_config(sources, tiers, rows)
    update = {
        "tiers": rows,
        "evidence": evidence_table([*evidence, *retrieved]),
        "timings": {"tier_checker": round(time.perf_counter() - started, 3)},
    }
    return {**update, "optional": {"dense": dense_reason}} if dense_reason else update
