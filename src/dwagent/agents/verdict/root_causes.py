"""From findings and failing cells to root causes, and from root causes to the P0 list.

A failing cell is either explained by findings (a plugin's stubs cell FAILs because of stub
findings: those findings' root cause now blocks, "because plugin X: stubs FAIL") or it is a root
cause of its own (a lifecycle method that is a stub, a broken flow, a preset that does not set an
option, a gate that did not run). Cells that only repeat other rows (a domain FAILs because one
of its plugins FAILs) add nothing to the list: the plugin's root cause is the work item.
"""

from __future__ import annotations

from collections.abc import Callable

from dwagent.agents.verdict.policy import cap
from dwagent.report.grouping import cell_root_cause, escalate, group_findings, order, telling
from dwagent.tools.source_text import source_lines

CELL_TITLES = {
    ("flow", "trace"): "critical flows that fail a stage or a required control (cancellation, error handling, security) on their path",
    ("plugin", "lifecycle"): "plugin lifecycle methods missing or stubbed",
    ("plugin", "strategies"): "plugin strategies neither registered nor discoverable",
    ("plugin", "degradation"): "plugins with no failure-handling path at all",
    ("plugin", "topics"): "plugin bus topics with one side missing",
    ("plugin", "stubs"): "plugins that contain stubs",
    ("plugin", "boundaries"): "plugins whose network entry points authenticate no one",
    ("tier", "preset"): "tier preset missing",
    ("tier", "options-set"): "tier presets do not set the options their tier requires",
    ("tier", "options-read"): "required tier options that no production code reads",
    ("tier", "promises"): "tier promises broken",
}
KIND_ORDER = ("coverage", "gate", "finding", "plugin", "flow", "tier", "domain", "claim")


class RootCauses:
    """Collects root causes while the adjudicator walks gates and matrices."""

    def __init__(
        self,
        counted: list[dict],
        all_findings: dict[str, dict],
        evidence: dict[str, dict],
        effect_of: Callable[[dict], str],
        component_of: Callable[[str], str],
        titles: dict[str, str],
        remedies: dict[str, tuple[str, str]] | None = None,
        blocking_of: Callable[[dict], str] | None = None,
        cell_cap: str = "block",
    ):
        self.component_of = component_of
        self.by_id = all_findings
        self.evidence = evidence
        self.cell_cap = cell_cap  # policy.cell_escalation: the most a failing cell raises a finding root cause
        self.rcs = group_findings(counted, effect_of, component_of, titles, remedies, blocking_of)
        self.rc_of = {fid: rc for rc in self.rcs for fid in rc["finding_ids"]}
        self._cells: dict[str, dict] = {}

    def attribute(self, finding_ids, effect: str, because: str, hard: bool = False) -> bool:
        """Escalate the root causes of these findings; True when every finding had one.

        A cell raises them at most to the policy's `cell_escalation`; a hard gate (`hard`) is the
        procedure's own requirement and raises them to its full effect."""
        ids = list(finding_ids)
        raised = effect if hard else cap(effect, self.cell_cap)
        for fid in ids:
            if fid in self.rc_of:
                escalate(self.rc_of[fid], raised, because)
        return bool(ids) and all(fid in self.rc_of for fid in ids)

    def where(self, file: str = "", line: int = 0, note: str = "", evidence_ids=(), finding_ids=()) -> dict:
        """A cited location for a cell root cause: the first code evidence or finding it names."""
        for fid in sorted(finding_ids, key=lambda i: telling(self.by_id[i]) if i in self.by_id else ()):
            f = self.by_id.get(fid)
            if f:
                return {
                    "file": f["file"],
                    "line": f["start_line"],
                    "excerpt": "\n".join(source_lines(f["excerpt"])[:3]),
                    "finding_id": fid,
                    "component": self.component_of(f["file"]),
                    "note": note[:240],
                }
        for eid in evidence_ids:
            ev = self.evidence.get(eid)
            if ev and ev.get("file") and ev.get("start_line"):
                return {
                    "file": ev["file"],
                    "line": ev["start_line"],
                    "excerpt": "\n".join(source_lines(ev.get("excerpt", ""))[:3]),
                    "evidence_id": eid,
                    "component": self.component_of(ev["file"]),
                    "note": note[:240],
                }
        return {"file": file, "line": line, "component": self.component_of(file) if file else "", "note": note[:240]}

    def own(self, kind: str, key: str, title: str, where: dict, effect: str, because: str = "", **text) -> dict:
        """Add a location to the cell root cause `kind:key` (created on first use)."""
        rc = self._cells.get(f"{kind}:{key}")
        if rc is None:
            # a gate or a part of the run is one thing with a name of its own: keep it as the id
            rc = cell_root_cause(kind, key, title, [], effect, id_=key if kind in ("gate", "coverage") else "", **text)
            self._cells[f"{kind}:{key}"] = rc
            self.rcs.append(rc)
        rc["cited"].append(where)
        rc["count"] += 1
        rc["files"] = len({w["file"] for w in rc["cited"] if w.get("file")})
        rc["components"] = sorted({w.get("component", "") for w in rc["cited"] if w.get("component")})
        escalate(rc, effect, because or title)
        if rc["effect"] == "block" and not rc.get("blocking"):
            rc["blocking"] = because or title
        return rc

    def cell_failure(self, kind: str, row: dict, name: str, cell: dict, effect: str) -> None:
        """A failing cell of a row: explained by its findings, else a root cause of its own."""
        because = f"{kind} {row.get('name', row['id'])}: {name} {cell['status']}"
        if cell.get("finding_ids") and self.attribute(cell["finding_ids"], effect, because):
            return
        # one root cause per failing check (e.g. every plugin whose strategies are undiscoverable):
        # the fix is the same kind of work; each row's own reason is kept in its cited location
        if (kind, name) in CELL_TITLES:
            title = f"{CELL_TITLES[(kind, name)]} ({cell['status']})"
        else:  # "plugin check 'topics' fails (FAIL)", "tier check 'flows' is NOT VERIFIED"
            title = f"{kind} check '{name}' fails (FAIL)" if cell["status"] == "FAIL" else f"{kind} check '{name}' is {cell['status']}"
        key = f"{name}:{cell['status']}"
        folder = row["id"] if kind == "plugin" else ""
        evidence_ids = cell.get("evidence_ids", ())
        found = [h for h in row.get("hops", ()) if h.get("found") and h.get("evidence_id")]
        if kind == "flow" and found:  # cite where the trace stops: the last waypoint it reached
            evidence_ids = (found[-1]["evidence_id"],)
        where = self.where(folder, 0, f"{row.get('name', row['id'])}: {cell.get('reason', '')}", evidence_ids, cell.get("finding_ids", ()))
        if not where.get("component"):
            where["component"] = row.get("name", row["id"])
        self.own(kind, key, title, where, effect, because)

    def finish(self) -> list[dict]:
        """Every root cause, cited lists trimmed, deterministic order."""
        for rc in self.rcs:
            if rc["kind"] != "finding":
                rc["cited"] = sorted(rc["cited"], key=lambda w: (w.get("file", ""), w.get("line", 0), w.get("note", "")))[:3]
        return order(self.rcs, KIND_ORDER)


def items(root_causes: list[dict], effect: str) -> list[dict]:
    """The P0 list / conditions / notes: one item per root cause of that effect."""
    out = []
    for rc in root_causes:
        if rc["effect"] != effect:
            continue
        first = rc["cited"][0] if rc["cited"] else {}
        loc = f"{first['file']}:{first['line']}" if first.get("file") and first.get("line") else first.get("file", "")
        where = f" — {rc['count']} location(s) in {len(rc['components']) or 1} component(s)"
        out.append(
            {
                "kind": rc["kind"],
                "id": rc["id"],
                "reason": rc["title"] + where,
                "action": rc["fix"],
                "location": loc,
                "finding_ids": list(rc["finding_ids"]),
            }
        )
    return out


def name_deciders(cell: dict, by_id: dict[str, dict], rc_of: dict[str, dict], limit: int = 3) -> dict:
    """A FAIL cell's reason naming the 1-3 most telling findings that decided it (rule, file:line)."""
    if cell.get("status") != "FAIL" or not cell.get("finding_ids"):
        return cell
    found = sorted((by_id[i] for i in cell["finding_ids"] if i in by_id), key=telling)
    if not found:
        return cell
    named = "; ".join(f"{f['rule']} {f['file']}:{f['start_line']}" for f in found[:limit])
    groups = sorted({rc_of[f["id"]]["id"] for f in found if f["id"] in rc_of})
    more = f" (+{len(found) - limit} more in {len(groups)} root cause(s))" if len(found) > limit else ""
    reason = cell.get("reason", "")
    if " — decided by " in reason:
        return cell
    return {**cell, "reason": f"{reason} — decided by {named}{more}"[:600]}
