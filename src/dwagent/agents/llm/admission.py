"""Admission of LLM calls against the run's token and cost caps (whole run and per stage).

A call is admitted only when its worst case (estimated input plus its full output allowance) fits
what is spent plus what calls in flight hold, so agents running in parallel cannot jointly
overshoot a cap; once a cap is hit every later call falls back too, whatever its size."""

from __future__ import annotations

import threading

from dwagent.agents.llm.budget import stage_cap, stage_of
from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.ledger import UsageLedger
from dwagent.agents.llm.prices import Price


class Admission:
    """The in-flight reservations of one gateway (thread-safe)."""

    def __init__(self, settings: LLMSettings, ledger: UsageLedger, price: Price) -> None:
        self.settings = settings
        self.ledger = ledger
        self.price = price
        self._lock = threading.Lock()
        self._held_tokens = 0
        self._held_cost = 0.0
        self._held_by_stage: dict[str, tuple[int, float]] = {}

    def _over_cap(self, tokens: int, cost: float) -> str:
        spent_tokens = self.ledger.total_tokens + self._held_tokens
        if self.settings.max_tokens is not None and spent_tokens + tokens > self.settings.max_tokens:
            return "max-tokens"
        if self.settings.budget_usd is not None:
            if self.ledger.total_cost + self._held_cost + cost > self.settings.budget_usd:
                return "budget-usd"
        return ""

    def _over_stage_cap(self, stage: str, tokens: int, cost: float) -> str:
        """Which cap this stage's share would exceed ("" when it fits or the agent has no stage)."""
        if not stage:
            return ""
        spent_tokens, spent_cost = self.ledger.stage_spent(stage)
        held_tokens, held_cost = self._held_by_stage.get(stage, (0, 0.0))
        token_cap = stage_cap(self.settings.max_tokens, stage)
        if token_cap is not None and spent_tokens + held_tokens + tokens > token_cap:
            return "max-tokens"
        cost_cap = stage_cap(self.settings.budget_usd, stage)
        if cost_cap is not None and spent_cost + held_cost + cost > cost_cap:
            return "budget-usd"
        return ""

    def reserve(self, agent: str, input_tokens: int, output_tokens: int) -> bool:
        """Admit a call whose worst case (estimated input + the full output allowance) fits the caps."""
        tokens, cost = input_tokens + output_tokens, self.price.cost(input_tokens, output_tokens)
        with self._lock:
            if self.ledger.budget_exhausted:
                self.ledger.record_fallback(agent, f"budget-exhausted:{self.ledger.budget_exhausted}")
                return False
            cap = self._over_cap(tokens, cost)
            if cap:
                # Once a cap is hit every later call falls back too, so the outcome does not
                # depend on which remaining request happens to be small enough to squeeze in.
                self.ledger.budget_exhausted = cap
                self.ledger.record_fallback(agent, f"budget-exhausted:{cap}")
                return False
            stage = stage_of(agent)
            if stage and stage in self.ledger.stages_exhausted:
                self.ledger.record_fallback(agent, f"stage-budget-exhausted:{stage}")
                return False
            stage_over = self._over_stage_cap(stage, tokens, cost)
            if stage_over:
                # The same rule per stage: the first call that does not fit closes the stage.
                self.ledger.stages_exhausted.add(stage)
                self.ledger.record_fallback(agent, f"stage-budget-exhausted:{stage}")
                return False
            self._held_tokens += tokens
            self._held_cost += cost
            if stage:
                held_tokens, held_cost = self._held_by_stage.get(stage, (0, 0.0))
                self._held_by_stage[stage] = (held_tokens + tokens, held_cost + cost)
            return True

    def release(self, agent: str, input_tokens: int, output_tokens: int) -> None:
        with self._lock:
            tokens, cost = input_tokens + output_tokens, self.price.cost(input_tokens, output_tokens)
            self._held_tokens -= tokens
            self._held_cost -= cost
            stage = stage_of(agent)
            if stage:
                held_tokens, held_cost = self._held_by_stage.get(stage, (0, 0.0))
                self._held_by_stage[stage] = (held_tokens - tokens, held_cost - cost)
