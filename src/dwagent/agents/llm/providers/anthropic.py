"""Anthropic via the official SDK; structured output through a forced tool call.

The schema is offered as the input schema of a single tool and `tool_choice` forces the model to
call it, so the reply arrives as a JSON object rather than prose.
"""

from __future__ import annotations

import json

import anthropic
import httpx2

from dwagent.agents.llm.config import LLMSettings
from dwagent.agents.llm.providers.interface import (
    Provider,
    ProviderError,
    ProviderReply,
    RefusalError,
    RetryableError,
    StructuredRequest,
    classify_status,
    retry_after_seconds,
    status_error_detail,
)


class AnthropicProvider(Provider):
    """Messages API with a forced tool; SDK retries off (the gateway retries)."""

    def __init__(self, settings: LLMSettings, http_client: httpx2.Client | None = None) -> None:
        self.name = "anthropic"
        self.model = settings.model
        self.client = anthropic.Anthropic(
            api_key=settings.api_key or "missing-key",
            base_url=settings.base_url or None,
            timeout=settings.timeout_s,
            max_retries=0,
            http_client=http_client,
        )

    def complete(self, request: StructuredRequest) -> ProviderReply:
        extra = {"timeout": request.timeout_s} if request.timeout_s is not None else {}
        try:
            response = self.client.messages.create(
                **extra,
                model=self.model,
                max_tokens=request.max_output_tokens,
                system=request.system,
                messages=[{"role": "user", "content": request.user}],
                tools=[
                    {
                        "name": request.schema_name,
                        "description": "Return the answer as the input of this tool.",
                        "input_schema": request.json_schema,
                    }
                ],
                tool_choice={"type": "tool", "name": request.schema_name},
                # No temperature: current Claude models reject non-default sampling parameters.
            )
        except anthropic.APITimeoutError as exc:
            raise RetryableError("timeout", str(exc)) from exc
        except anthropic.APIConnectionError as exc:
            raise RetryableError("connection", str(exc)) from exc
        except anthropic.APIStatusError as exc:
            raise classify_status(exc.status_code, status_error_detail(exc.body, str(exc)), retry_after_seconds(exc.response.headers)) from exc
        except anthropic.APIError as exc:
            raise ProviderError("api-error", str(exc)) from exc
        if response.stop_reason == "refusal":
            raise RefusalError("refusal", "the model declined to answer")
        text, via = "", "content"
        for block in response.content:
            if block.type == "tool_use" and block.name == request.schema_name:
                text, via = json.dumps(block.input, sort_keys=True), "tool"
                break
            if block.type == "text" and not text:
                text = block.text
        usage = response.usage
        return ProviderReply(
            text=text,
            model=response.model or self.model,
            input_tokens=usage.input_tokens if usage else None,
            output_tokens=usage.output_tokens if usage else None,
            via=via,  # type: ignore[arg-type]
            finish=response.stop_reason or "",
        )
