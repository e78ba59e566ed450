"""Where the run's LLM tokens go: per-stage shares of the caps, and the plan shown up front.

A single first-come-first-served cap lets whichever stage runs first eat the budget (the
competitor paragraphs run before the rationales, so they used to starve them). With a cap set,
each stage gets a fixed share, ordered by what the model's help is worth: the hostile review and
triage of findings (which can lower a severity, with verified citations) first, the flow-hop
interpretation and the cited rationales next, free prose last. Agents outside the stages (chat,
doctor, the endpoint probe) are held by the global cap only. Shares are fixed, not "whatever is
left", so the cut is the same whatever order parallel stages happen to run in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

STAGE_OF_AGENT: dict[str, str] = {
    "hostile_reviewer": "review",
    "triage": "review",
    "flow_tracer": "flows",
    "rationale": "rationale",
    "competitor_analyst": "prose",
}
STAGE_SHARES: dict[str, float] = {"review": 0.45, "flows": 0.2, "rationale": 0.2, "prose": 0.15}
STAGE_ORDER: tuple[str, ...] = ("review", "flows", "rationale", "prose")

# Typical size of one call per kind (input tokens as rendered, output of a usual reply), from the
# cost measurement in docs/llm.md; the plan multiplies them by the number of calls expected.
TYPICAL_CALL: dict[str, tuple[int, int]] = {
    "challenge": (1190, 300),
    "triage": (1190, 250),
    "flow": (2383, 200),
    "rationale": (1583, 350),
    "competitor": (1268, 400),
}
# Batched kinds (triage sends up to 8 hits per call): what each further hit in a call adds. The
# system prompt and instructions (~500 tokens) are paid once per call, the rest per hit. The call
# mapping gives the number of hits as "<kind>_items" next to the number of calls.
PER_ITEM: dict[str, tuple[int, int]] = {"triage": (690, 250)}
KIND_STAGE: dict[str, str] = {"challenge": "review", "triage": "review", "flow": "flows", "rationale": "rationale", "competitor": "prose"}


def stage_of(agent: str) -> str:
    """The budget stage of an agent ("" = no stage share, global cap only)."""
    return STAGE_OF_AGENT.get(agent, "")


def stage_cap(total: float | None, stage: str) -> float | None:
    """The stage's share of a cap (None when there is no cap or the agent has no stage)."""
    if total is None or not stage:
        return None
    return total * STAGE_SHARES[stage]


@dataclass(frozen=True)
class TokenPlan:
    """Expected calls and tokens of a run, and the time they take at a measured rate."""

    calls: dict[str, int]  # kind -> number of calls expected (upper bounds where the count is a cap)
    tokens_per_s: float | None
    max_tokens: int | None = None
    items: Mapping[str, int] = field(default_factory=dict)  # batched kind -> hits over all its calls

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def _items(self, kind: str, calls: int) -> int:
        return max(calls, self.items.get(kind, calls)) if kind in PER_ITEM else calls

    @property
    def input_tokens(self) -> int:
        total = 0
        for k, n in self.calls.items():
            extra = self._items(k, n) - n  # hits beyond the first of each call
            total += n * TYPICAL_CALL[k][0] + extra * PER_ITEM.get(k, (0, 0))[0]
        return total

    @property
    def output_tokens(self) -> int:
        return sum(self._items(k, n) * TYPICAL_CALL[k][1] for k, n in self.calls.items())

    def minutes(self) -> float | None:
        from dwagent.agents.llm.capabilities import PROMPT_TOKEN_WEIGHT

        if not self.tokens_per_s:
            return None
        return (self.input_tokens * PROMPT_TOKEN_WEIGHT + self.output_tokens) / self.tokens_per_s / 60.0

    def line(self) -> str:
        """One sentence for the console, e.g. "LLM plan: ~12 calls, ~25k tokens, ~4 minutes at 21.0 tokens/s"."""
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(self.calls.items()) if n)
        total = self.input_tokens + self.output_tokens
        minutes = self.minutes()
        when = (
            f"~{minutes:.0f} minute(s) at the measured {self.tokens_per_s:.1f} tokens/s"
            if minutes is not None
            else "time unknown until the endpoint's rate is measured (dwagent doctor --ping measures it)"
        )
        text = f"LLM plan: ~{self.total_calls} call(s) ({parts or 'none'}), ~{_k(total)} tokens, {when}"
        if self.max_tokens is not None:
            shares = ", ".join(f"{stage} {_k(self.max_tokens * STAGE_SHARES[stage])}" for stage in STAGE_ORDER)
            text += f"; --max-tokens {_k(self.max_tokens)} split by stage: {shares}"
        return text


def plan_for(calls: Mapping[str, int], tokens_per_s: float | None, max_tokens: int | None = None) -> TokenPlan:
    """A TokenPlan over known call kinds (unknown kinds are ignored)."""
    known = {k: int(v) for k, v in calls.items() if k in TYPICAL_CALL and v > 0}
    items = {k: int(calls[f"{k}_items"]) for k in PER_ITEM if k in known and f"{k}_items" in calls}
    return TokenPlan(known, tokens_per_s, max_tokens, items)


def _k(tokens: float) -> str:
    return f"{tokens / 1000:.1f}k" if tokens >= 1000 else f"{tokens:.0f}"
