"""Adjudicator: applies the rubric's policy to the reviewed evidence and writes the report model.

Every P0 item and condition names what failed and what to do. A gate that did not run is never
waved through (HardEffect), so it can never yield CERTIFIED. docs/verdict-policy.md is the prose.
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from dwagent import __version__
from dwagent.agents.context import RunContext
from dwagent.agents.nodes.hostile_reviewer import challenge_cell
from dwagent.agents.state import CertifyState
from dwagent.agents.verdict.cells import absence
from dwagent.agents.verdict.domains import judge_domain, resolve_domains
from dwagent.agents.verdict.gates import evaluate_threshold
from dwagent.agents.verdict.policy import counts, finding_effect
from dwagent.models import SEVERITY_ORDER, Evidence
from dwagent.report.model import Report
from dwagent.rubric.schema import CommandGate, ThresholdGate

# Parts whose absence leaves no evidence to certify on (block) vs. parts that only narrow it.
CORE_PARTS = frozenset({"rules", "index"})
# Order of items in the P0 list and the conditions: what makes the run incomplete first, then the
# hard gates, then findings (most severe first), then the matrices.
_KIND_ORDER = ("coverage", "gate", "finding", "plugin", "flow", "tier", "domain", "claim")


def _count_metric(metric: str, state: CertifyState) -> tuple[int | None, list[str], str]:
    """(value, finding ids, how it was counted) for a threshold metric; None when unavailable."""
    ran = set(state.get("rules_info", {}).get("categories", []))
    counted = [f for f in state.get("findings", []) if counts(f)]
    inv = state.get("inventory", {})
    if metric == "tests":
        parsed = [g["tests"] for g in state.get("gate_runs", {}).values() if g.get("tests") is not None]
        if parsed:
            return max(parsed), [], "tests reported by the test gate"
        if "tests_indexed" in inv:
            return inv["tests_indexed"], [], "test methods/functions in the index"
        return None, [], ""
    if metric == "parse-errors":
        return inv.get("files_with_parse_errors"), [], "files with syntax errors in the index"
    category = {"todo": "todo-marker", "not-implemented": "not-implemented", "placeholder-tests": "placeholder-test"}[metric]
    if category not in ran:
        return None, [], ""
    if metric == "placeholder-tests":  # test-scope by nature: counted from the dropped test-only hits too
        pool = counted + [f for f in state.get("dropped", []) if f["review"] and f["review"][-1]["challenge"] == "test-only"]
    else:
        pool = counted
    hits = [f for f in pool if f["category"] == category]
    return len(hits), [f["id"] for f in hits], f"counted {category} findings"


def _gates(ctx: RunContext, state: CertifyState) -> tuple[list[dict], dict]:
    rows, evidence = [], {}
    runs = state.get("gate_runs", {})
    for gate in ctx.rubric.rubric.gates:
        if isinstance(gate, CommandGate):
            if gate.id not in runs:
                continue  # when_files matched nothing: the gate does not apply
            row = dict(runs[gate.id])
        else:
            assert isinstance(gate, ThresholdGate)
            value, ids, how = _count_metric(gate.metric, state)
            ev = absence(f"gate {gate.id}", f"{how}: {value}") if value is not None else None
            if ev:
                evidence[ev.id] = ev.model_dump(mode="json")
            row = evaluate_threshold(gate, value, [ev.id] if ev else [], ids)
        row["effect"] = gate.on_fail if row["status"] == "FAIL" else gate.on_not_run if row["status"] == "NOT RUN" else "note"
        rows.append(row)
    return rows, evidence


def _item(kind, id_, reason, action, location="", finding_ids=()) -> dict:
    return {"kind": kind, "id": id_, "reason": reason, "action": action, "location": location, "finding_ids": sorted(finding_ids)}


def adjudicate(state: CertifyState, ctx: RunContext) -> dict:
    """The report model (as a dict) for this state."""
    rubric = ctx.rubric.rubric
    policy = rubric.policy
    root = Path(ctx.root)
    evidence = dict(state.get("evidence", {}))
    findings = sorted(state.get("findings", []), key=lambda f: (SEVERITY_ORDER[f["severity"]], f["file"], f["start_line"], f["rule"], f["message"]))
    counted = [f for f in findings if counts(f)]
    inv = state.get("inventory", {})
    buckets: dict[str, list[dict]] = {"block": [], "condition": [], "note": []}
    challenges = list(state.get("challenges", []))

    def add(effect: str, item: dict) -> None:
        buckets[effect].append(item)

    if not inv.get("source_files"):
        add(policy.no_source, _item("coverage", "no-source", "no C# or Python source files were indexed", "point dwagent at the source tree"))
    for part, why in sorted(state.get("not_run", {}).items()):
        add("block" if part in CORE_PARTS else "condition", _item("coverage", part, f"{part} NOT RUN: {why}", f"make {part} run"))

    for f in counted:
        eff = finding_effect(f["severity"], policy)
        loc = f"{f['file']}:{f['start_line']}"
        add(eff, _item("finding", f["id"], f"{f['severity']} {f['category']} ({f['rule']}): {f['message']}", f"fix {f['category']} at {loc}", loc, [f["id"]]))

    gates, gate_ev = _gates(ctx, state)
    evidence.update(gate_ev)
    for g in gates:
        checked, rec = challenge_cell(g, evidence, root, f"gate.{g['id']}")
        if rec:
            challenges.append(rec)
        g.update(checked)
        if g["status"] == "NOT VERIFIED":
            g["status"], g["effect"] = "NOT RUN", "condition"
        if g["status"] in ("FAIL", "NOT RUN"):
            action = f"make gate '{g['name']}' run and pass" if g["status"] == "NOT RUN" else f"fix gate '{g['name']}' ({g['reason']})"
            add(g["effect"], _item("gate", g["id"], f"gate {g['name']}: {g['status']} — {g['reason']}", action, finding_ids=g.get("finding_ids", ())))

    source_files = inv.get("source_files_list", [])
    domains = []
    for dom, files in resolve_domains(rubric, source_files):
        row, evs, effects = judge_domain(dom, files, counted, state.get("plugins", {}), state.get("flows", {}), rubric)
        evidence.update({e.id: e.model_dump(mode="json") for e in evs})
        row, rec = challenge_cell(row, evidence, root, f"domain.{dom.id}")
        if rec:
            challenges.append(rec)
        domains.append(row)
        for effect, label, reason in effects:
            add(effect, _item("domain", f"{dom.id}:{label}", f"domain {dom.name}: {reason}", f"make domain '{dom.name}' pass {label}"))

    plugin_rows = [state["plugins"][k] for k in sorted(state.get("plugins", {}))]
    for r in plugin_rows:
        if r["status"] == "FAIL":
            add(policy.plugin_fail, _item("plugin", r["id"], f"plugin {r['name']}: {r['reason']}", f"complete plugin {r['name']}", finding_ids=r.get("finding_ids", ())))
        elif r["status"] != "PASS":
            add("condition", _item("plugin", r["id"], f"plugin {r['name']}: {r['reason']}", f"provide evidence for plugin {r['name']}"))
    flow_rows = [state["flows"][k] for k in sorted(state.get("flows", {}))]
    for r in flow_rows:
        if r["status"] == "FAIL":
            add(policy.flow_fail, _item("flow", r["id"], f"flow {r['name']}: {r['reason']}", f"fix flow {r['id']}", finding_ids=r.get("finding_ids", ())))
        elif r["status"] != "PASS":
            add(policy.flow_unverified, _item("flow", r["id"], f"flow {r['id']}: {r['status']} — {r['reason']}", f"make flow {r['id']} traceable end to end"))
    tier_rows = [state["tiers"][k] for k in sorted(state.get("tiers", {}))]
    for r in tier_rows:
        if r["status"] == "FAIL":
            add(policy.tier_fail, _item("tier", r["id"], f"tier {r['name']}: {r['reason']}", f"meet tier {r['name']}", finding_ids=r.get("finding_ids", ())))
        elif r["status"] != "PASS":
            add("condition", _item("tier", r["id"], f"tier {r['name']}: {r['reason']}", f"provide evidence for tier {r['name']}"))
    claims = sorted(state.get("claims", []), key=lambda c: (c["file"], c["line"]))
    for c in claims:
        if c["status"] == "contradicted":
            add(policy.claim_contradicted, _item("claim", c["id"], f"claim contradicted: \"{c['text'][:120]}\" — {c['reason']}", "correct the claim or the code", f"{c['file']}:{c['line']}", c["finding_ids"][:20]))

    severity_of = {f["id"]: SEVERITY_ORDER[f["severity"]] for f in findings}
    for key in buckets:
        buckets[key].sort(key=lambda i: (_KIND_ORDER.index(i["kind"]), severity_of.get(i["id"], 0), i["location"], i["id"], i["reason"]))
    if buckets["block"]:
        verdict = "NOT CERTIFIED"
        rationale = f"{len(buckets['block'])} P0 item(s) block certification"
    elif buckets["condition"]:
        verdict = "CERTIFIED WITH CONDITIONS"
        rationale = f"no P0 items; {len(buckets['condition'])} condition(s) must be met"
    else:
        verdict = "CERTIFIED"
        rationale = "no P0 items and no conditions: every gate ran and passed, every cell is PASS with evidence"
    quality = {
        "by_severity": dict(sorted(Counter(f["severity"] for f in counted).items(), key=lambda kv: SEVERITY_ORDER[kv[0]])),
        "by_category": dict(sorted(Counter(f["category"] for f in counted).items())),
        "by_domain": {d["id"]: len(d.get("finding_ids", [])) for d in domains},
        "counted": len(counted),
        "accepted": len(findings) - len(counted),
        "dropped": len(state.get("dropped", [])),
        "suppressed_in_tree": sum(1 for f in findings if f.get("suppression") and f["suppression"]["kind"] != "certifier-baseline"),
    }
    inventory = {k: v for k, v in inv.items() if k not in ("paths", "source_files_list")}
    used_ids = _referenced_ids(gates, domains, plugin_rows, flow_rows, tier_rows, claims, findings)
    report = Report(
        tool_version=__version__,
        rules_version=state.get("rules_info", {}).get("rules_version", ""),
        rubric=ctx.rubric.source,
        rubric_sha256=ctx.rubric.sha256,
        root_name=root.name,
        verdict=verdict,
        rationale=rationale,
        p0=buckets["block"],
        conditions=buckets["condition"],
        notes=buckets["note"],
        inventory=inventory,
        gates=gates,
        domains=domains,
        plugins=plugin_rows,
        flows=flow_rows,
        tiers=tier_rows,
        claims=claims,
        findings=findings,
        dropped=state.get("dropped", []),
        evidence={k: Evidence.model_validate(evidence[k]) for k in sorted(used_ids) if k in evidence},
        challenges=sorted(challenges, key=lambda r: (r["where"], r["outcome"], r["detail"])),
        quality=quality,
        competitive=state.get("competitive", {}),
        not_run=dict(sorted(state.get("not_run", {}).items())),
    )
    return report.model_dump(mode="json", by_alias=True)


def _referenced_ids(*groups) -> set[str]:
    ids: set[str] = set()

    def walk(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k in ("evidence_ids",) and isinstance(v, (list, tuple)):
                    ids.update(v)
                elif k == "evidence_id" and v:
                    ids.add(v)
                else:
                    walk(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v)

    for g in groups:
        walk(g)
    return ids


def adjudicator_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: the verdict."""
    started = time.perf_counter()
    report = adjudicate(state, ctx)
    return {"report": report, "timings": {"adjudicator": round(time.perf_counter() - started, 3)}}
