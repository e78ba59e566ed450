"""Fakes for LLM tests: realistic provider replies served through httpx2.MockTransport.

The real `openai` and `anthropic` clients are used; only the HTTP transport is replaced, so the
SDKs' request building, response parsing and error mapping all run for real. No network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx2

from dwagent.agents.llm.schemas import ChallengeReply
from dwagent.models import Finding


def openai_reply(
    content: str | None = None,
    *,
    tool_args: str | None = None,
    tool_name: str = "ChallengeReply",
    refusal: str | None = None,
    finish: str = "stop",
    prompt_tokens: int = 812,
    completion_tokens: int = 96,
    model: str = "gpt-4.1-mini-2025-04-14",
) -> httpx2.Response:
    """A chat.completion body shaped like OpenAI's."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal, "annotations": []}
    if tool_args is not None:
        message["tool_calls"] = [{"id": "call_Q1w2E3r4", "type": "function", "function": {"name": tool_name, "arguments": tool_args}}]
        finish = "tool_calls" if finish == "stop" else finish
    body = {
        "id": "chatcmpl-AbC123",
        "object": "chat.completion",
        "created": 1767000000,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "fp_0a1b2c3d",
    }
    return httpx2.Response(200, json=body, headers={"x-request-id": "req_1"})


def anthropic_reply(
    tool_input: dict[str, Any] | None = None,
    *,
    tool_name: str = "ChallengeReply",
    text: str | None = None,
    stop_reason: str = "tool_use",
    input_tokens: int = 905,
    output_tokens: int = 120,
    model: str = "claude-sonnet-5-5",
) -> httpx2.Response:
    """A Messages API body shaped like Anthropic's."""
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if tool_input is not None:
        content.append({"type": "tool_use", "id": "toolu_01AbC", "name": tool_name, "input": tool_input})
    body = {
        "id": "msg_01XyZ",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }
    return httpx2.Response(200, json=body, headers={"request-id": "req_1"})


def error_reply(status: int, message: str, headers: dict[str, str] | None = None, kind: str = "error") -> httpx2.Response:
    return httpx2.Response(status, json={"error": {"message": message, "type": kind}}, headers=headers or {})


Step = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


@dataclass
class Script:
    """Serves scripted replies in order and records every request body."""

    steps: list[Step]
    requests: list[httpx2.Request] = field(default_factory=list)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unexpected extra request to {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step) and not isinstance(step, httpx2.Response):
            return step(request)
        return step

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


CONFIRM = {"verdict": "confirmed", "proposed_severity": "unchanged", "argument": "The callback accepts every certificate.", "citations": []}


def tls_finding() -> Finding:
    return Finding(
        id="F-tls1",
        rule="DWA-001",
        category="tls-bypass",
        severity="critical",
        file="src/Client.cs",
        start_line=8,
        end_line=8,
        excerpt="            handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;",
        message="TLS certificate validation disabled",
    )


def ask(gateway, agent: str = "hostile_reviewer"):
    """One challenge-shaped request with a small code input."""
    return gateway.complete_structured(agent, "hostile_reviewer", {"finding": {"id": "F-1", "rule": "DWA-001"}, "code": []}, ChallengeReply)
