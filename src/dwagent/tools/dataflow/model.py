"""The source / sanitiser / validator / sink model, loaded from YAML data per language.

The engine never names a framework type itself: everything that says "this is request data",
"this makes a value safe for SQL" or "this is an LDAP query" lives in `models/<language>.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_DIR = Path(__file__).resolve().parent / "models"


@dataclass(frozen=True)
class CallPattern:
    """A call matched by receiver text and method name (full matches; '' receiver = any)."""

    receiver: re.Pattern | None
    name: re.Pattern
    when_text: re.Pattern | None = None

    def matches(self, receiver: str, name: str, file_text: str = "") -> bool:
        if not self.name.fullmatch(name):
            return False
        if self.receiver is not None and not self.receiver.search(receiver):
            return False
        return self.when_text is None or bool(self.when_text.search(file_text))


def _calls(items) -> tuple[CallPattern, ...]:
    out = []
    for item in items or ():
        recv = item.get("receiver", "")
        out.append(
            CallPattern(
                re.compile(recv) if recv else None, re.compile(item["name"]), re.compile(item["when_text"]) if item.get("when_text") else None
            )
        )
    return tuple(out)


def _res(items) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in items or ())


@dataclass(frozen=True)
class Model:
    """One language's model; `raw` keeps the YAML for the few scalar settings."""

    language: str
    raw: dict
    source_members: dict[str, tuple[re.Pattern, ...]]
    source_calls: dict[str, tuple[CallPattern, ...]]
    sanitisers: dict[str, tuple[CallPattern, ...]]
    validators: dict[str, tuple[re.Pattern, ...]]
    rejectors: dict[str, tuple[re.Pattern, ...]]
    arg_propagators: tuple[CallPattern, ...]

    def setting(self, *keys, default=None):
        """A nested scalar of the YAML (`setting("sources", "untrusted", "param_types")`)."""
        cur = self.raw
        for k in keys:
            if not isinstance(cur, dict) or k not in cur:
                return default
            cur = cur[k]
        return cur

    def pattern(self, *keys) -> re.Pattern | None:
        """A compiled regular expression setting, or None when absent."""
        value = self.setting(*keys)
        return _compiled(value) if isinstance(value, str) and value else None

    def sanitiser(self, category: str, receiver: str, name: str) -> bool:
        """Whether `receiver.name(...)` makes a value safe for `category`."""
        return any(p.matches(receiver, name) for p in (*self.sanitisers.get("all", ()), *self.sanitisers.get(category, ())))

    def validator_patterns(self, category: str) -> tuple[re.Pattern, ...]:
        return (*self.validators.get("all", ()), *self.validators.get(category, ()))

    def rejector_patterns(self, category: str) -> tuple[re.Pattern, ...]:
        return (*self.rejectors.get("all", ()), *self.rejectors.get(category, ()))


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@cache
def load_model(language: str) -> Model:
    """The model for `language` ('csharp' or 'python')."""
    raw = yaml.safe_load((_DIR / f"{language}.yaml").read_text(encoding="utf-8"))
    sources = raw.get("sources", {})
    return Model(
        language=language,
        raw=raw,
        source_members={trust: _res(spec.get("members")) for trust, spec in sources.items()},
        source_calls={trust: _calls(spec.get("calls")) for trust, spec in sources.items()},
        sanitisers={cat: _calls(items) for cat, items in (raw.get("sanitisers") or {}).items()},
        validators={cat: _res(items) for cat, items in (raw.get("validators") or {}).items()},
        rejectors={cat: _res(items) for cat, items in (raw.get("rejectors") or {}).items()},
        arg_propagators=_calls((raw.get("propagators") or {}).get("arguments")),
    )


def sinks(language: str) -> dict:
    """The sink catalogue of `language` by category (`models/<language>-sinks.yaml`)."""
    return _sinks(language)


@cache
def _sinks(language: str) -> dict:
    path = _DIR / f"{language}-sinks.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
