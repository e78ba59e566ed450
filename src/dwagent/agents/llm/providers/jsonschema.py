"""Pydantic model -> JSON Schema that OpenAI strict mode and Anthropic tool input both accept.

Strict mode wants every object closed (`additionalProperties: false`), every property listed in
`required`, and no `default` keywords; output schemas in this package are written to fit that.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel


def _tighten(node: Any) -> Any:
    if isinstance(node, dict):
        node.pop("default", None)
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = sorted(node["properties"])
        for value in node.values():
            _tighten(value)
    elif isinstance(node, list):
        for item in node:
            _tighten(item)
    return node


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, closed and fully required."""
    return _tighten(copy.deepcopy(model.model_json_schema()))


# Local servers turn the schema into a sampling grammar (llama.cpp): there, length bounds stop a
# small model from filling its whole output allowance with one string, which otherwise makes
# every call as slow as the allowance allows. Hosted strict modes may reject these keywords, so
# they are added only for local servers, and the reply is still validated against the schema.
LOCAL_MAX_STRING_CHARS = 500
LOCAL_MAX_ARRAY_ITEMS = 4


def _bound(node: Any, max_chars: int, max_items: int) -> Any:
    if isinstance(node, dict):
        if node.get("type") == "string" and "enum" not in node and "const" not in node:
            node.setdefault("maxLength", max_chars)
        if node.get("type") == "array":
            node.setdefault("maxItems", max_items)
        for value in node.values():
            _bound(value, max_chars, max_items)
    elif isinstance(node, list):
        for item in node:
            _bound(item, max_chars, max_items)
    return node


def bounded_json_schema(schema: dict[str, Any], max_chars: int = LOCAL_MAX_STRING_CHARS, max_items: int = LOCAL_MAX_ARRAY_ITEMS) -> dict[str, Any]:
    """A copy of `schema` with maxLength on free strings and maxItems on arrays."""
    return _bound(copy.deepcopy(schema), max_chars, max_items)
