"""`doctor --ping`: negotiate the structured mode afresh, measure the rate, find the context size.

The ping is one tiny structured request through the gateway, so it takes exactly the path a run
takes (redaction, negotiation, retries, error classification). The context size comes from the
server's model list when it states one (vLLM `max_model_len`, llama.cpp `n_ctx`/`meta`, LM Studio
and others `context_length`), else, for a server on this machine only, from the message it gives
for a prompt that cannot fit (llama-cpp-python: "maximum context length is N tokens"); a remote
endpoint is never sent that oversized probe, since it could bill for it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from dwagent.agents.llm.capabilities import EndpointProfile, context_size_from, fix_hint
from dwagent.agents.llm.gateway import LLMGateway

_CONTEXT_FIELDS = ("context_length", "max_model_len", "context_window", "max_context_length", "n_ctx", "n_ctx_train")
OVERFLOW_PROBE_WORDS = 40_000  # more tokens than the contexts such local servers are started with
OVERFLOW_PROBE_TIMEOUT_S = 120.0  # a shared local server may be busy with another client first


@dataclass
class ProbeReport:
    """What `doctor --ping` found; `lines()` is what it prints."""

    ok: bool
    detail: str
    mode: str = ""
    rejected: dict[str, str] = field(default_factory=dict)
    tokens_per_s: float | None = None
    context_size: int | None = None
    context_source: str = ""
    disabled: str = ""
    fix: str = ""

    def lines(self) -> list[str]:
        out = [f"ping: {'ok' if self.ok else 'FAILED'}: {self.detail}"]
        out.append(
            f"structured mode: {self.mode or 'none accepted'}"
            + (f" (rejected by the server: {', '.join(sorted(self.rejected))})" if self.rejected else "")
        )
        for mode, message in sorted(self.rejected.items()):
            out.append(f"  {mode} rejected: {message[:200]}")
        out.append(
            f"token rate: ~{self.tokens_per_s:.1f} tokens/s (output tokens, prompt tokens weighted 0.15)"
            if self.tokens_per_s
            else "token rate: not measured (no successful call)"
        )
        out.append(
            f"context size: {self.context_size} tokens ({self.context_source})"
            if self.context_size
            else "context size: unknown (the server does not say)"
        )
        if self.disabled:
            out.append(f"model disabled for this run: {self.disabled}")
        if self.fix:
            out.append(f"fix: {self.fix}")
        return out


def _is_loopback(url: str) -> bool:
    host = (urlparse(url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _from_model_list(gateway: LLMGateway) -> int | None:
    """A context size the server states in GET /models, if any (OpenAI-compatible servers)."""
    client = getattr(gateway.provider, "client", None)
    models = getattr(client, "models", None)
    if models is None:
        return None
    try:
        listing = models.list()
    except Exception:  # any failure here only means "not stated"; the ping already reported errors
        return None
    for item in getattr(listing, "data", []) or []:
        if getattr(item, "id", None) not in (gateway.settings.model, None) and len(listing.data) > 1:
            continue
        extra: dict[str, Any] = dict(getattr(item, "model_extra", None) or {})
        for holder in (extra, extra.get("meta") or {}, extra.get("metadata") or {}):
            for key in _CONTEXT_FIELDS:
                value = holder.get(key) if isinstance(holder, dict) else None
                if isinstance(value, int) and value > 0:
                    return value
    return None


def _from_overflow(gateway: LLMGateway) -> int | None:
    """Ask a local server for more than any context it runs with and read its size from the refusal."""
    client = getattr(gateway.provider, "client", None)
    if client is None or not hasattr(client, "chat"):
        return None
    try:
        client.chat.completions.create(
            model=gateway.settings.model,
            max_tokens=1,
            timeout=OVERFLOW_PROBE_TIMEOUT_S,
            messages=[{"role": "user", "content": "probe " * OVERFLOW_PROBE_WORDS}],
        )
    except Exception as exc:  # the refusal is the answer we want
        body = getattr(exc, "body", None)
        message = ""
        if isinstance(body, dict):
            inner = body.get("error", body)
            message = str(inner.get("message", "")) if isinstance(inner, dict) else str(inner)
        return context_size_from(message or str(exc))
    return None


def probe_endpoint(gateway: LLMGateway) -> ProbeReport:
    """Re-negotiate (forget what was cached for this endpoint), ping, and size the context."""
    gateway.profile = EndpointProfile()
    ok, detail = gateway.ping()
    profile = gateway.profile
    size, source = profile.context_size, "from the server's overflow message" if profile.context_size else ""
    if ok and gateway.settings.provider == "openai-compatible":
        stated = _from_model_list(gateway)
        if stated:
            size, source = stated, "stated by GET /models"
        elif _is_loopback(gateway.settings.base_url):
            found = _from_overflow(gateway)
            if found:
                size, source = found, "from the server's answer to an oversized prompt"
    if size and size != profile.context_size:
        profile.context_size = size
        gateway.save_profile()
    disabled = gateway.ledger.disabled
    fix = fix_hint(gateway.settings, profile) if disabled.startswith("configuration:") else ""
    return ProbeReport(ok, detail, gateway.mode if ok else profile.mode, dict(profile.rejected), profile.tokens_per_s, size, source, disabled, fix)
