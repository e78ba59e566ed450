"""OpenAI and OpenAI-compatible servers (Ollama, vLLM, llama.cpp, LM Studio) via the official SDK.

Structured output follows the request's mode (negotiated per endpoint by the gateway, see
agents/llm/capabilities.py): `response_format` json_schema (strict), json_object with a `schema`
(llama-cpp-python's extension; the schema is also stated in the user message), a forced function
call, or plain JSON asked for in the user message.
"""

from __future__ import annotations

import json

import httpx2
import openai

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
from dwagent.agents.llm.providers.jsonschema import bounded_json_schema


def schema_instruction(request: StructuredRequest) -> str:
    """The output contract as text, for modes where the server does not enforce the schema."""
    schema = json.dumps(request.json_schema, sort_keys=True, separators=(",", ":"))
    return f"\n\nReply with only one JSON object (no prose, no code fence) that matches the JSON schema {request.schema_name}: {schema}"


# Reasoning models reject a temperature other than the default.
_NO_TEMPERATURE_PREFIXES = ("o1", "o3", "o4", "gpt-5")
REASONING_ALLOWANCE = 3


class OpenAIProvider(Provider):
    """Chat Completions with structured output; SDK retries off (the gateway retries)."""

    def __init__(self, settings: LLMSettings, http_client: httpx2.Client | None = None) -> None:
        self.name = settings.provider
        self.model = settings.model
        self.local = settings.provider == "openai-compatible"
        self.client = openai.OpenAI(
            api_key=settings.api_key or "missing-key",
            base_url=settings.base_url or None,
            timeout=settings.timeout_s,
            max_retries=0,
            http_client=http_client,
        )

    def _reasoning(self) -> bool:
        return self.model.startswith(_NO_TEMPERATURE_PREFIXES) and not self.local

    def output_allowance(self, request: StructuredRequest) -> int:
        return request.max_output_tokens * (REASONING_ALLOWANCE if self._reasoning() else 1)

    def _arguments(self, request: StructuredRequest) -> dict:
        args: dict = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
        }
        # Older local servers only know max_tokens; OpenAI's reasoning models only the new name.
        args["max_tokens" if self.local else "max_completion_tokens"] = request.max_output_tokens
        if self._reasoning():
            # Hidden reasoning tokens count against the output allowance: keep reasoning short and
            # leave room for the answer, or the reply is cut off before any JSON appears.
            args["reasoning_effort"] = "low"
            args["max_completion_tokens"] = self.output_allowance(request)
        else:
            args["temperature"] = 0
        if request.mode in ("json_object", "plain"):
            # The schema travels in the instructions too: json_object alone only promises *some*
            # JSON object (and OpenAI requires the word JSON in the messages for it). It goes at
            # the end of the user message, after the data blocks: some chat templates (gemma in
            # llama-cpp-python) drop the system message altogether.
            args["messages"][1]["content"] = request.user + schema_instruction(request)
        if request.timeout_s is not None:
            args["timeout"] = request.timeout_s
        schema = bounded_json_schema(request.json_schema) if self.local else request.json_schema
        if request.mode == "tool":
            args["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": request.schema_name,
                        "description": "Return the answer as the arguments of this function.",
                        "parameters": schema,
                        "strict": True,
                    },
                }
            ]
            args["tool_choice"] = {"type": "function", "function": {"name": request.schema_name}}
        elif request.mode == "json_object":
            args["response_format"] = {"type": "json_object", "schema": schema}
        elif request.mode == "json_schema":
            args["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "schema": request.json_schema, "strict": True},
            }
        return args

    def complete(self, request: StructuredRequest) -> ProviderReply:
        try:
            response = self.client.chat.completions.create(**self._arguments(request))
        except openai.APITimeoutError as exc:
            raise RetryableError("timeout", str(exc)) from exc
        except openai.APIConnectionError as exc:
            raise RetryableError("connection", str(exc)) from exc
        except openai.APIStatusError as exc:
            raise classify_status(
                exc.status_code, status_error_detail(exc.body, json.dumps(str(exc))), retry_after_seconds(exc.response.headers)
            ) from exc
        except openai.APIError as exc:  # e.g. a body the SDK could not decode
            raise ProviderError("api-error", str(exc)) from exc
        if not response.choices:
            raise ProviderError("empty-reply", "no choices")
        choice = response.choices[0]
        message = choice.message
        if getattr(message, "refusal", None):
            raise RefusalError("refusal", message.refusal or "")
        if choice.finish_reason == "content_filter":
            raise RefusalError("content-filter", "the provider filtered the reply")
        text, via = message.content or "", "content"
        for call in message.tool_calls or ():
            function = getattr(call, "function", None)
            if function is not None and function.name == request.schema_name:
                text, via = function.arguments or "", "tool"
                break
        usage = response.usage
        return ProviderReply(
            text=text,
            model=response.model or self.model,
            input_tokens=usage.prompt_tokens if usage else None,
            output_tokens=usage.completion_tokens if usage else None,
            via=via,
            finish=choice.finish_reason or "",
        )
