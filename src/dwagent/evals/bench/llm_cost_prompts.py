"""Prompt sizes for the cost bench's flow, rationale and competitor calls (evals/bench/llm_cost.py).

Each builder renders the same inputs the certify run sends (agents/llm/flow_assist.py,
agents/llm/rationales.py, competitors/prose.py) and returns one input-token count per call the
default policy would make on the tree. Where the rubric's waypoint names match nothing in the
tree (a synthetic tree does not use the target's names), same-sized stand-in members are used,
so the count reflects a tree where every waypoint resolves to candidates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from dwagent.agents.llm.flow_assist import MAX_BLOCK_LINES, MAX_CANDIDATES, MEMBER_KINDS, _block, _candidates
from dwagent.agents.llm.rationales import _facts, row_evidence
from dwagent.agents.llm.schemas import FlowHopReply, ProseReply
from dwagent.agents.llm.templates import CodeBlock
from dwagent.models import Finding

Count = Callable  # (counter, prompt name, inputs, schema) -> tokens


def _stand_ins(sources, count: int, offset: int) -> list[CodeBlock]:
    """`count` production members of at least MAX_BLOCK_LINES lines, picked deterministically."""
    rows = [
        s for s in sources.symbols(kinds=MEMBER_KINDS) if s["role"] == "production" and s["end_line"] - s["start_line"] + 1 >= MAX_BLOCK_LINES // 2
    ]
    if not rows:
        return []
    step = max(1, len(rows) // 97)
    picked = [rows[(offset * 7 + i * step) % len(rows)] for i in range(count)]
    blocks = [_block(sources, f"cand-{i}", s["path"], s["start_line"], s["end_line"]) for i, s in enumerate(picked, 1)]
    return [b for b in blocks if b is not None]


def flow_prompts(root: Path, store, counter, tokens: Count, rubric_spec: str = "dw") -> tuple[list[int], int]:
    """One flow-hop prompt per rubric waypoint (every hop assumed unresolved: the upper bound);
    returns (token counts, how many used stand-in members)."""
    from dwagent.agents.inputs.sources import Sources
    from dwagent.rubric.loader import load_rubric

    sources = Sources(root, store.conn)
    out, stand_in = [], 0
    for n, flow in enumerate(load_rubric(rubric_spec).rubric.flows):
        entry = _candidates(sources, flow.entry)
        for m, waypoint in enumerate(flow.waypoints):
            cands = [c for c, _ in _candidates(sources, waypoint.symbols)]
            source = entry[0][0] if entry else None
            if not cands or source is None:
                stand_in += 1
                blocks = _stand_ins(sources, MAX_CANDIDATES + 1, n * 31 + m)
                if not blocks:
                    continue
                source = CodeBlock("source", blocks[0].file, blocks[0].start_line, blocks[0].text)
                cands = cands or blocks[1:]
            question = (
                f"Flow {flow.name}: after {flow.entry[0]}, the next step is '{waypoint.name}' (declared names: "
                f"{', '.join(waypoint.symbols)}). The code graph found no call or message path to it. Which "
                f"candidate, if any, does the source hand off to?"
            )
            out.append(tokens(counter, "flow_interpreter", {"question": question, "source": source, "candidates": cands}, FlowHopReply))
    return out, stand_in


def rationale_prompts(findings: list[Finding], counter, tokens: Count, rubric_spec: str = "dw") -> list[int]:
    """One rationale prompt per domain and tier row, each citing a full evidence list (findings)."""
    from dwagent.rubric.loader import load_rubric

    rubric = load_rubric(rubric_spec).rubric
    rows = [("domain", d.id) for d in rubric.domains] + [("tier", t.id) for t in rubric.tiers]
    by_id = {f.id or f.fingerprint: f.model_dump(mode="json") for f in findings}
    ids = sorted(by_id)
    out = []
    for i, (kind, row_id) in enumerate(rows):
        chosen = ids[(i * 5) % max(1, len(ids)) :][:12] or ids[:12]
        row = {
            "id": row_id,
            "name": row_id,
            "status": "FAIL",
            "reason": f"{len(chosen)} finding(s)",
            "finding_ids": chosen,
            "cells": {
                c: {"status": "FAIL", "reason": "finding(s) in the domain's files"}
                for c in ("implemented", "wired", "tested", "secure", "documented")
            },
        }
        items = row_evidence(row, {}, by_id)
        evidence = [{"id": e.id, "file": e.file, "lines": f"{e.start_line}-{e.end_line}", "excerpt": e.excerpt, "note": e.note} for e in items]
        out.append(tokens(counter, "rationale", {"facts": _facts(kind, row), "evidence": evidence}, ProseReply))
    return out


def competitor_prompts(store, findings: list[Finding], counter, tokens: Count) -> list[int]:
    """One competitor-prose prompt per KB product, from the offline analysis of this tree."""
    from dwagent.competitors.analysis import analyse
    from dwagent.competitors.prose import llm_prompt_inputs

    analysis = analyse(store, findings)
    out = []
    for section in analysis.sections:
        facts, items, _ = llm_prompt_inputs(section, analysis.profile)
        evidence = [{"id": e.id, "file": e.file, "lines": f"{e.start_line}-{e.end_line}", "excerpt": e.excerpt, "note": e.note} for e in items]
        out.append(tokens(counter, "competitor_prose", {"facts": json.loads(json.dumps(facts)), "evidence": evidence}, ProseReply))
    return out
