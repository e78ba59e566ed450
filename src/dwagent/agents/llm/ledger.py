"""Per-agent LLM usage for run.json: calls, tokens, cost, cache hits, failures, fallbacks.

Every time an agent asked for the model and got its deterministic behaviour instead, the reason
is counted here (budget, refusal, malformed output, model unavailable...), so a model that stops
working is visible in the report instead of silently switching the feature off.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AgentUsage:
    """Counters for one agent. Mutable: the ledger accumulates into it under a lock."""

    calls: int = 0  # requests sent to the provider (including retries and repairs)
    cache_hits: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    failures: int = 0  # provider errors after retries, refusals, invalid replies
    fallbacks: int = 0  # times the agent used its deterministic behaviour instead
    retries: int = 0
    repairs: int = 0
    uncited_dropped: int = 0  # LLM sentences dropped for lacking valid evidence ids
    rejected_arguments: int = 0  # LLM challenges whose citations failed verification
    reasons: Counter = field(default_factory=Counter)  # fallback/failure reason -> count

    def to_dict(self) -> dict[str, Any]:
        return {
            "cache_hits": self.cache_hits,
            "calls": self.calls,
            "cost_usd": round(self.cost_usd, 6),
            "failures": self.failures,
            "fallbacks": self.fallbacks,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "reasons": dict(sorted(self.reasons.items())),
            "rejected_arguments": self.rejected_arguments,
            "repairs": self.repairs,
            "retries": self.retries,
            "uncited_dropped": self.uncited_dropped,
        }


class UsageLedger:
    """Thread-safe accumulator shared by every agent of one run."""

    def __init__(self, provider: str = "none", model: str = "") -> None:
        self.provider = provider
        self.model = model
        self._agents: dict[str, AgentUsage] = {}
        self._lock = threading.Lock()
        self.budget_exhausted = ""  # which cap was hit ("" when none)
        self.stages_exhausted: set[str] = set()  # stages whose share of a cap ran out (agents/llm/budget.py)
        self.disabled = ""  # why the model was switched off for the rest of the run
        self.price_known = True
        self.token_count_exact = True
        self._prose: dict[str, dict[str, str]] = {}  # agent -> key -> cited LLM text kept for the report
        # every record_* bumps it: of two snapshots of this shared ledger the later one has the
        # larger count, which is how the graph state keeps the most complete one (agents/state.py)
        self._events = 0

    def _agent(self, agent: str) -> AgentUsage:
        return self._agents.setdefault(agent, AgentUsage())

    def record_call(self, agent: str, input_tokens: int, output_tokens: int, cost: float) -> None:
        with self._lock:
            self._events += 1
            usage = self._agent(agent)
            usage.calls += 1
            usage.input_tokens += input_tokens
            usage.output_tokens += output_tokens
            usage.cost_usd += cost

    def record_cache_hit(self, agent: str) -> None:
        with self._lock:
            self._events += 1
            self._agent(agent).cache_hits += 1

    def record_retry(self, agent: str, reason: str) -> None:
        with self._lock:
            self._events += 1
            usage = self._agent(agent)
            usage.retries += 1
            usage.reasons[f"retry:{reason}"] += 1

    def record_repair(self, agent: str) -> None:
        with self._lock:
            self._events += 1
            self._agent(agent).repairs += 1

    def record_failure(self, agent: str, reason: str) -> None:
        with self._lock:
            self._events += 1
            usage = self._agent(agent)
            usage.failures += 1
            usage.reasons[f"failure:{reason}"] += 1

    def record_fallback(self, agent: str, reason: str) -> None:
        with self._lock:
            self._events += 1
            usage = self._agent(agent)
            usage.fallbacks += 1
            usage.reasons[f"fallback:{reason}"] += 1

    def record_uncited(self, agent: str, dropped: int) -> None:
        with self._lock:
            self._events += 1
            self._agent(agent).uncited_dropped += dropped

    def record_prose(self, agent: str, key: str, text: str) -> None:
        """Keep a cited LLM text (every sentence already checked) for the report's LLM section."""
        with self._lock:
            self._events += 1
            self._prose.setdefault(agent, {})[key] = text

    def record_rejected_argument(self, agent: str) -> None:
        with self._lock:
            self._events += 1
            self._agent(agent).rejected_arguments += 1

    def to_state(self) -> dict[str, Any]:
        """Everything the ledger holds, JSON-able, for the certify graph's checkpoints: restoring
        it on `--resume` keeps the usage and cited prose of the steps that already ran."""
        with self._lock:
            agents = {name: {**usage.to_dict(), "cost_usd": usage.cost_usd} for name, usage in sorted(self._agents.items())}
            prose = {agent: dict(sorted(items.items())) for agent, items in sorted(self._prose.items())}
            return {
                "agents": agents,
                "budget_exhausted": self.budget_exhausted,
                "disabled": self.disabled,
                "events": self._events,
                "model": self.model,
                "price_known": self.price_known,
                "prose": prose,
                "provider": self.provider,
                "stages_exhausted": sorted(self.stages_exhausted),
                "token_count_exact": self.token_count_exact,
            }

    def restore(self, state: dict[str, Any]) -> bool:
        """Replace the counters with a `to_state()` snapshot of the same provider and model (a
        resumed run continues its ledger); another model's snapshot is ignored. True if restored."""
        if not state or (state.get("provider"), state.get("model")) != (self.provider, self.model):
            return False
        with self._lock:
            self._agents = {
                name: AgentUsage(**{**{k: v for k, v in usage.items() if k != "reasons"}, "reasons": Counter(usage.get("reasons", {}))})
                for name, usage in state.get("agents", {}).items()
            }
            self._prose = {agent: dict(items) for agent, items in state.get("prose", {}).items()}
            self.budget_exhausted = state.get("budget_exhausted", "")
            self.stages_exhausted = set(state.get("stages_exhausted", ()))
            self.disabled = state.get("disabled", "")
            self.price_known = state.get("price_known", True)
            self.token_count_exact = state.get("token_count_exact", True)
            self._events = int(state.get("events", 0))
        return True

    def usage(self, agent: str) -> AgentUsage:
        """A copy of one agent's counters (zeros if it never asked)."""
        with self._lock:
            current = self._agents.get(agent, AgentUsage())
            return AgentUsage(**{**current.__dict__, "reasons": Counter(current.reasons)})

    def stage_spent(self, stage: str) -> tuple[int, float]:
        """Tokens and dollars spent so far by the agents of one budget stage."""
        from dwagent.agents.llm.budget import stage_of

        with self._lock:
            usages = [u for name, u in self._agents.items() if stage_of(name) == stage]
            return sum(u.input_tokens + u.output_tokens for u in usages), sum(u.cost_usd for u in usages)

    @property
    def total_tokens(self) -> int:
        with self._lock:
            return sum(u.input_tokens + u.output_tokens for u in self._agents.values())

    @property
    def total_cost(self) -> float:
        with self._lock:
            return sum(u.cost_usd for u in self._agents.values())

    def agents_without_model(self) -> list[str]:
        """Agents that fell back to deterministic behaviour at least once, sorted."""
        with self._lock:
            return sorted(name for name, usage in self._agents.items() if usage.fallbacks)

    def to_dict(self) -> dict[str, Any]:
        """The `llm` section of run.json: deterministic (sorted), no wall-clock values.

        `UsageLedger().to_dict()` is the same shape for an offline run (mode "offline")."""
        with self._lock:
            agents = {name: self._agents[name].to_dict() for name in sorted(self._agents)}
            prose = {agent: dict(sorted(items.items())) for agent, items in sorted(self._prose.items())}
        totals = {
            key: sum(a[key] for a in agents.values())
            for key in (
                "cache_hits",
                "calls",
                "failures",
                "fallbacks",
                "input_tokens",
                "output_tokens",
                "rejected_arguments",
                "retries",
                "repairs",
                "uncited_dropped",
            )
        }
        totals["cost_usd"] = round(sum(a["cost_usd"] for a in agents.values()), 6)
        return {
            "agents": agents,
            "agents_without_model": self.agents_without_model(),
            "budget_exhausted": self.budget_exhausted,
            "disabled": self.disabled,
            "mode": "offline" if self.provider == "none" else "llm",
            "model": self.model,
            "price_known": self.price_known,
            "prose": prose,
            "provider": self.provider,
            "stages_exhausted": sorted(self.stages_exhausted),
            "token_count_exact": self.token_count_exact,
            "totals": totals,
        }


def summary_lines(section: dict[str, Any]) -> list[str]:
    """Plain sentences for a report, from `UsageLedger.to_dict()`: what the model did, what it
    cost, and every way it fell short (so a failing model is never silent)."""
    if section.get("mode") != "llm":
        return ["No LLM was used: every verdict comes from deterministic evidence."]
    totals = section["totals"]
    lines = [
        f"LLM {section['provider']}:{section['model']}: {totals['calls']} call(s), {totals['cache_hits']} cache hit(s), "
        f"{totals['input_tokens']} input + {totals['output_tokens']} output tokens, ${totals['cost_usd']:.4f}"
        + ("" if section.get("price_known", True) else " (model not in the price table: conservative rate)")
        + "."
    ]
    if section.get("disabled"):
        lines.append(f"The model was switched off during the run: {section['disabled']}.")
    if section.get("budget_exhausted"):
        lines.append(f"The {section['budget_exhausted']} cap was reached; later requests used deterministic behaviour.")
    if section.get("stages_exhausted"):
        lines.append(
            "The share of the cap for stage(s) "
            + ", ".join(section["stages_exhausted"])
            + " was reached; their later requests used deterministic behaviour (other stages kept theirs)."
        )
    if section.get("agents_without_model"):
        lines.append("Agents that ran without the model at least once: " + ", ".join(section["agents_without_model"]) + ".")
    for agent, usage in section["agents"].items():
        reasons = ", ".join(f"{k} x{v}" for k, v in usage["reasons"].items() if not k.startswith("retry:"))
        if reasons:
            lines.append(f"{agent}: {reasons}.")
    if totals["rejected_arguments"]:
        lines.append(f"{totals['rejected_arguments']} LLM argument(s) were rejected because their citations did not verify.")
    if totals["uncited_dropped"]:
        lines.append(f"{totals['uncited_dropped']} LLM sentence(s) were dropped for lacking valid evidence ids.")
    for agent, items in section.get("prose", {}).items():
        for key, text in items.items():
            lines.append(f"{agent} ({key}), written by the model, every sentence cited: {text}")
    return lines
