"""Plugin auditor: one row per plugin folder (rubric `plugins.roots`), cells lifecycle,
strategies, topics, stubs and degradation, each decided by cited evidence (lifecycle and
degradation read member bodies: agents/verdict/plugin_cells.py)."""

from __future__ import annotations

import re
import time

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.globs import match_ident
from dwagent.agents.inputs.sources import Sources
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.boundary_cells import boundary_cell, entry_point_rows, entry_points_for
from dwagent.agents.verdict.cells import absence, cell, code_evidence, evidence_table, row_status
from dwagent.agents.verdict.plugin_cells import degradation_cell, lifecycle_cell
from dwagent.agents.verdict.policy import at_least, counts
from dwagent.models import Evidence

STUB_CATEGORIES = frozenset({"not-implemented", "stub-return", "fake-async-delay"})
_GENERIC = re.compile(r"<.*$")


def _simple(name: str) -> str:
    return _GENERIC.sub("", name).split(".")[-1].strip()


class TypeIndex:
    """Class/interface declarations with base names, to answer "derives (transitively) from"."""

    def __init__(self, sources: Sources) -> None:
        self.types = sources.symbols(kinds=("class", "interface", "struct", "record"))
        self.by_name: dict[str, list[dict]] = {}
        for t in self.types:
            self.by_name.setdefault(t["name"], []).append(t)

    def ancestors(self, t: dict) -> set[str]:
        seen: set[str] = set()
        todo = [_simple(b) for b in t["bases"]]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for decl in self.by_name.get(name, []):
                todo.extend(_simple(b) for b in decl["bases"])
        return seen

    def derives(self, t: dict, globs: tuple[str, ...]) -> bool:
        return bool(globs) and any(match_ident(globs, a) for a in self.ancestors(t))


def _strategies(sources, types: TypeIndex, folder: str, ctx: RunContext, discovery: list[dict]):
    conf = ctx.rubric.rubric.plugins
    mine = [
        t
        for t in types.types
        if t["path"].startswith(folder + "/") and t["kind"] == "class" and "abstract" not in t["modifiers"] and t["role"] == "production"
    ]
    strategies = [t for t in mine if types.derives(t, conf.strategy_bases)]
    if not strategies:
        ev = absence(folder, "no concrete strategy classes")
        return cell("PASS", "no strategies to register", [ev]), [ev]
    graph_cell = _strategies_by_graph(sources, strategies, folder)
    if graph_cell is not None:
        return graph_cell
    if discovery:
        d = discovery[0]
        ev = code_evidence(sources, d["path"], d["line"], note=f"reflection discovery via {d['name']}")
        return cell("PASS", f"{len(strategies)} strategies discoverable by reflection", [ev]), [ev]
    names = {t["name"] for t in strategies}
    used = {r["name"] for r in sources.refs(kinds=("new", "typeof", "generic_arg", "ident"), names=tuple(sorted(names))) if r["role"] == "production"}
    unwired = sorted(names - used)
    if unwired:
        evs = [
            code_evidence(sources, t["path"], t["start_line"], note="strategy never registered or referenced")
            for t in strategies
            if t["name"] in unwired
        ][:10]
        return cell("FAIL", f"{len(unwired)} strategies neither registered nor discoverable: {', '.join(unwired[:5])}", evs), evs
    ev = absence(folder, f"every strategy ({len(names)}) is referenced from production code")
    return cell("PASS", f"{len(names)} strategies registered", [ev]), [ev]


_SITE = re.compile(r"at ([^\s:]+):(\d+)")


def _strategies_by_graph(sources, strategies: list[dict], folder: str):
    """With the code graph: each strategy is wired when the graph found a path to it (explicit
    registration, construction, or a reflection scan over its base); cite the deciding site."""
    if getattr(sources, "graph_config", None) is None:
        return None
    try:
        view = sources.graph_view()
    except Exception:  # the graph is optional evidence here; fall back to the index view
        return None
    graph = view.graph
    unwired, evidence = [], []
    for t in strategies:
        node = graph.types.get(t["qualname"])
        if node is None:
            return None  # the graph does not know this type: let the index-based check decide
        # registered (constructed / registered) or discoverable (a reflection scan over its base);
        # whether the plugin itself is loaded is the lifecycle/wiring question, not this cell's
        why = graph.discovered.get(t["qualname"]) or graph.instantiated.get(t["qualname"]) or node.live
        if not why:
            unwired.append(t)
            continue
        site = _SITE.search(why)
        if site and len(evidence) < 10:
            evidence.append(code_evidence(sources, site.group(1), int(site.group(2)), note=f"{t['name']}: {why[:160]}"))
    if unwired:
        evs = [code_evidence(sources, t["path"], t["start_line"], note="strategy neither registered nor discoverable") for t in unwired][:10]
        names = ", ".join(t["name"] for t in unwired[:5])
        return cell("FAIL", f"{len(unwired)} strategies neither registered nor discoverable: {names}", evs), evs
    if not evidence:
        evidence.append(absence(folder, f"code graph: all {len(strategies)} strategies reachable"))
    return cell("PASS", f"{len(strategies)} strategies registered or discoverable (code graph)", evidence), evidence


def _row_severity(f: dict) -> str:
    """The severity a plugin row judges a finding by: a NotImplementedException is a stub of the
    plugin whether or not this tree shows its loader (the rule rates it medium, so a reachability
    downgrade would hide it), so that downgrade is undone; one the callers challenge lowered as
    deliberately unsupported stays lowered."""
    review = f.get("review") or []
    if f.get("category") == "not-implemented" and not any(r.get("challenge") == "callers" and r.get("outcome") == "downgraded" for r in review):
        if any(r.get("challenge") == "reachability" and r.get("outcome") == "downgraded" for r in review):
            return (f.get("properties") or {}).get("original_severity", f["severity"])
    return f["severity"]


def _counted(findings: list[dict], folder: str, cats: frozenset, ctx: RunContext) -> list[dict]:
    """Counted findings of these categories in the folder at the policy's condition level or worse."""
    policy = ctx.rubric.rubric.policy
    return [
        f
        for f in findings
        if f["file"].startswith(folder + "/") and f["category"] in cats and counts(f) and at_least(_row_severity(f), policy.condition_at)
    ]


def _finding_cell(findings: list[dict], folder: str, cats: frozenset, label: str, ctx: RunContext, available: bool = True):
    if not available:
        return cell("NOT VERIFIED", f"no rule of {', '.join(sorted(cats))} ran"), []
    policy = ctx.rubric.rubric.policy
    hits = _counted(findings, folder, cats, ctx)
    if hits:
        return cell("FAIL", f"{len(hits)} {label} finding(s)", finding_ids=[f["id"] for f in hits]), []
    what = f"no counted {', '.join(sorted(cats))} finding at {policy.condition_at} or worse"
    ev = absence(folder, what)
    return cell("PASS", f"{what} in the folder", [ev]), [ev]


def audit_plugins(
    sources: Sources, ctx: RunContext, inventory: dict, findings: list[dict], categories_ran: set[str], entries: list | None = None
) -> tuple[dict, dict]:
    """The plugin matrix and the evidence it cites (`entries`: the entry-point inventory, None = no graph)."""
    conf = ctx.rubric.rubric.plugins
    folders = inventory.get("plugins", [])
    if not folders:
        return {}, {}
    types = TypeIndex(sources)
    discovery = [r for r in sources.refs(kinds=("invoke",), names=conf.discovery_calls) if r["role"] == "production"] if conf.discovery_calls else []
    rows: dict[str, dict] = {}
    evidence: list[Evidence] = []
    production = [r["path"] for r in sources.files(role="production")]
    for folder in folders:
        in_folder = [t for t in types.types if t["path"].startswith(folder + "/") and t["role"] == "production"]
        plugin_types = [t for t in in_folder if t["kind"] == "class" and "abstract" not in t["modifiers"] and types.derives(t, conf.base_types)]
        cells = {}
        cells["lifecycle"], ev1 = lifecycle_cell(sources, types, plugin_types, conf.lifecycle, folder)
        cells["strategies"], ev2 = _strategies(sources, types, folder, ctx, discovery)
        cells["topics"], ev3 = _finding_cell(findings, folder, frozenset({"orphan-topic"}), "orphan topic", ctx, "orphan-topic" in categories_ran)
        cells["stubs"], ev4 = _finding_cell(findings, folder, STUB_CATEGORIES, "stub", ctx)
        cells["degradation"], ev5 = degradation_cell(
            sources,
            folder,
            _counted(findings, folder, frozenset({"empty-catch"}), ctx),
            conf.degradation_required,
            production,
            ctx.rubric.rubric.policy.block_at,
        )
        cells["boundaries"], ev6 = boundary_cell(sources, entries, folder, findings)
        evidence.extend([*ev1, *ev2, *ev3, *ev4, *ev5, *ev6])
        status = row_status(cells)
        rows[folder] = {
            "id": folder,
            "name": folder.rsplit("/", 1)[-1],
            "status": status,
            "reason": ", ".join(f"{k} {v['status']}" for k, v in cells.items() if v["status"] != "PASS") or "all cells PASS",
            "evidence_ids": sorted({i for c in cells.values() for i in c["evidence_ids"]}),
            "finding_ids": sorted({i for c in cells.values() for i in c["finding_ids"]}),
            "details": {"plugin_classes": sorted(t["qualname"] for t in plugin_types)},
            "cells": cells,
        }
    return rows, evidence_table(evidence)


def plugin_auditor_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: the plugin matrix."""
    started = time.perf_counter()
    ran = set(state.get("rules_info", {}).get("categories", []))
    with Sources.open(ctx) as sources:
        entries = entry_points_for(sources)
        rows, evidence = audit_plugins(sources, ctx, state.get("inventory", {}), state.get("findings", []), ran, entries)
    return {
        "plugins": rows,
        "evidence": evidence,
        "entry_points": entry_point_rows(entries),
        "timings": {"plugin_auditor": round(time.perf_counter() - started, 3)},
    }
