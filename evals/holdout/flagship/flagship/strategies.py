"""Evaluation strategies, registered by name with the @strategy decorator."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from flagship.models import Flag, Rule
from flagship.rollout import in_rollout

_REGISTRY: dict[str, type["Strategy"]] = {}


def strategy(name: str):
    def register(cls: type["Strategy"]) -> type["Strategy"]:
        _REGISTRY[name] = cls
        return cls

    return register


def get_strategy(name: str) -> "Strategy":
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}") from None


class Strategy(ABC):
    @abstractmethod
    def is_enabled(self, flag: Flag, context: dict[str, Any]) -> bool:
        raise NotImplementedError


@strategy("always-on")
class AlwaysOn(Strategy):
    """Kill-switch style flags that are either globally on (flag.enabled) or off."""

    def is_enabled(self, flag: Flag, context: dict[str, Any]) -> bool:
        return True


@strategy("percentage")
class Percentage(Strategy):
    def is_enabled(self, flag: Flag, context: dict[str, Any]) -> bool:
        user = str(context.get("user", ""))
        return bool(user) and in_rollout(flag.key, user, flag.rollout_percent)


@strategy("rules")
class RuleMatch(Strategy):
    def is_enabled(self, flag: Flag, context: dict[str, Any]) -> bool:
        return any(_matches(rule, context) for rule in flag.rules)


def _matches(rule: Rule, context: dict[str, Any]) -> bool:
    value = str(context.get(rule.attribute, ""))
    if rule.operator == "eq":
        return value == rule.values[0]
    if rule.operator == "in":
        return value in rule.values
    if rule.operator == "startswith":
        return any(value.startswith(v) for v in rule.values)
    return False


def evaluate(flag: Flag, context: dict[str, Any]) -> Any:
    if not flag.enabled:
        return flag.default
    for rule in flag.rules:
        if _matches(rule, context):
            return rule.variation
    return True if get_strategy(flag.strategy).is_enabled(flag, context) else flag.default
