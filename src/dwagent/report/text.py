"""Escaping audited text for the written reports. Everything quoted from the tree is hostile:
it must not be able to close a code fence, inject HTML or break a table."""

from __future__ import annotations

import html
import re

_BACKTICKS = re.compile(r"`+")


def md_inline(text: str, limit: int = 0) -> str:
    """Text safe inside a markdown paragraph or table cell (no raw HTML, no cell breaks)."""
    text = " ".join(str(text).split())
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = html.escape(text, quote=False)
    return text.replace("|", "\\|").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_")


def md_code(text: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside `text`."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text}\n{fence}"


def anchor(ident: str) -> str:
    """A markdown/HTML anchor name for a finding or evidence id."""
    return re.sub(r"[^a-z0-9-]", "-", ident.lower())


def h(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text), quote=True)
