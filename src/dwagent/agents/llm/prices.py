"""Per-model prices (USD per million tokens) from `prices.yaml`, and the cost of a call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PRICES_FILE = Path(__file__).with_name("prices.yaml")


@dataclass(frozen=True)
class Price:
    """USD per million input/output tokens; `known` is False for the conservative fallback."""

    input_per_mtok: float
    output_per_mtok: float
    known: bool = True
    source: str = ""

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1_000_000


FREE = Price(0.0, 0.0, True, "local server")


@lru_cache(maxsize=4)
def _table(path: Path) -> tuple[dict[str, Price], Price]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = {name: Price(float(row["input"]), float(row["output"]), True, str(row.get("source", ""))) for name, row in data["models"].items()}
    unknown = Price(float(data["unknown"]["input"]), float(data["unknown"]["output"]), False, "fallback")
    return rows, unknown


def price_for(provider: str, model: str, path: Path = PRICES_FILE) -> Price:
    """The price row for a model: exact id, else longest matching prefix, else the fallback."""
    if provider == "openai-compatible":
        return FREE
    rows, unknown = _table(path)
    if model in rows:
        return rows[model]
    prefixes = [name for name in rows if model.startswith(name + "-") or model.startswith(name + "@")]
    if prefixes:
        return rows[max(prefixes, key=len)]
    return unknown
