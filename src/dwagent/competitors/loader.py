"""Load and validate the knowledge base (`competitors/kb/*.yaml`) and the capability taxonomy.

Bad files raise `InputError` naming the file and the field, so a broken entry is never silently
dropped from the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from dwagent.competitors.schema import Product
from dwagent.errors import InputError

HERE = Path(__file__).parent
KB_DIR = HERE / "kb"
TAXONOMY_PATH = HERE / "taxonomy.yaml"


@dataclass(frozen=True)
class CapabilityDef:
    """One taxonomy capability: its key, display title, group and gap weight."""

    key: str
    title: str
    group: str
    weight: int
    proper: bool = False  # title starts with a proper noun: keep its capitals mid-sentence
    attestation: bool = False  # a third-party certificate: code can never show it present

    @property
    def inline(self) -> str:
        """The title as written mid-sentence ("erasure coding", "RAID / parity", "Kubernetes ...")."""
        if self.proper or not self.title[1:2].islower():
            return self.title
        return self.title[0].lower() + self.title[1:]


# libyaml's parser with the same safe constructor: identical data, ~20x faster on the knowledge
# base (85 files: seconds -> a tenth of every certify run); the pure-Python loader when it is absent
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read {path}: {exc}", "fix the YAML syntax of that file") from exc


def load_taxonomy(path: Path | None = None) -> dict[str, CapabilityDef]:
    """The capability taxonomy, in file order, keyed by capability."""
    data = _read_yaml(path or TAXONOMY_PATH)
    if not isinstance(data, dict) or not isinstance(data.get("capabilities"), dict):
        raise InputError(f"{path or TAXONOMY_PATH}: expected a 'capabilities' mapping")
    out: dict[str, CapabilityDef] = {}
    for key, spec in data["capabilities"].items():
        spec = spec or {}
        out[str(key)] = CapabilityDef(
            key=str(key),
            title=str(spec.get("title", key)),
            group=str(spec.get("group", "other")),
            weight=int(spec.get("weight", 1)),
            proper=bool(spec.get("proper", False)),
            attestation=bool(spec.get("attestation", False)),
        )
    return out


def _normalise(data: dict) -> dict:
    """Expand the compact YAML forms: facts as `id: {...}`, capabilities as `[status, fact, note]`,
    ratings as `[score, fact, reason]`."""
    out = dict(data)
    facts = data.get("facts")
    if isinstance(facts, dict):
        out["facts"] = [{"id": str(k), **(v or {})} for k, v in facts.items()]
    caps = data.get("capabilities")
    if isinstance(caps, dict):
        out["capabilities"] = {k: dict(zip(("status", "fact", "note"), v)) if isinstance(v, list) else v for k, v in caps.items()}
    ratings = data.get("ratings")
    if isinstance(ratings, dict):
        out["ratings"] = {k: dict(zip(("score", "fact", "reason"), v)) if isinstance(v, list) else v for k, v in ratings.items()}
    return out


def load_product(path: Path, taxonomy: dict[str, CapabilityDef]) -> Product:
    """Parse and validate one KB file; its slug is the file name without `.yaml`."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping at the top level")
    data = {**_normalise(data), "slug": path.stem}
    try:
        product = Product.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path}: invalid KB entry: {exc}", "see competitors/schema.py") from exc
    named = set(product.capabilities) | set(product.compare_on)
    if product.gap_capability:
        named.add(product.gap_capability)
    unknown = sorted(named - set(taxonomy))
    if unknown:
        raise InputError(
            f"{path}: {product.name} names capabilities not in the taxonomy: {', '.join(unknown)}",
            "add them to competitors/taxonomy.yaml or fix the spelling",
        )
    return product


def load_kb(directory: Path | None = None) -> tuple[Product, ...]:
    """Every KB entry, sorted by category then name; names and slugs must be unique."""
    directory = directory or KB_DIR
    if not directory.is_dir():
        raise InputError(f"knowledge base folder not found: {directory}")
    taxonomy = load_taxonomy()
    products = [load_product(p, taxonomy) for p in sorted(directory.glob("*.yaml"))]
    seen: dict[str, str] = {}
    for product in products:
        key = _norm(product.name)
        if key in seen:
            raise InputError(f"duplicate product name {product.name!r} in {product.slug} and {seen[key]}")
        seen[key] = product.slug
    return tuple(sorted(products, key=lambda p: (p.category, p.name.lower())))


@lru_cache(maxsize=1)
def default_kb() -> tuple[Product, ...]:
    """The packaged KB, loaded once per process."""
    return load_kb()


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def find_product(name: str, products: tuple[Product, ...] | None = None) -> Product:
    """Look up an entry by slug, name or seed name (case and punctuation ignored)."""
    products = products if products is not None else default_kb()
    wanted = _norm(name)
    for attr in ("slug", "name", "heading"):
        hits = [p for p in products if _norm(getattr(p, attr)) == wanted]
        if len(hits) == 1:
            return hits[0]
    hits = [p for p in products if wanted in {_norm(n) for n in p.also_named}]
    if len(hits) == 1:
        return hits[0]
    partial = sorted(p.slug for p in products if wanted and wanted in _norm(p.name))
    if len(partial) == 1:
        return next(p for p in products if p.slug == partial[0])
    hint = f"did you mean: {', '.join(partial)}" if partial else "run `dwagent competitors list`"
    raise InputError(f"no competitor named {name!r}", hint)
