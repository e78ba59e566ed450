"""Plain value types shared by the store, the API and the evaluator."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    attribute: str
    operator: str  # "eq", "in", "startswith"
    values: tuple[str, ...]
    variation: Any


@dataclass(frozen=True)
class Flag:
    key: str
    project: str
    enabled: bool
    default: Any
    rollout_percent: int = 100
    strategy: str = "percentage"
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    updated_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "project": self.project,
            "enabled": self.enabled,
            "default": self.default,
            "rollout_percent": self.rollout_percent,
            "strategy": self.strategy,
            "rules": [r.__dict__ for r in self.rules],
            "updated_at": self.updated_at,
        }


def flag_from_dict(raw: dict[str, Any]) -> Flag:
    rules = tuple(Rule(r["attribute"], r["operator"], tuple(r["values"]), r.get("variation", True)) for r in raw.get("rules", []))
    return Flag(
        key=str(raw["key"]),
        project=str(raw.get("project", "default")),
        enabled=bool(raw.get("enabled", False)),
        default=raw.get("default", False),
        rollout_percent=int(raw.get("rollout_percent", 100)),
        strategy=str(raw.get("strategy", "percentage")),
        rules=rules,
        updated_at=float(raw.get("updated_at", 0.0)),
    )
