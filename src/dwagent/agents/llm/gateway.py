"""The one object agents call for model help: `complete_structured(...) -> Model | None`.

None always means "use your deterministic behaviour", and the reason is in the ledger. The
gateway owns the policy around every call: redaction, the response cache, token and dollar caps,
retries with backoff, one repair attempt for malformed output, and switching the model off for
the rest of the run when it is gone (404) or the key is refused, loudly, not silently.

It also negotiates how a structured answer is asked for (agents/llm/capabilities.py): a server
that rejects a mode is a configuration fact, remembered per endpoint, not an outage; per-call
timeouts follow the endpoint's measured rate, and a retry after a timeout asks for fewer tokens.
Caps are split by stage (agents/llm/budget.py) so no stage can starve a more valuable one.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

import httpx2
from pydantic import BaseModel, ValidationError

from dwagent.agents.llm.admission import Admission
from dwagent.agents.llm.cache import ResponseCache, cache_key
from dwagent.agents.llm.capabilities import EndpointStore, context_size_from, endpoint_key, fix_hint, next_mode
from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.ledger import UsageLedger
from dwagent.agents.llm.prices import Price, price_for
from dwagent.agents.llm.providers import (
    AuthError,
    ContextOverflowError,
    ModelUnavailableError,
    Provider,
    ProviderError,
    ProviderReply,
    RefusalError,
    RequestRejectedError,
    StructuredRequest,
    make_provider,
)
from dwagent.agents.llm.providers.jsonschema import strict_json_schema
from dwagent.agents.llm.redact import Redactor
from dwagent.agents.llm.reply_parsing import backoff_seconds as _backoff
from dwagent.agents.llm.reply_parsing import parse_reply as _parse
from dwagent.agents.llm.templates import load_prompt, render
from dwagent.agents.llm.tokens import TokenCounter
from dwagent.errors import UsageError
from dwagent.models import Finding

M = TypeVar("M", bound=BaseModel)

DEFAULT_MAX_OUTPUT_TOKENS = 700
OUTAGE_LIMIT = 2  # consecutive calls failing after all retries before the model is switched off
MIN_RETRY_OUTPUT_TOKENS = 64  # a retry after a timeout halves the output allowance, down to this
REPAIR_NOTE = (
    "\n\nYour previous reply could not be used: it was not a JSON object matching the schema "
    "{schema_name}. Validation said: {errors}\nReply again with only the JSON object."
)


class LLMGateway:
    """Shared by all agents of one run (thread-safe)."""

    def __init__(
        self,
        settings: LLMSettings,
        provider: Provider | None,
        ledger: UsageLedger | None = None,
        cache: ResponseCache | None = None,
        counter: TokenCounter | None = None,
        redactor: Redactor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        prompts_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.provider = provider
        self.ledger = ledger or UsageLedger(settings.provider, settings.model)
        self.cache = cache if cache is not None else ResponseCache(settings.cache_dir)
        self.counter = counter or TokenCounter(settings.model, settings.cache_dir)
        self.redactor = redactor or Redactor()
        self.price: Price = price_for(settings.provider, settings.model)
        self.ledger.price_known = self.price.known
        self._sleep = sleep
        self._prompts_dir = prompts_dir
        self._lock = threading.Lock()
        self._admission = Admission(settings, self.ledger, self.price)
        self._consecutive_outages = 0
        self._endpoints = EndpointStore(settings.cache_dir)
        self._endpoint_key = endpoint_key(settings)
        self.profile = self._endpoints.load(self._endpoint_key)
        # A fixed timeout the user set is kept as is; the default is only a floor under the rate.
        self._timeout_fixed = any(name == "timeout_s" for name, _ in settings.sources)
        self.announce: Callable[[str], None] | None = None  # where the token plan is shown (stderr)

    @classmethod
    def from_settings(cls, settings: LLMSettings, http_client: httpx2.Client | None = None) -> LLMGateway | None:
        """A gateway for the configured provider, or None when the LLM is off (`--llm none`).

        A hosted provider without its key is a usage error up front, not a run of silent
        fallbacks."""
        if settings.enabled and not settings.key_present:
            raise UsageError(
                f"--llm {settings.spec} needs an API key but {settings.key_env} is not set",
                f"export {settings.key_env}=... or use --llm none",
            )
        provider = make_provider(settings, http_client)
        if provider is None:
            return None
        return cls(settings, provider)

    @classmethod
    def from_cli(
        cls,
        spec: str | None,
        *,
        budget_usd: float | None = None,
        max_tokens: int | None = None,
        no_cache: bool = False,
        structured: str | None = None,
        timeout_s: float | None = None,
        max_retries: int | None = None,
    ) -> LLMGateway | None:
        """The gateway for a command's `--llm` and cap options, resolved CLI > env > config file
        (never the audited tree); None when the result is no LLM."""
        from dwagent.agents.llm.config import LLMOverrides, load_settings

        overrides = LLMOverrides(
            llm=spec,
            budget_usd=budget_usd,
            max_tokens=max_tokens,
            no_cache=no_cache,
            structured=structured,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
        return cls.from_settings(load_settings(overrides))

    # -- secrets -------------------------------------------------------------------------------
    def register_secrets(self, findings: list[Finding]) -> int:
        """Teach the redactor the secrets the rules found; call once before any agent asks."""
        return self.redactor.add_findings(findings)

    # -- the call ------------------------------------------------------------------------------
    def complete_structured(
        self,
        agent: str,
        prompt_name: str,
        inputs: Mapping[str, Any],
        schema: type[M],
        max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS,
        use_cache: bool | None = None,
    ) -> M | None:
        """The model's answer as a validated `schema` instance, or None (fallback; see ledger).

        `inputs` fill the prompt's placeholders; each becomes a delimited, redacted data block.
        """
        use_cache = self.settings.use_cache if use_cache is None else use_cache
        if self.provider is None:
            self.ledger.record_fallback(agent, "no-provider")
            return None
        if self.ledger.disabled:
            self.ledger.record_fallback(agent, f"disabled:{self.ledger.disabled}")
            return None
        template = load_prompt(prompt_name, self._prompts_dir)
        system, user = render(template, inputs, self.redactor.redact)
        json_schema = strict_json_schema(schema)
        request = StructuredRequest(system, user, schema.__name__, json_schema, max_output_tokens)
        key = cache_key(
            {
                "provider": self.settings.provider,
                "model": self.settings.model,
                "base_url": self.settings.base_url,
                "prompt": prompt_name,
                "prompt_version": template.version,
                "schema": json_schema,
                "system": system,
                "user": user,
                "max_output_tokens": max_output_tokens,
            }
        )
        if use_cache:
            cached = self.cache.get(key)
            if cached is not None:
                try:
                    result = schema.model_validate(cached["output"])
                except (ValidationError, KeyError, TypeError):
                    result = None
                if result is not None:
                    self.ledger.record_cache_hit(agent)
                    return result
        result = self._ask(agent, request, schema)
        if result is not None and use_cache:
            self.cache.put(key, {"output": result.model_dump(mode="json"), "prompt_version": template.version})
        return result

    def _estimate_input(self, request: StructuredRequest) -> int:
        text = request.system + request.user + json.dumps(request.json_schema)
        tokens = self.counter.count(text)
        self.ledger.token_count_exact = self.counter.exact
        return tokens

    def _ask(self, agent: str, request: StructuredRequest, schema: type[M]) -> M | None:
        reply = self._send(agent, request)
        if reply is None:
            return None
        parsed, errors = _parse(reply.text, schema)
        if parsed is not None:
            return parsed
        self.ledger.record_failure(agent, "malformed-output")
        self.ledger.record_repair(agent)
        note = REPAIR_NOTE.format(schema_name=request.schema_name, errors=errors[:600])
        repair = replace(request, user=request.user + note)
        reply = self._send(agent, repair)
        if reply is None:
            return None
        parsed, _ = _parse(reply.text, schema)
        if parsed is None:
            self.ledger.record_failure(agent, "malformed-output-after-repair")
            self.ledger.record_fallback(agent, "malformed-output")
        return parsed

    # -- structured mode and timing -------------------------------------------------------------
    @property
    def mode(self) -> str:
        """The structured mode calls use now ("" when the endpoint rejected every candidate)."""
        with self._lock:
            if self.profile.mode and self.profile.mode not in self.profile.rejected and (self.settings.structured in ("auto", self.profile.mode)):
                return self.profile.mode
            return next_mode(self.settings, self.profile)

    def save_profile(self) -> None:
        """Store what is known about the endpoint (mode, rejections, rate, context size)."""
        with self._lock:
            self._endpoints.save(self._endpoint_key, self.profile)

    def _timeout(self, input_tokens: int, output_tokens: int) -> float:
        if self._timeout_fixed:
            return self.settings.timeout_s
        with self._lock:
            return self.profile.timeout_for(input_tokens, output_tokens, self.settings.timeout_s)

    def _mode_rejected(self, agent: str, mode: str, exc: RequestRejectedError) -> bool:
        """Record that the endpoint rejected `mode`; True when another mode is left to try."""
        self.ledger.record_failure(agent, f"mode-rejected:{mode}")
        with self._lock:
            self.profile.rejected[mode] = exc.detail[:300]
            if self.profile.mode == mode:
                self.profile.mode = ""
            self._endpoints.save(self._endpoint_key, self.profile)
            left = next_mode(self.settings, self.profile)
            if not left and not self.ledger.disabled:
                # Not an outage: the server answers, but not to anything we know how to ask.
                self.ledger.disabled = f"configuration: {fix_hint(self.settings, self.profile)} (server said: {exc.detail[:160]})"
        return bool(left)

    def _succeeded(self, mode: str, input_tokens: int, output_tokens: int, seconds: float) -> None:
        with self._lock:
            self.profile.observe(input_tokens, output_tokens, seconds)
            if self.settings.structured == "auto":
                # Only a negotiated mode is remembered: a mode the user forced for one command
                # says nothing about what `auto` should use next time.
                self.profile.mode = mode
            self._endpoints.save(self._endpoint_key, self.profile)

    def _send(self, agent: str, request: StructuredRequest) -> ProviderReply | None:
        """One logical call with retries; None after recording failure and fallback."""
        assert self.provider is not None
        estimate = self._estimate_input(request)
        allowance = self.provider.output_allowance(request)
        if not self._admission.reserve(agent, estimate, allowance):
            return None
        try:
            attempt = 0
            max_output = request.max_output_tokens
            while True:
                mode = self.mode
                if not mode:
                    self.ledger.record_fallback(agent, "no-structured-mode")
                    return None
                sent = replace(request, mode=mode, max_output_tokens=max_output, timeout_s=self._timeout(estimate, max_output))
                started = time.monotonic()
                try:
                    reply = self.provider.complete(sent)
                except RequestRejectedError as exc:
                    if self.settings.structured == "auto" and self._mode_rejected(agent, mode, exc):
                        continue  # negotiation: the next mode, at once (no backoff, no retry used)
                    if self.settings.structured != "auto":
                        self._mode_rejected(agent, mode, exc)
                    self.ledger.record_fallback(agent, "rejected-request")
                    return None
                except ContextOverflowError as exc:
                    size = context_size_from(exc.detail)
                    if size:
                        with self._lock:
                            self.profile.context_size = size
                            self._endpoints.save(self._endpoint_key, self.profile)
                    self.ledger.record_failure(agent, exc.reason)
                    self.ledger.record_fallback(agent, exc.reason)
                    return None
                except RefusalError as exc:
                    self._charge(agent, estimate, 0)
                    self.ledger.record_failure(agent, exc.reason)
                    self.ledger.record_fallback(agent, exc.reason)
                    return None
                except (ModelUnavailableError, AuthError) as exc:
                    self.ledger.record_failure(agent, exc.reason)
                    self.ledger.record_fallback(agent, exc.reason)
                    # A retired model or a refused key fails every later call the same way.
                    self.ledger.disabled = f"{exc.reason}: {self.settings.spec}: {exc.detail}"[:300]
                    return None
                except ProviderError as exc:
                    if exc.retryable and attempt < self.settings.max_retries:
                        attempt += 1
                        self.ledger.record_retry(agent, exc.reason)
                        if exc.reason == "timeout":
                            # Regenerating the same long answer would time out again: ask for less.
                            max_output = max(MIN_RETRY_OUTPUT_TOKENS, max_output // 2)
                        self._sleep(_backoff(attempt, exc.retry_after))
                        continue
                    self.ledger.record_failure(agent, exc.reason)
                    self.ledger.record_fallback(agent, exc.reason)
                    if exc.retryable:
                        self._note_outage(exc)
                    return None
                self._consecutive_outages = 0
                input_tokens = reply.input_tokens if reply.input_tokens is not None else estimate
                output_tokens = reply.output_tokens if reply.output_tokens is not None else self.counter.count(reply.text)
                self._succeeded(mode, input_tokens, output_tokens, time.monotonic() - started)
                self._charge(agent, input_tokens, output_tokens)
                return reply
        finally:
            self._admission.release(agent, estimate, allowance)

    def _note_outage(self, exc: ProviderError) -> None:
        """Two calls in a row that failed after all retries: the endpoint is down. Stop paying
        the backoff on every remaining call; the rest of the run is deterministic (and says so)."""
        with self._lock:
            self._consecutive_outages += 1
            if self._consecutive_outages >= OUTAGE_LIMIT and not self.ledger.disabled:
                self.ledger.disabled = f"unreachable: {self.settings.spec}: {exc.reason} after retries"

    def _charge(self, agent: str, input_tokens: int, output_tokens: int) -> None:
        self.ledger.record_call(agent, input_tokens, output_tokens, self.price.cost(input_tokens, output_tokens))

    # -- doctor --------------------------------------------------------------------------------
    def ping(self, agent: str = "doctor") -> tuple[bool, str]:
        """Send one tiny request outside the cache (negotiating the structured mode if needed);
        (ok, what happened)."""
        from dwagent.agents.llm.schemas import PingReply

        started = time.monotonic()
        result = self.complete_structured(agent, "ping", {"request": {"say": "pong"}}, PingReply, 20, use_cache=False)
        seconds = time.monotonic() - started
        usage = self.ledger.usage(agent)
        if result is None:
            return False, ", ".join(f"{k} x{v}" for k, v in sorted(usage.reasons.items())) or "no reply"
        return True, (f"reply {result.reply!r}; {usage.input_tokens} input + {usage.output_tokens} output tokens in {seconds:.1f} s")

    def plan(self, calls: Mapping[str, int]) -> str:
        """The run's token plan as one line, and shown through `announce` when set."""
        from dwagent.agents.llm.budget import plan_for

        line = plan_for(calls, self.profile.tokens_per_s, self.settings.max_tokens).line()
        if self.announce is not None:
            self.announce(line)
        return line
