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
from dwagent.agents.verdict.policy import blocking_reason, counts, finding_effect_of
from dwagent.agents.verdict.root_causes import RootCauses, items, name_deciders
from dwagent.models import SEVERITY_ORDER, Evidence
from dwagent.report.counts import compute_counts
from dwagent.report.model import Report
from dwagent.rubric.schema import CommandGate, ThresholdGate
from dwagent.tools.rules.registry import all_rules

# Parts whose absence leaves no evidence to certify on (block) vs. parts that only narrow it.
CORE_PARTS = frozenset({"rules", "index"})


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
    # say which rules count and what the reviewer set aside, so a 0 can be checked against the findings
    rules = sorted({m.id for m in all_rules() if m.category == category})
    dropped = sum(1 for f in state.get("dropped", []) if f["category"] == category) if metric != "placeholder-tests" else 0
    return (
        len(hits),
        [f["id"] for f in hits],
        (f"counted {category} findings of {', '.join(rules) or 'no rule'}" + (f"; {dropped} more set aside by the reviewer" if dropped else "")),
    )


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
            row = evaluate_threshold(gate, value, [ev.id] if ev else [], ids, how)
        row["effect"] = gate.on_fail if row["status"] == "FAIL" else gate.on_not_run if row["status"] == "NOT RUN" else "note"
        rows.append(row)
    return rows, evidence


def _rule_titles() -> dict[str, str]:
    """Rule id -> title, for naming root causes."""
    return {m.id: m.title for m in all_rules()}


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
    # Skipped production source (agents/inputs/skipped.py): that file is NOT ASSESSED, so the
    # verdict can be at best CERTIFIED WITH CONDITIONS. A condition, not a block: the rest of the
    # tree was assessed; but never silence.
    for s in inv.get("unassessed_sources", []):
        add(
            "condition",
            _item(
                "coverage",
                f"not-assessed:{s['path']}",
                f"{s['path']} NOT ASSESSED: skipped ({s['reason']}: {s['detail']})",
                f"make {s['path']} readable as text within the size cap, or exclude it deliberately",
                s["path"],
            ),
        )
    for part, why in sorted(state.get("not_run", {}).items()):
        add("block" if part in CORE_PARTS else "condition", _item("coverage", part, f"{part} NOT RUN: {why}", f"make {part} run"))

    by_id = {f["id"]: f for f in (*findings, *state.get("dropped", []))}
    project_of = {f["path"]: f.get("project", "") for f in inv.get("source_files_list", [])}
    plugin_folders = sorted(state.get("plugins", {}), key=len, reverse=True)

    def component_of(path: str) -> str:
        for folder in plugin_folders:
            if path.startswith(folder + "/"):
                return folder.rsplit("/", 1)[-1]
        return project_of.get(path) or path.split("/", 1)[0]

    rcs = RootCauses(
        counted,
        by_id,
        evidence,
        lambda f: finding_effect_of(f, policy),
        component_of,
        _rule_titles(),
        remedies={m.id: (m.why, m.fix) for m in all_rules()},
        blocking_of=lambda f: blocking_reason(f, policy),
        cell_cap=policy.cell_escalation,
    )
    for item in buckets["block"] + buckets["condition"] + buckets["note"]:  # coverage items so far
        rcs.own("coverage", item["id"], item["reason"], {"note": item["reason"]}, "block" if item in buckets["block"] else "condition")

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
            because = f"gate {g['name']}: {g['status']}"
            if not rcs.attribute(g.get("finding_ids", ()), g["effect"], because, hard=True):
                ids = g.get("finding_ids", ())
                title = f"gate {g['name']}: {g['status']} — {g['reason']}"
                rc = rcs.own(
                    "gate",
                    g["id"],
                    title,
                    rcs.where(note=g["reason"], evidence_ids=g.get("evidence_ids", ()), finding_ids=ids),
                    g["effect"],
                    because,
                    fix=f"make gate '{g['name']}' run and pass" if g["status"] == "NOT RUN" else f"fix gate '{g['name']}' ({g['reason']})",
                )
                rc["finding_ids"] = sorted(ids)
                rc["count"] = max(rc["count"], len(ids))

    source_files = inv.get("source_files_list", [])
    domains, domain_effects = [], []
    domains_of_file: dict[str, list[str]] = {}
    for dom, files in resolve_domains(rubric, source_files):
        for path in files:
            domains_of_file.setdefault(path, []).append(dom.id)
        row, evs, effects = judge_domain(
            dom,
            files,
            counted,
            state.get("plugins", {}),
            state.get("flows", {}),
            rubric,
            set(state["rules_info"]["categories"]) if "categories" in state.get("rules_info", {}) else None,
        )
        evidence.update({e.id: e.model_dump(mode="json") for e in evs})
        row, rec = challenge_cell(row, evidence, root, f"domain.{dom.id}")
        if rec:
            challenges.append(rec)
        domains.append(row)
        domain_effects.append((row, effects))

    plugin_rows = [dict(state["plugins"][k]) for k in sorted(state.get("plugins", {}))]  # copies: reasons are rewritten below
    for r in plugin_rows:
        if r["status"] == "PASS":
            continue
        effect = policy.plugin_fail if r["status"] == "FAIL" else "condition"
        for name, c in sorted(r.get("cells", {}).items()):
            if c["status"] not in ("PASS", "NOT APPLICABLE"):
                rcs.cell_failure("plugin", r, name, c, effect if c["status"] == "FAIL" else "condition")
    flow_rows = [state["flows"][k] for k in sorted(state.get("flows", {}))]
    for r in flow_rows:
        if r["status"] != "PASS":
            effect = policy.flow_fail if r["status"] == "FAIL" else policy.flow_unverified
            rcs.cell_failure("flow", r, "trace", {"status": r["status"], "reason": r["reason"], "evidence_ids": r.get("evidence_ids", ())}, effect)
    tier_rows = [dict(state["tiers"][k]) for k in sorted(state.get("tiers", {}))]
    for r in tier_rows:
        if r["status"] == "PASS":
            continue
        effect = policy.tier_fail if r["status"] == "FAIL" else "condition"
        for name, c in sorted(r.get("cells", {}).items()):
            if c["status"] in ("PASS", "NOT APPLICABLE") or (name == "flows" and c["status"] == "FAIL"):
                continue  # a failing flow is its own root cause above
            rcs.cell_failure("tier", r, name, c, effect if c["status"] == "FAIL" else "condition")
    for row, effects in domain_effects:
        for effect, label, reason in effects:
            c = row["cells"].get(label, {})
            if label == "coverage":
                rcs.own(
                    "domain",
                    "no-files",
                    "domains with no indexed source files: nothing was assessed there",
                    {"note": f"{row['name']}: {reason}", "component": row["name"]},
                    effect,
                )
            elif c.get("finding_ids"):
                rcs.attribute(c["finding_ids"], effect, f"domain {row['name']}: {label} FAIL")
            elif c.get("status") == "NOT VERIFIED" and not label.startswith(("plugins-complete", "flows-pass")):
                rcs.own(
                    "domain",
                    f"{label}:unverified",
                    "domain checks that no rule of this run could decide",
                    {"note": f"{row['name']}: {reason}", "component": row["name"]},
                    effect,
                )
            # plugins-complete / flows-pass repeat the plugin and flow root causes: nothing new
    claims = sorted(state.get("claims", []), key=lambda c: (c["file"], c["line"]))
    for c in claims:
        if c["status"] == "contradicted":
            because = f"claim at {c['file']}:{c['line']} contradicted"
            if not rcs.attribute(c["finding_ids"], policy.claim_contradicted, because):
                rcs.own(
                    "claim",
                    "contradicted",
                    "documents claim what the code contradicts",
                    {"file": c["file"], "line": c["line"], "excerpt": c["text"][:200], "note": c["reason"][:240]},
                    policy.claim_contradicted,
                    because,
                )

    root_causes = rcs.finish()
    for row in (*domains, *plugin_rows, *tier_rows):
        row["cells"] = {k: name_deciders(v, by_id, rcs.rc_of) for k, v in row.get("cells", {}).items()}
        if row["status"] == "FAIL":  # the row says which cells decided it, each naming its evidence
            row["reason"] = (
                "; ".join(f"{k} {c['status']}: {c['reason']}" for k, c in row["cells"].items() if c["status"] == "FAIL")[:900] or row["reason"]
            )
    buckets = {e: items(root_causes, e) for e in ("block", "condition", "note")}
    blocking = [rc for rc in root_causes if rc["effect"] == "block"]
    if blocking:
        verdict = "NOT CERTIFIED"
        rationale = f"{len(blocking)} blocking root cause(s) at {sum(rc['count'] for rc in blocking)} location(s) block certification"
    elif buckets["condition"]:
        verdict = "CERTIFIED WITH CONDITIONS"
        rationale = f"no blocking root cause; {len(buckets['condition'])} condition(s) must be met"
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
        entry_points=tuple(state.get("entry_points", [])),
        not_run=dict(sorted(state.get("not_run", {}).items())),
        root_causes=root_causes,
        finding_domains={f["id"]: sorted(domains_of_file[f["file"]]) for f in findings if f["file"] in domains_of_file},
    )
    report = report.model_copy(update={"counts": compute_counts(report)})
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
