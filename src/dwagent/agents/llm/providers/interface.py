"""The provider interface: one structured request in, one reply (JSON text + usage) out.

Providers translate SDK exceptions into the errors below so the gateway can decide, without
knowing any SDK, what is worth a retry and what must be recorded as a failure.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class StructuredRequest:
    """A single-turn request whose answer must be a JSON object matching `json_schema`."""

    system: str
    user: str
    schema_name: str
    json_schema: dict[str, Any] = field(hash=False)
    max_output_tokens: int = 800
    # How the structure is asked for (agents/llm/capabilities.py): json_schema, json_object,
    # tool or plain. Providers without the notion (Anthropic: always a tool) ignore it.
    mode: str = "json_schema"
    timeout_s: float | None = None  # per-call timeout; None = the client's default


@dataclass(frozen=True)
class ProviderReply:
    """The model's JSON text and the usage the provider reported (None when it reported none)."""

    text: str
    model: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    via: Literal["content", "tool"] = "content"
    finish: str = ""


class ProviderError(Exception):
    """A call failed. `reason` is a short stable label recorded in the usage ledger."""

    retryable = False

    def __init__(self, reason: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after


class RetryableError(ProviderError):
    """429, 5xx, overload, timeouts, dropped connections: worth another attempt after a pause."""

    retryable = True


class RefusalError(ProviderError):
    """The model declined to answer (refusal or content filter)."""


class ModelUnavailableError(ProviderError):
    """The model does not exist or was retired (404): every later call would fail the same way."""


class AuthError(ProviderError):
    """The key is missing, wrong or not allowed to use this model (401/403)."""


class RequestRejectedError(ProviderError):
    """The server refused the request's shape (a parameter or value it does not take: HTTP 400,
    422, or a 5xx whose body is a validation message). A configuration problem: retrying the same
    request fails the same way, and the server is not down."""


class ContextOverflowError(ProviderError):
    """The prompt plus the output allowance do not fit the model's context window."""


class Provider(ABC):
    """One configured model behind an SDK client."""

    name: str = ""
    model: str = ""

    @abstractmethod
    def complete(self, request: StructuredRequest) -> ProviderReply:
        """Send the request once (no retries: the gateway owns retry policy)."""

    def output_allowance(self, request: StructuredRequest) -> int:
        """The most output tokens this request can be billed for (the budget reserves this)."""
        return request.max_output_tokens


def classify_status(status: int, detail: str, retry_after: float | None) -> ProviderError:
    """Map an HTTP status from either SDK to our error kinds."""
    from dwagent.agents.llm.capabilities import is_context_overflow, is_validation_error

    if status in (400, 413, 422) and is_context_overflow(detail):
        return ContextOverflowError("context-overflow", detail)
    if status != 429 and is_validation_error(status, detail):
        return RequestRejectedError(f"rejected-{status}", detail)
    if status == 429 or status == 408 or status == 409 or status >= 500:
        return RetryableError(f"http-{status}", detail, retry_after)
    if status == 404:
        return ModelUnavailableError("model-unavailable", detail)
    if status in (401, 403):
        return AuthError(f"auth-{status}", detail)
    return ProviderError(f"http-{status}", detail)


def retry_after_seconds(headers: Any) -> float | None:
    """Retry-After (seconds) or retry-after-ms from a response's headers, if present and sane."""
    if headers is None:
        return None
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000.0)
        if headers.get("retry-after"):
            return max(0.0, float(headers["retry-after"]))
    except (TypeError, ValueError):
        return None
    return None


def status_error_detail(body: Any, fallback: str) -> str:
    """The provider's error message from an error response body, one line, at most 300 chars,
    without echoing request content; `fallback` when the body has no message."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return fallback[:300]
