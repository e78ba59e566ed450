"""Capability name patterns: which declaration names implement which taxonomy capability.

The mapping is data (`capability_patterns.yaml`, or one a rubric passes); names are matched in
word form so `\\braft\\b` matches `RaftLog` but not `DraftOrder`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from dwagent.competitors.loader import HERE, load_taxonomy
from dwagent.errors import InputError

PATTERNS_PATH = HERE / "capability_patterns.yaml"


def load_patterns(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The capability -> name-pattern mapping from a YAML file (default: the packaged one)."""
    path = path or PATTERNS_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read capability patterns {path}: {exc}") from exc
    caps = data.get("capabilities") if isinstance(data, dict) else None
    if not isinstance(caps, dict):
        raise InputError(f"{path}: expected a 'capabilities' mapping")
    return validate_patterns(caps, str(path))


def validate_patterns(mapping: Mapping[str, object], origin: str = "patterns") -> dict[str, tuple[str, ...]]:
    """Check keys against the taxonomy and compile-test every pattern; returns a clean mapping."""
    taxonomy = load_taxonomy()
    out: dict[str, tuple[str, ...]] = {}
    for key, value in mapping.items():
        if key not in taxonomy:
            raise InputError(f"{origin}: unknown capability {key!r}", "use a key from competitors/taxonomy.yaml")
        items = [value] if isinstance(value, str) else list(value or [])
        for item in items:
            try:
                re.compile(str(item))
            except re.error as exc:
                raise InputError(f"{origin}: bad pattern for {key}: {item!r} ({exc})") from exc
        out[str(key)] = tuple(str(i) for i in items)
    return out


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")


def words(name: str) -> str:
    """A declaration name in word form: `RaftLog` -> "raft log", `S3Store` -> "s3 store",
    `reed_solomon_codec` -> "reed solomon codec" (patterns match this form)."""
    return " ".join(w.lower() for part in re.split(r"[^A-Za-z0-9]+", name) for w in _WORD.findall(part))


def compile_patterns(patterns: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    return {cap: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE) for cap, pats in sorted(patterns.items()) if pats}
