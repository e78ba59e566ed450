"""LLM post-pass over flow traces: propose targets for hops the tracer could not resolve.

For every hop the tracer reports not found (after at least one found hop), the model sees the
code of the last located step and the production members the rubric's waypoint names match in
the index, and may pick one of them, citing its lines. The pick is used only when it is one of
those indexed candidates and its quote verifies against the file (`interpret_flow_hop`).

A resolved hop is marked "LLM-resolved" and then judged by the same deterministic rule as
every other located hop: a counted finding of a control's categories inside the proposed
member fails that control. Nothing else changes, so a model can add a FAIL or a located hop to
the trace, but it can never turn a FAIL (or a NOT VERIFIED) into a PASS: a hop the code graph
did not find is still not a proven path.

A flow whose entry was not found gets the same treatment with no source: the candidates are the
indexed production members the entry's names match, or the members of production classes they
name (the code graph resolves names to members, so an entry declared by its class is never found
there), and the question is which one starts the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from dwagent.agents.llm.assist import interpret_flow_hop, pick_flow_entry
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Evidence

if TYPE_CHECKING:
    from dwagent.agents.llm.gateway import LLMGateway

AGENT = "flow_tracer"
MAX_BLOCK_LINES = 40  # of a member sent as source or candidate
MAX_CANDIDATES = 5
DEFAULT_HOP_CAP = 60  # unresolved hops asked about per run
MEMBER_KINDS = ("method", "function", "constructor")
TYPE_KINDS = ("class", "struct", "record")  # types with member bodies (an interface's members have none)
LLM_MARK = "LLM-resolved"


@dataclass(frozen=True)
class FlowAssistResult:
    flows: dict[str, dict]  # every input row, updated where a hop was resolved
    evidence: dict[str, dict]  # verified citations by id (Evidence dumps)
    log: list[str]
    resolved: int
    asked: int


def _block(sources: Any, label: str, path: str, start: int, end: int) -> CodeBlock | None:
    """The member's first lines as a code block, read from the index (verbatim)."""
    end = min(end, start + MAX_BLOCK_LINES - 1)
    text = sources.excerpt(path, start, end)
    if not text:
        return None
    return CodeBlock(label, path, start, text)


def _source_block(sources: Any, hop: Mapping[str, Any]) -> CodeBlock | None:
    """Code of a located hop: its declared member when the index knows the symbol, else the member
    around the hop's line (a graph hop's line is the call site)."""
    symbol = str(hop.get("symbol") or "")
    if symbol:
        for sym in sources.symbols(kinds=MEMBER_KINDS, name_globs=(symbol,)):
            if sym["qualname"] == symbol:
                return _block(sources, "source", sym["path"], int(sym["start_line"]), int(sym["end_line"]))
    path, line = str(hop.get("file") or ""), int(hop.get("line") or 0)
    if not path or line < 1:
        return None
    member = sources.enclosing_member(path, line)
    if member:
        return _block(sources, "source", path, int(member["start_line"]), int(member["end_line"]))
    return _block(sources, "source", path, line, line)


def _candidates(sources: Any, globs: Sequence[str]) -> list[tuple[CodeBlock, dict]]:
    """Indexed production members the waypoint's names match: the only places a pick may land."""
    hits = [s for s in sources.symbols(kinds=MEMBER_KINDS, name_globs=tuple(globs)) if s["role"] == "production"]
    hits.sort(key=lambda s: (s["path"], int(s["start_line"]), s["qualname"]))
    out = []
    for i, sym in enumerate(hits[:MAX_CANDIDATES], start=1):
        block = _block(sources, f"cand-{i}", sym["path"], int(sym["start_line"]), int(sym["end_line"]))
        if block is not None:
            out.append((block, sym))
    return out


def _entry_candidates(sources: Any, globs: Sequence[str]) -> list[tuple[CodeBlock, dict]]:
    """Production members the entry's names match, else the members of the production classes
    they name (in each class's file and line range); the only places an entry pick may land."""
    direct = [s for s in sources.symbols(kinds=MEMBER_KINDS, name_globs=tuple(globs)) if s["role"] == "production"]
    if direct:
        return _candidates(sources, globs)
    members: dict[tuple, dict] = {}
    for cls in sources.symbols(kinds=TYPE_KINDS, name_globs=tuple(globs)):
        if cls["role"] != "production":
            continue
        start, end = int(cls["start_line"]), int(cls["end_line"])
        for sym in sources.symbols(kinds=MEMBER_KINDS, path_prefix=cls["path"]):
            if sym["path"] == cls["path"] and start <= int(sym["start_line"]) <= end and sym["role"] == "production":
                members[(sym["path"], int(sym["start_line"]), sym["qualname"])] = sym
    out = []
    for i, key in enumerate(sorted(members)[:MAX_CANDIDATES], start=1):
        sym = members[key]
        block = _block(sources, f"cand-{i}", sym["path"], int(sym["start_line"]), int(sym["end_line"]))
        if block is not None:
            out.append((block, sym))
    return out


def _control_failures(
    row: dict, hop: dict, findings: Iterable[Mapping[str, Any]], control_categories: Mapping[str, frozenset]
) -> dict[str, list[str]]:
    """control -> ids of counted findings inside the resolved member (the tracer's own rule)."""
    bad: dict[str, list[str]] = {}
    for control in sorted(row.get("cells") or {}):
        cats = control_categories.get(control, frozenset())
        ids = sorted(
            str(f["id"])
            for f in findings
            if f.get("category") in cats and f.get("file") == hop["file"] and hop["line"] <= int(f.get("start_line", 0)) <= hop["end_line"]
        )
        if ids:
            bad[control] = ids
    return bad


def _apply(row: dict, index: int, hop: dict, failures: dict[str, list[str]]) -> dict:
    """The row with hop `index` replaced and any control the new hop breaks set to FAIL."""
    hops = list(row.get("hops") or [])
    hops[index] = hop
    cells = {k: dict(v) for k, v in (row.get("cells") or {}).items()}
    for control, ids in failures.items():
        current = cells.get(control, {})
        merged = sorted(set(current.get("finding_ids", [])) | set(ids))
        reason = f"{len(ids)} finding(s) on the {LLM_MARK} hop {hop['symbol']}"
        if current.get("status") == "FAIL":
            reason = f"{current.get('reason', '')}; {reason}".strip("; ")
        cells[control] = {
            **current,
            "status": "FAIL",
            "reason": reason[:400],
            "finding_ids": merged,
            "evidence_ids": sorted(current.get("evidence_ids", [])),
        }
    status = row.get("status", "NOT VERIFIED")
    if failures:
        status = "FAIL"  # the only status change a model-proposed hop can cause
    note = f"{LLM_MARK} hop {hop['name']} -> {hop['symbol']} (not a code-graph path)"
    return {
        **row,
        "status": status,
        "reason": f"{row.get('reason', '')}; {note}".strip("; ")[:600],
        "hops": hops,
        "cells": cells,
        "evidence_ids": sorted(set(row.get("evidence_ids", [])) | {hop["evidence_id"]}),
        "finding_ids": sorted(set(row.get("finding_ids", [])) | {i for ids in failures.values() for i in ids}),
    }


def resolve_flow_hops(
    gateway: LLMGateway | None,
    root: Any,
    sources: Any,
    flows: Mapping[str, dict],
    waypoint_globs: Mapping[str, Mapping[str, Sequence[str]]],
    findings: Sequence[Mapping[str, Any]],
    control_categories: Mapping[str, frozenset],
    cap: int = DEFAULT_HOP_CAP,
) -> FlowAssistResult:
    """Ask the model about each unresolved hop (flows and hops in order, at most `cap`).

    `waypoint_globs[flow_id][hop_name]` are the rubric's identifier globs for that waypoint.
    Without a gateway the flows come back unchanged."""
    out = {k: flows[k] for k in sorted(flows)}
    evidence: dict[str, dict] = {}
    log: list[str] = []
    asked = resolved = 0
    if gateway is None:
        return FlowAssistResult(out, evidence, log, 0, 0)
    for flow_id in sorted(flows):
        row = out[flow_id]
        for i, hop in enumerate(list(row.get("hops") or [])):
            if hop.get("found") or asked >= cap:
                continue
            globs = (waypoint_globs.get(flow_id) or {}).get(str(hop.get("name")), ())
            if not globs:
                continue
            if i == 0:  # the entry: no located step before it, so no source to show
                if hop.get("name") != "entry":
                    continue
                candidates = _entry_candidates(sources, globs)
                if not candidates:
                    continue
                asked += 1
                question = (
                    f"Flow {row.get('name') or flow_id}: its entry is declared as {', '.join(globs)}, and no "
                    f"member the code graph could start from matched. Which candidate, if any, starts the flow?"
                )
                outcome = pick_flow_entry(gateway, root, [c for c, _ in candidates], question)
            else:
                previous = next((h for h in reversed(row["hops"][:i]) if h.get("found")), None)
                if previous is None:
                    continue
                source = _source_block(sources, previous)
                candidates = _candidates(sources, globs)
                if source is None or not candidates:
                    continue
                asked += 1
                question = (
                    f"Flow {row.get('name') or flow_id}: after {previous.get('symbol') or previous.get('name')}, "
                    f"the next step is '{hop.get('name')}' (declared names: {', '.join(globs)}). The code graph "
                    f"found no call or message path to it. Which candidate, if any, does the source hand off to?"
                )
                outcome = interpret_flow_hop(gateway, root, source, [c for c, _ in candidates], question)
            if not outcome.resolved or outcome.target is None:
                continue
            sym = next(s for c, s in candidates if c.id == outcome.target.id)
            cited: Evidence = next(
                e for e in outcome.citations if e.file == sym["path"] and int(sym["start_line"]) <= e.start_line <= int(sym["end_line"])
            )
            for ev in outcome.citations:
                evidence[ev.id] = ev.model_dump(mode="json")
            new_hop = {
                **hop,
                "found": True,
                "symbol": sym["qualname"],
                "file": sym["path"],
                "line": int(sym["start_line"]),
                "end_line": int(sym["end_line"]),
                "evidence_id": cited.id,
                # no model free text in the report: the hop stands on its verified citation alone
                "via": f"{LLM_MARK} (model pick among indexed candidates, quote verified; not a code-graph path)",
            }
            failures = _control_failures(row, new_hop, findings, control_categories)
            row = _apply(row, i, new_hop, failures)
            resolved += 1
            log.append(
                f"llm flow {flow_id}: hop {hop.get('name')} {LLM_MARK} -> {sym['path']}:{sym['start_line']}"
                + (f"; controls failed: {', '.join(sorted(failures))}" if failures else "")
                + f"; model said: {outcome.explanation[:160]}"
            )
        out[flow_id] = row
    return FlowAssistResult(out, dict(sorted(evidence.items())), sorted(log), resolved, asked)
