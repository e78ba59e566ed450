"""Validation of the knowledge base behind `dwagent competitors check`.

Errors (exit 1): a seed name no entry covers; a sentence of our written prose shared by more than
MAX_SECTIONS_PER_SENTENCE products; more than MAX_SECONDARY_SHARE secondary sources; more than
MAX_UNKNOWN_SHARE unrated matrix cells; a fact dated in the future; a source host on the
deny-list (proxies, content farms, wiki mirrors). Warnings: facts not yet re-checked, facts older
than 12 months. Loading errors (bad YAML, unknown fact ids) are InputError (exit 2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml

from dwagent.competitors.loader import HERE, _norm, load_kb
from dwagent.competitors.schema import MATRIX_DIMENSIONS, Product

SEED_PATH = HERE / "seed.yaml"
MAX_SECTIONS_PER_SENTENCE = 3
MAX_SECONDARY_SHARE = 0.05
MAX_UNKNOWN_SHARE = 0.15
# Hosts that copy or paraphrase other people's material: never a source of a fact.
DENIED_HOSTS = (
    "pages.dev",
    "wikiwand.com",
    "padho.ai",
    "nerdessaywriters.com",
    "systutorials.com",
    "globalcloudplatforms.com",
    "voceopina",
    "slideplayer",
    "technodocbox",
    "abcdocz",
    "spotidoc",
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"(])")


@dataclass
class CheckResult:
    """Problems and measurements of one KB check."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def sentences(text: str) -> list[str]:
    """Split prose into sentences (on ., ! or ? followed by a capital, digit or quote)."""
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


def sentence_spread(texts_by_section: dict[str, list[str]]) -> dict[str, set[str]]:
    """normalised sentence -> the sections it appears in (sentences under 6 words are ignored)."""
    spread: dict[str, set[str]] = defaultdict(set)
    for section, texts in texts_by_section.items():
        for text in texts:
            for sentence in sentences(text):
                key = re.sub(r"\[\d+\]", "", sentence.lower())
                key = re.sub(r"[^a-z0-9 ]+", "", key).strip()
                if len(key.split()) >= 6:
                    spread[key].add(section)
    return spread


def load_seed(path: Path | None = None) -> list[tuple[str, str]]:
    """(category slug, name) for every product mention in the seed list."""
    data = yaml.safe_load((path or SEED_PATH).read_text(encoding="utf-8"))
    return [(cat, str(item["name"])) for cat, items in data["names"].items() for item in items]


def seed_coverage(products: tuple[Product, ...], seed: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """(covered count, uncovered names): a name is covered by an entry's seed_name or also_named."""
    covered = {_norm(p.seed_name) for p in products} | {_norm(n) for p in products for n in p.also_named}
    missing = [name for _, name in seed if _norm(name) not in covered]
    return len(seed) - len(missing), missing


def check_kb(directory: Path | None = None, *, today: dt.date | None = None, seed_path: Path | None = None) -> CheckResult:
    """Validate the KB in `directory` (default: the packaged one) against the seed and the rules."""
    result = CheckResult()
    products = load_kb(directory)
    today = today or dt.date.today()
    facts = [(p, f) for p in products for f in p.facts]
    seed = load_seed(seed_path)
    covered, missing = seed_coverage(products, seed)
    for name in missing:
        result.errors.append(f"seed name not covered by any entry: {name}")
    spread = sentence_spread({p.slug: list(p.written.model_dump().values()) for p in products})
    worst = max((len(v) for v in spread.values()), default=0)
    for sentence, where in sorted(spread.items()):
        if len(where) > MAX_SECTIONS_PER_SENTENCE:
            result.errors.append(f"sentence in {len(where)} entries ({', '.join(sorted(where)[:5])}): {sentence[:90]}")
    secondary = [f for _, f in facts if f.kind == "secondary"]
    share = len(secondary) / len(facts) if facts else 0.0
    if share > MAX_SECONDARY_SHARE:
        result.errors.append(f"{len(secondary)} of {len(facts)} facts ({share:.1%}) cite secondary sources (max {MAX_SECONDARY_SHARE:.0%})")
    for p, f in facts:
        host = urlparse(f.source).netloc.lower()
        if any(bad in host for bad in DENIED_HOSTS):
            result.errors.append(f"{p.slug}/{f.id}: source host {host} is a proxy or content farm")
        if f.as_of > today or (f.checked is not None and f.checked > today):
            result.errors.append(f"{p.slug}/{f.id}: dated in the future ({f.as_of} / {f.checked})")
    cells = len(products) * len(MATRIX_DIMENSIONS)
    unknown = sum(1 for p in products for d in MATRIX_DIMENSIONS if d not in p.ratings)
    if cells and unknown / cells > MAX_UNKNOWN_SHARE:
        result.errors.append(f"{unknown} of {cells} matrix cells are unrated ({unknown / cells:.1%}, max {MAX_UNKNOWN_SHARE:.0%})")
    unchecked = [f"{p.slug}/{f.id}" for p, f in facts if f.checked is None]
    if unchecked:
        result.warnings.append(
            f"{len(unchecked)} facts not yet re-checked against their source: {', '.join(unchecked[:10])}{' ...' if len(unchecked) > 10 else ''}"
        )
    checked = [f.checked for _, f in facts if f.checked is not None]
    as_of = max(checked) if checked else today
    stale = [f for _, f in facts if f.as_of < as_of - dt.timedelta(days=365)]
    if stale:
        result.warnings.append(f"{len(stale)} facts are older than 12 months at the KB's as-of date {as_of}")
    result.stats = {
        "entries": len(products),
        "facts": len(facts),
        "seed_names": len(seed),
        "seed_covered": covered,
        "secondary": len(secondary),
        "secondary_share": round(share, 4),
        "unchecked": len(unchecked),
        "stale": len(stale),
        "max_entries_per_sentence": worst,
        "matrix_cells": cells,
        "unknown_cells": unknown,
        "unknown_share": round(unknown / cells, 4) if cells else 0.0,
        "kb_as_of": as_of.isoformat(),
    }
    return result
