"""Domain membership and domain checks (part of adjudication, kept apart for size)."""

from __future__ import annotations

import re

from dwagent.agents.inputs.globs import match_path
from dwagent.agents.verdict.cells import absence, cell
from dwagent.agents.verdict.policy import at_least, finding_effect
from dwagent.rubric.schema import Domain, FindingCheck, FlowsCheck, PluginsCheck, Rubric


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "root"


def resolve_domains(rubric: Rubric, source_files: list[dict]) -> list[tuple[Domain, list[str]]]:
    """Each domain with its source files. Generic rubrics derive one domain per project."""
    if rubric.derive_domains and not rubric.domains:
        projects = sorted({f["project"] for f in source_files})
        out = []
        used: set[str] = set()
        for project in projects:
            slug = _slug(project)
            while slug in used:
                slug += "-x"
            used.add(slug)
            files = sorted(f["path"] for f in source_files if f["project"] == project)
            dom = Domain(id=slug, name=project or "(root)", projects=(project or "(root)",), checks=rubric.derived_checks)
            out.append((dom, files))
        return out
    out = []
    for dom in rubric.domains:
        files = sorted(
            f["path"] for f in source_files if (dom.paths and match_path(dom.paths, f["path"])) or (f["project"] and f["project"] in dom.projects)
        )
        out.append((dom, files))
    return out


def judge_domain(
    dom: Domain, files: list[str], findings: list[dict], plugins: dict, flows: dict, rubric: Rubric, ran: set[str] | None = None
) -> tuple[dict, list, list[tuple[str, str, str]]]:
    """A domain row, its evidence, and (effect, check label, reason) for each failing check.
    `ran`: the rule categories this run executed (None = unknown); a no-findings check whose
    categories none of them cover is NOT VERIFIED, never a PASS on an absence nobody looked for."""
    policy = rubric.policy
    fileset = set(files)
    if not files:
        row = {"id": dom.id, "name": dom.name, **cell("NOT VERIFIED", "no indexed source files match this domain"), "cells": {}}
        return row, [], [(policy.empty_domain, "coverage", "no source files match the domain's paths/projects")]
    mine = [f for f in findings if f["file"] in fileset]
    cells: dict[str, dict] = {}
    effects: list[tuple[str, str, str]] = []
    evidence = []
    p0 = [f for f in mine if finding_effect(f["severity"], policy) == "block"]
    inv = absence(dom.id, f"{len(files)} source files; counted findings: {len(mine)}")
    evidence.append(inv)
    cells["p0-findings"] = (
        cell("FAIL", f"{len(p0)} P0 finding(s) in the domain", finding_ids=[f["id"] for f in p0])
        if p0
        else cell("PASS", f"no counted finding at {policy.block_at} or worse in the domain's {len(files)} source files", [inv])
    )
    seen: dict[str, int] = {}
    for check in dom.checks:
        seen[check.kind] = seen.get(check.kind, 0) + 1
        label = check.kind if seen[check.kind] == 1 else f"{check.kind}-{seen[check.kind]}"
        if isinstance(check, FindingCheck):
            hits = [f for f in mine if (not check.categories or f["category"] in check.categories) and at_least(f["severity"], check.min_severity)]
            what = ", ".join(check.categories) if check.categories else "any category"
            if hits:
                cells[label] = cell("FAIL", f"{len(hits)} finding(s) of {what} at {check.min_severity}+", finding_ids=[f["id"] for f in hits])
                effects.append((check.on_fail, label, cells[label]["reason"]))
            elif check.categories and ran is not None and not set(check.categories) & ran:
                cells[label] = cell("NOT VERIFIED", f"no rule for {what} ran on this tree: no finding proves nothing")
                effects.append(("condition", label, cells[label]["reason"]))
            else:
                ev = absence(f"{dom.id}/{label}", f"no counted finding of {what} at {check.min_severity} or worse in {len(files)} files")
                evidence.append(ev)
                cells[label] = cell("PASS", f"no counted finding of {what} at {check.min_severity} or worse in {len(files)} files", [ev])
        elif isinstance(check, PluginsCheck):
            rows = [r for folder, r in sorted(plugins.items()) if any(p.startswith(folder + "/") for p in files)]
            bad = [r["id"] for r in rows if r["status"] == "FAIL"]
            unknown = [r["id"] for r in rows if r["status"] not in ("PASS", "FAIL")]
            if bad:
                # name what decided each failing plugin (its failing cells), and carry their findings
                why = "; ".join(f"{r['name']} ({r['reason']})" for r in rows if r["status"] == "FAIL")
                ids = [
                    i for r in rows if r["status"] == "FAIL" for c in r.get("cells", {}).values() if c["status"] == "FAIL" for i in c["finding_ids"]
                ]
                cells[label] = cell("FAIL", f"plugins failing: {why}"[:500], finding_ids=ids)
                effects.append((check.on_fail, label, f"plugins failing: {', '.join(bad)}"))
            elif unknown:
                cells[label] = cell("NOT VERIFIED", f"plugins not verified: {', '.join(unknown)}")
                effects.append(("condition", label, cells[label]["reason"]))
            else:
                ev = absence(f"{dom.id}/{label}", f"{len(rows)} plugin row(s), all PASS")
                evidence.append(ev)
                names = ", ".join(r["name"] for r in rows[:4]) + (f" +{len(rows) - 4} more" if len(rows) > 4 else "")
                if rows:
                    cells[label] = {**cell("PASS", f"{len(rows)} plugin(s) PASS every cell: {names}", [ev])}
                else:  # nothing to be complete: a vacuous PASS would certify what nobody looked at
                    cells[label] = cell("NOT VERIFIED", "no plugin folder among the domain's files", [ev])
                    effects.append(("condition", label, cells[label]["reason"]))
                cells[label]["evidence_ids"] = sorted({*cells[label]["evidence_ids"], *(i for r in rows for i in r.get("evidence_ids", []))})
        elif isinstance(check, FlowsCheck):
            statuses = {fid: (flows.get(fid) or {}).get("status", "NOT VERIFIED") for fid in check.flows}
            bad = [k for k, v in statuses.items() if v == "FAIL"]
            unknown = [k for k, v in statuses.items() if v not in ("PASS", "FAIL")]
            if bad:
                why = "; ".join(f"{k} ({(flows.get(k) or {}).get('reason', '')[:160]})" for k in bad)
                cells[label] = {
                    **cell("FAIL", f"flows failing: {why}"[:500]),
                    "evidence_ids": sorted({i for k in bad for i in (flows.get(k) or {}).get("evidence_ids", [])}),
                }
                effects.append((check.on_fail, label, f"flows failing: {', '.join(bad)}"))
            elif unknown:
                why = "; ".join(f"{k} ({(flows.get(k) or {}).get('reason', 'not traced')[:160]})" for k in unknown)
                cells[label] = {
                    **cell("NOT VERIFIED", f"flows not verified: {why}"[:500]),
                    "evidence_ids": sorted({i for k in unknown for i in (flows.get(k) or {}).get("evidence_ids", [])}),
                }
                effects.append(("condition", label, cells[label]["reason"]))
            else:
                cells[label] = {
                    **cell("PASS", "flows pass: " + ", ".join(check.flows)),
                    "evidence_ids": sorted({i for k in check.flows for i in flows[k].get("evidence_ids", [])}),
                }
    cond = [f for f in mine if finding_effect(f["severity"], policy) == "condition"]
    failing_block = p0 or any(e == "block" for e, _, _ in effects)
    if failing_block:
        status = "FAIL"
    elif effects and any(e == "condition" for e, _, _ in effects) or cond:
        status = "CONDITIONAL"
    else:
        status = "PASS"
    reasons = [f"{k}: {c['reason']}" for k, c in cells.items() if c["status"] != "PASS"]
    if cond and status != "FAIL":
        reasons.append(f"{len(cond)} condition-level finding(s)")
    row = {
        "id": dom.id,
        "name": dom.name,
        "status": status,
        "reason": "; ".join(reasons) or "all checks PASS",
        "evidence_ids": sorted({i for c in cells.values() for i in c["evidence_ids"]}),
        "finding_ids": sorted({f["id"] for f in mine if finding_effect(f["severity"], policy) != "note"}),
        "cells": cells,
        "details": {"files": len(files)},
    }
    return row, evidence, effects
