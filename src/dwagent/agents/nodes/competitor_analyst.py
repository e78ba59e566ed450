"""Competitor analyst: the hook for the competitive analysis (dwagent.competitors.analysis).

It reads the same reviewed evidence as the adjudicator and never affects the verdict. Until the
analysis module exists, or when it fails, the section records NOT RUN with the reason.
"""
from __future__ import annotations

import time

from dwagent.agents.context import RunContext
from dwagent.agents.state import CertifyState


def report_evidence(state: CertifyState, ctx: RunContext) -> dict:
    """The evidence bundle handed to the analysis: inventory, reviewed findings, matrices."""
    return {
        "root": str(ctx.root),
        "rubric": ctx.rubric.rubric.name,
        "inventory": {k: v for k, v in state.get("inventory", {}).items() if k not in ("paths", "source_files_list")},
        "findings": state.get("findings", []),
        "plugins": state.get("plugins", {}),
        "flows": state.get("flows", {}),
        "tiers": state.get("tiers", {}),
        "claims": state.get("claims", []),
    }


def competitor_node(state: CertifyState, ctx: RunContext) -> dict:
    """Graph node: competitive analysis, or a NOT RUN record."""
    started = time.perf_counter()
    try:
        from dwagent.competitors.analysis import analyse_evidence, report_dict
    except ImportError:
        result = {"status": "NOT RUN", "reason": "competitive analysis module not available"}
    else:
        try:
            analysis = analyse_evidence(report_evidence(state, ctx), index_dir=ctx.index_dir,
                                        product=ctx.root.name)
            result = report_dict(analysis)  # status RAN, summary, markdown, matrix, recommendations
            # Optional model-written paragraphs, appended after the checks; one call per product,
            # so only when the rubric asks for a competitive analysis (not for every small tree).
            if ctx.gateway is not None and getattr(ctx.rubric.rubric, "competitive_analysis", False):
                from dwagent.competitors.prose import llm_comparisons_markdown

                try:
                    extra = llm_comparisons_markdown(ctx.gateway, analysis)
                except Exception as exc:  # the model's addition must not cost the deterministic analysis
                    extra = ""
                    result["llm_prose"] = f"NOT RUN: {type(exc).__name__}: {exc}"
                if extra:
                    result["markdown"] = result["markdown"].rstrip("\n") + "\n\n" + extra
        except Exception as exc:  # an optional section must not take the certification down
            result = {"status": "NOT RUN", "reason": f"competitive analysis failed: {type(exc).__name__}: {exc}"}
    return {"competitive": result, "timings": {"competitor_analyst": round(time.perf_counter() - started, 3)}}
