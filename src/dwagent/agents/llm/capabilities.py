"""What an LLM endpoint can do, found once and remembered: structured mode, speed, context size.

Servers differ in how they take a structured request. OpenAI accepts `response_format`
json_schema; llama-cpp-python rejects it (HTTP 500 with a validation message) but accepts
`json_object` with its own `schema` extension and grammar-constrained forced tool calls; some
servers accept none of these and can only be asked for JSON in the prompt. With
`structured = "auto"` the gateway tries the modes in `candidate_modes` order and keeps the first
one the server does not reject; what it found is stored per endpoint (provider, base URL, model)
in `<cache_dir>/llm-endpoints.json`, which lives in the user's cache, never in the audited tree.

The measured token rate (end to end, prompt tokens weighted by `PROMPT_TOKEN_WEIGHT`) sets the
per-call timeout and the token plan's minutes. It is wall-clock data, so it is kept here and in
`doctor --ping` output, never in run.json.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dwagent.agents.llm.config import LLMSettings

ENDPOINTS_FILE = "llm-endpoints.json"
# Prompt tokens are processed in batches, many times faster than tokens are generated (about
# 100-300 vs 20 per second on the CPU model CI uses); 0.15 is a conservative middle.
PROMPT_TOKEN_WEIGHT = 0.15
RATE_SMOOTHING = 0.5  # weight of the newest sample in the running rate
TIMEOUT_SAFETY = 2.0  # a call may take twice the expected time before it is a timeout
TIMEOUT_OVERHEAD_S = 5.0
MAX_TIMEOUT_S = 900.0

# Words that make an error body a complaint about the request's shape (a parameter the server
# does not take) rather than a failure of the server. Matched case-insensitively.
_VALIDATION = re.compile(
    r"validation error|input should be|literal_error|extra_forbidden|extra inputs are not permitted|"
    r"field required|unsupported|not supported|unknown parameter|unrecognized|invalid (?:type|value|parameter)|"
    r"response_format|json_schema|tool_choice|\btools?\b.*not",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"context (?:window|length)|maximum context|exceeds? (?:the )?context|too many tokens|"
    r"requested tokens",
    re.IGNORECASE,
)
_CONTEXT_SIZE = re.compile(r"context (?:window|length)(?: of| is)?\s*(\d{3,7})", re.IGNORECASE)


def candidate_modes(settings: LLMSettings) -> tuple[str, ...]:
    """The structured modes to try, best first. An explicit setting is the only candidate."""
    if settings.structured != "auto":
        return (settings.structured,)
    if settings.provider == "anthropic":
        return ("tool",)  # the Messages API has no response_format; a forced tool is its way
    if settings.provider == "openai":
        return ("json_schema", "tool", "plain")
    return ("json_schema", "json_object", "tool", "plain")


def is_validation_error(status: int, detail: str) -> bool:
    """True when an error response says the request itself was not acceptable (a parameter or
    value the server does not take): a configuration problem, not an outage.

    400 and 422 are always about the request; a 5xx only when its body reads as a validation
    message (llama-cpp-python answers an unknown response_format with 500)."""
    if is_context_overflow(detail):
        return False
    if status in (400, 422):
        return True
    return status >= 500 and bool(_VALIDATION.search(detail or ""))


def is_context_overflow(detail: str) -> bool:
    """True when the server says the prompt plus output do not fit its context window."""
    return bool(_CONTEXT.search(detail or ""))


def context_size_from(detail: str) -> int | None:
    """The context size a server named in an overflow message, if it named one."""
    match = _CONTEXT_SIZE.search(detail or "")
    return int(match.group(1)) if match else None


@dataclass
class EndpointProfile:
    """What is known about one endpoint. `mode` "" = not negotiated yet."""

    mode: str = ""
    rejected: dict[str, str] = field(default_factory=dict)  # mode -> the server's message
    tokens_per_s: float | None = None  # weighted tokens per second, end to end
    context_size: int | None = None

    def expected_seconds(self, input_tokens: int, output_tokens: int) -> float | None:
        """How long a call of this size should take at the measured rate (None: not measured)."""
        if not self.tokens_per_s:
            return None
        return (input_tokens * PROMPT_TOKEN_WEIGHT + output_tokens) / self.tokens_per_s

    def timeout_for(self, input_tokens: int, output_tokens: int, floor_s: float) -> float:
        """`floor_s`, raised to what the measured rate needs for a call of this size."""
        expected = self.expected_seconds(input_tokens, output_tokens)
        if expected is None:
            return floor_s
        return min(MAX_TIMEOUT_S, max(floor_s, TIMEOUT_OVERHEAD_S + TIMEOUT_SAFETY * expected))

    def observe(self, input_tokens: int, output_tokens: int, seconds: float) -> None:
        """Fold one completed call into the running rate."""
        if seconds <= 0 or input_tokens + output_tokens <= 0:
            return
        sample = (input_tokens * PROMPT_TOKEN_WEIGHT + output_tokens) / seconds
        if self.tokens_per_s is None:
            self.tokens_per_s = sample
        else:
            self.tokens_per_s = RATE_SMOOTHING * sample + (1 - RATE_SMOOTHING) * self.tokens_per_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "context_size": self.context_size,
            "mode": self.mode,
            "rejected": dict(sorted(self.rejected.items())),
            "tokens_per_s": round(self.tokens_per_s, 3) if self.tokens_per_s else None,
        }


def endpoint_key(settings: LLMSettings) -> str:
    """Provider, base URL and model: one server may serve several models differently."""
    return f"{settings.provider}|{settings.base_url}|{settings.model}"


@dataclass(frozen=True)
class EndpointStore:
    """`<cache_dir>/llm-endpoints.json`: endpoint key -> EndpointProfile fields."""

    directory: Path

    @property
    def path(self) -> Path:
        return self.directory / ENDPOINTS_FILE

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # absent or damaged: negotiate again, never fail
        return data if isinstance(data, dict) else {}

    def load(self, key: str) -> EndpointProfile:
        raw = self._read().get(key)
        if not isinstance(raw, dict):
            return EndpointProfile()
        rate = raw.get("tokens_per_s")
        size = raw.get("context_size")
        return EndpointProfile(
            mode=str(raw.get("mode") or ""),
            rejected={str(k): str(v) for k, v in (raw.get("rejected") or {}).items()},
            tokens_per_s=float(rate) if isinstance(rate, (int, float)) and rate > 0 else None,
            context_size=int(size) if isinstance(size, int) and size > 0 else None,
        )

    def save(self, key: str, profile: EndpointProfile) -> None:
        data = self._read()
        data[key] = profile.to_dict()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, sort_keys=True, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only cache costs one negotiation next run, nothing else


def next_mode(settings: LLMSettings, profile: EndpointProfile) -> str:
    """The best candidate mode the endpoint has not rejected ("" when none is left)."""
    for mode in candidate_modes(settings):
        if mode not in profile.rejected:
            return mode
    return ""


def fix_hint(settings: LLMSettings, profile: EndpointProfile) -> str:
    """What to change when the endpoint rejected the structured mode(s) tried."""
    tried = ", ".join(sorted(profile.rejected)) or settings.structured
    if settings.structured != "auto":
        return (
            f"the server at {settings.base_url or settings.provider} rejected structured={settings.structured}; "
            "use --llm-structured auto (or DWAGENT_LLM_STRUCTURED=auto) to let dwagent find a mode it accepts, "
            "or name another: json_object, tool, plain"
        )
    return (
        f"the server rejected every structured mode tried ({tried}); check that it is an OpenAI-compatible "
        "chat-completions endpoint, or delete " + ENDPOINTS_FILE + " in the cache dir to negotiate again"
    )


def with_mode(profile: EndpointProfile, mode: str) -> EndpointProfile:
    """A copy with `mode` chosen."""
    return replace(profile, mode=mode, rejected=dict(profile.rejected))
