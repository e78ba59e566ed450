"""Optional LLM assistance (dwagent.agents.llm).

Deterministic evidence is the floor; a model, when configured, can challenge findings, triage
low-confidence hits, interpret unresolved flow hops and write cited prose. Every helper returns
the deterministic default when the model is absent or fails, and the reason is in the ledger.

Public surface:
- `load_settings(LLMOverrides(...))` -> `LLMSettings`; `LLMGateway.from_settings(settings)` -> gateway or None
- `gateway.register_secrets(findings)`; `gateway.ledger.to_dict()` for run.json;
  `summary_lines(section)` for the report
- `llm_challenge`, `apply_challenge`, `select_for_challenge`, `ReviewContext`, `ChallengeOutcome`
- `llm_triage`, `select_for_triage`, `interpret_flow_hop`, `write_prose`, `cited_sentences`
- `resolve_flow_hops(gateway, root, sources, flows, waypoint_globs, findings, control_categories)`:
  the LLM-resolved-hop pass over flow rows; `write_rationales(gateway, report_dict)`: cited
  domain/tier rationales into the ledger's prose
(the certify graph calls these through agents/nodes/llm_stages.py: `llm_review`, `llm_flows_node`,
`llm_prose_node`; competitor prose lives in competitors/prose.py: `llm_comparisons_markdown`)
"""

from __future__ import annotations

from dwagent.agents.llm.assist import (
    FlowHopOutcome,
    TriageOutcome,
    interpret_flow_hop,
    llm_triage,
    select_for_triage,
    write_prose,
)
from dwagent.agents.llm.citations import CitedText, cited_sentences, keep_cited, verify_citations
from dwagent.agents.llm.config import LLMOverrides, LLMSettings, load_settings, parse_spec
from dwagent.agents.llm.flow_assist import FlowAssistResult, resolve_flow_hops
from dwagent.agents.llm.gateway import LLMGateway
from dwagent.agents.llm.ledger import UsageLedger, summary_lines
from dwagent.agents.llm.rationales import write_rationales
from dwagent.agents.llm.review import (
    ChallengeOutcome,
    ReviewContext,
    apply_challenge,
    llm_challenge,
    select_for_challenge,
)
from dwagent.agents.llm.templates import CodeBlock

__all__ = [
    "ChallengeOutcome",
    "CitedText",
    "CodeBlock",
    "FlowAssistResult",
    "FlowHopOutcome",
    "LLMGateway",
    "LLMOverrides",
    "LLMSettings",
    "ReviewContext",
    "TriageOutcome",
    "UsageLedger",
    "apply_challenge",
    "cited_sentences",
    "interpret_flow_hop",
    "keep_cited",
    "llm_challenge",
    "llm_triage",
    "load_settings",
    "parse_spec",
    "resolve_flow_hops",
    "select_for_challenge",
    "select_for_triage",
    "summary_lines",
    "verify_citations",
    "write_prose",
    "write_rationales",
]
