"""Glob matching for rubric data: posix path globs (anchored at the audited root, `**` spans
folders) and identifier globs (case-insensitive, over names or dotted qualnames)."""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache


def _path_glob_to_regex(pattern: str) -> str:
    out, i = "", 0
    pattern = pattern.strip().lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out += "(?:/.*)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return out


@lru_cache(maxsize=256)
def path_matcher(patterns: tuple[str, ...]) -> re.Pattern | None:
    """A compiled matcher for root-anchored path globs; None when there are no patterns."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{_path_glob_to_regex(p)})" for p in patterns))


def match_path(patterns: tuple[str, ...], path: str) -> bool:
    """True when the posix relative path matches one of the globs."""
    rx = path_matcher(tuple(patterns))
    return bool(rx and rx.fullmatch(path))


@lru_cache(maxsize=256)
def ident_matcher(patterns: tuple[str, ...]) -> re.Pattern | None:
    """A compiled case-insensitive matcher for identifier globs; None when there are none."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns), re.IGNORECASE)


def match_ident(patterns: tuple[str, ...], *names: str) -> bool:
    """True when any of `names` (e.g. name and qualname) matches one of the globs."""
    rx = ident_matcher(tuple(patterns))
    return bool(rx and any(rx.fullmatch(n) for n in names if n))
