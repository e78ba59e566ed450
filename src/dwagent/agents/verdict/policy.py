"""Severity arithmetic and effect classification shared by the reviewer and the adjudicator.

docs/verdict-policy.md is the prose version of these functions.
"""

from __future__ import annotations

from dwagent.models import SEVERITY_ORDER
from dwagent.rubric.schema import Policy

_BY_RANK = {rank: name for name, rank in SEVERITY_ORDER.items()}
_LOWEST = max(SEVERITY_ORDER.values())


def downgrade(severity: str, steps: int) -> str:
    """Lower a severity by `steps` levels, never below low."""
    return _BY_RANK[min(_LOWEST, SEVERITY_ORDER[severity] + max(0, steps))]


def at_least(severity: str, threshold: str) -> bool:
    """True when `severity` is as severe as `threshold` or worse."""
    return SEVERITY_ORDER[severity] <= SEVERITY_ORDER[threshold]


def finding_effect(severity: str, policy: Policy) -> str:
    """block / condition / note for a counted finding of this effective severity."""
    if at_least(severity, policy.block_at):
        return "block"
    if at_least(severity, policy.condition_at):
        return "condition"
    return "note"


def finding_effect_of(finding: dict, policy: Policy) -> str:
    """The effect of one counted finding: by its effective severity, or block when the rubric's
    procedure forbids its category outright (a production stub is never a mere condition)."""
    if finding.get("category") in policy.block_categories and finding.get("scope", "production") == "production":
        return "block"
    return finding_effect(finding["severity"], policy)


def blocking_reason(finding: dict, policy: Policy) -> str:
    """Why this finding blocks on its own, in the policy's terms ("" when it does not)."""
    if at_least(finding["severity"], policy.block_at):
        return f"{finding['severity']} severity (blocks at {policy.block_at}+)"
    if finding_effect_of(finding, policy) == "block":
        return f"the procedure forbids {finding['category']} (any severity)"
    return ""


def cap(effect: str, ceiling: str) -> str:
    """`effect`, but never more severe than `ceiling` (block > condition > note)."""
    rank = {"block": 0, "condition": 1, "note": 2}
    return effect if rank[effect] >= rank[ceiling] else ceiling


def counts(finding: dict) -> bool:
    """A reviewed finding counts toward verdicts unless the certifier's own baseline accepted it."""
    suppression = finding.get("suppression") or {}
    return suppression.get("kind") != "certifier-baseline"
