"""Syntax parsing with tree-sitter grammar wheels (no run-time grammar downloads).

`parse(language, source)` returns a tree-sitter Tree, or None for languages indexed lexically.
Parsers are cached per process; tree-sitter trees cannot cross process boundaries, so every
worker parses the files it is given and hands back plain data.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

import tree_sitter

LANGUAGE_BY_SUFFIX = {
    ".cs": "csharp",
    ".py": "python",
    ".pyi": "python",
}
PARSED_LANGUAGES = frozenset({"csharp", "python"})


def language_for(path: str) -> str:
    """The language key for a path: csharp, python, or the bare suffix ('md', 'yaml', 'text')."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in LANGUAGE_BY_SUFFIX:
        return LANGUAGE_BY_SUFFIX[suffix]
    return suffix.lstrip(".") or "text"


@cache
def grammar(language: str) -> tree_sitter.Language:
    if language == "csharp":
        import tree_sitter_c_sharp as mod
    elif language == "python":
        import tree_sitter_python as mod
    else:
        raise KeyError(language)
    return tree_sitter.Language(mod.language())


@cache
def _parser(language: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(grammar(language))


def parse(language: str, source: bytes) -> tree_sitter.Tree | None:
    """Parse `source`; files with ERROR nodes still return a tree holding everything that parsed."""
    if language not in PARSED_LANGUAGES:
        return None
    return _parser(language).parse(source)
