"""LLM providers behind one interface; `make_provider` builds the configured one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dwagent.agents.llm.providers.interface import (
    AuthError,
    ContextOverflowError,
    ModelUnavailableError,
    Provider,
    ProviderError,
    ProviderReply,
    RefusalError,
    RequestRejectedError,
    RetryableError,
    StructuredRequest,
)

if TYPE_CHECKING:
    import httpx2

    from dwagent.agents.llm.config import LLMSettings

__all__ = [
    "AuthError",
    "ContextOverflowError",
    "ModelUnavailableError",
    "Provider",
    "ProviderError",
    "ProviderReply",
    "RefusalError",
    "RequestRejectedError",
    "RetryableError",
    "StructuredRequest",
    "make_provider",
]


def make_provider(settings: LLMSettings, http_client: httpx2.Client | None = None) -> Provider | None:
    """The provider for `settings`, or None when no LLM is configured.

    `http_client` lets tests inject an `httpx2.Client(transport=httpx2.MockTransport(...))`.
    """
    if settings.provider == "none":
        return None
    if settings.provider == "anthropic":
        from dwagent.agents.llm.providers.anthropic import AnthropicProvider

        return AnthropicProvider(settings, http_client)
    from dwagent.agents.llm.providers.openai import OpenAIProvider

    return OpenAIProvider(settings, http_client)
