"""Reading a model's reply and pacing retries: pure helpers of the gateway (agents/llm/gateway.py)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 30.0


def backoff_seconds(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff (1, 2, 4 ... s, capped), or the server's Retry-After when it gave one."""
    if retry_after is not None:
        return min(retry_after, BACKOFF_CAP_S)
    return min(BACKOFF_BASE_S * 2 ** (attempt - 1), BACKOFF_CAP_S)


def parse_reply(text: str, schema: type[M]) -> tuple[M | None, str]:
    """Validate the reply; tolerate a ```json fence some local models add, and (plain mode) prose
    around the object: the outermost {...} is tried when the whole text is not valid."""
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`")
        body = body[4:] if body.lower().startswith("json") else body
    try:
        return schema.model_validate_json(body.strip()), ""
    except ValidationError as exc:
        errors = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}" for e in exc.errors())
    start, end = body.find("{"), body.rfind("}")
    if 0 <= start < end and (start > 0 or end < len(body) - 1):
        try:
            return schema.model_validate_json(body[start : end + 1]), ""
        except ValidationError:
            pass
    return None, errors
