"""Competitor analyst: the competitive analysis (dwagent.competitors.analysis), after the verdict.

It reads the reviewed evidence and the adjudicator's report (verdict, blocking items) and never
changes the verdict: it only adds the `competitive` section to the report. It runs only when the
rubric asks for it (`competitive_analysis: true`); otherwise, or when it fails, the section records
NOT RUN with the reason.
"""

from __future__ import annotations

import time

from dwagent.agents.context import RunContext
from dwagent.agents.state import CertifyState
from dwagent.competitors.analysis import analyse_evidence, report_dict
from dwagent.competitors.prose import llm_comparisons_markdown


def report_evidence(state: CertifyState, ctx: RunContext) -> dict:
    """The evidence bundle handed to the analysis: inventory, reviewed findings, matrices."""
    return {
        "root": str(ctx.root),
        "rubric": ctx.rubric.rubric.name,
        "inventory": {k: v for k, v in state.get("inventory", {}).items() if k not in ("paths", "source_files_list")},
        # placeholder tests are test-scope, so the reviewer drops them from counting; the gate counts
        # them, and so must the track record, or the report gives one quantity two values
        "findings": state.get("findings", [])
        + [
            f
            for f in state.get("dropped", [])
            if f["category"] == "placeholder-test" and f.get("review") and f["review"][-1]["challenge"] == "test-only"
        ],
        "plugins": state.get("plugins", {}),
        "flows": state.get("flows", {}),
        "tiers": state.get("tiers", {}),
        "claims": state.get("claims", []),
        "report": state.get("report", {}),
    }


def competitor_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: competitive analysis, or a NOT RUN record."""
    started = time.perf_counter()
    if not getattr(ctx.rubric.rubric, "competitive_analysis", False):
        result = {
            "status": "NOT RUN",
            "reason": f"the '{ctx.rubric.rubric.name}' rubric does not ask for a competitive analysis (competitive_analysis: true)",
        }
        return _with_report(state, result, started)
    try:
        analysis = analyse_evidence(report_evidence(state, ctx), index_dir=ctx.index_dir, product=ctx.root.name)
        result = report_dict(analysis)  # status RAN, summary, markdown, matrix, recommendations
        if ctx.gateway is not None:  # optional model-written paragraphs, appended after the checks
            try:
                extra = llm_comparisons_markdown(ctx.gateway, analysis)
            except Exception as exc:  # the model's addition must not cost the deterministic analysis
                extra = ""
                result["llm_prose"] = f"NOT RUN: {type(exc).__name__}: {exc}"
            if extra:
                result["markdown"] = result["markdown"].rstrip("\n") + "\n\n" + extra
    except Exception as exc:  # an optional section must not take the certification down
        result = {"status": "NOT RUN", "reason": f"competitive analysis failed: {type(exc).__name__}: {exc}"}
    return _with_report(state, result, started)


def _with_report(state: CertifyState, result: dict, started: float) -> dict:
    """The node's update: the section, also placed into the report the adjudicator wrote."""
    update: dict = {"competitive": result, "timings": {"competitor_analyst": round(time.perf_counter() - started, 3)}}
    if state.get("report"):
        update["report"] = {**state["report"], "competitive": result}
    return update
