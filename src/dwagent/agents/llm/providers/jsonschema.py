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
