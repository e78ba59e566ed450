"""Identifier-aware tokenisation for code search.

Code names glue words together (`GetUserName`, `get_user_name`, `HTTPServer2`); people type
the words ("user name"). Both sides are split into lower-case words so they meet, and the
whole identifier is kept too so an exact name still ranks first.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
# Acronym runs (HTTPServer -> HTTP, Server), capitalised words, lower runs, digits.
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")

# Question words carry no signal in a code search; keeping them would match every comment.
STOPWORDS = frozenset(
    """a an and are as at be by can could do does for from how i in is it its of on or the this
    that to was what when where which who whom why will with there here any all me my we our you
    your show find code does did use used using""".split()
)


def split_identifier(name: str) -> list[str]:
    """`GetHTTPResponse_v2` -> ['get', 'http', 'response', 'v', '2'] (lower case, in order)."""
    parts: list[str] = []
    for piece in name.split("_"):
        parts.extend(p.lower() for p in _PART.findall(piece))
    return parts


def words(text: str) -> list[str]:
    """Every identifier in `text` plus its split parts, lower-cased, in order, stopwords dropped."""
    out: list[str] = []
    for token in _WORD.findall(text):
        low = token.lower()
        parts = split_identifier(token)
        if low not in STOPWORDS:
            out.append(low)
        out.extend(p for p in parts if p != low and p not in STOPWORDS)
    return out


def query_terms(query: str) -> list[str]:
    """Distinct search terms of a query, first occurrence order (identifiers before their parts)."""
    seen: dict[str, None] = {}
    for term in words(query):
        if len(term) > 1 or term.isdigit():
            seen.setdefault(term, None)
    return list(seen)


def split_text(text: str) -> str:
    """Text with every identifier followed by its parts: what a card's FTS column stores."""
    return " ".join(words(text))


def fts_or_query(terms: list[str], prefix: bool = False) -> str:
    """An FTS5 MATCH expression that ORs quoted terms (quoting neutralises FTS syntax in input);
    with `prefix`, each term also matches the longer tokens it starts (`"encrypt"*`)."""
    star = "*" if prefix else ""
    return " OR ".join('"' + t.replace('"', '""') + '"' + star for t in terms)


def identifiers_as_words(text: str) -> str:
    """`where is IConsensusEngine` -> `where is i consensus engine`: the form card vectors are
    computed from (see cards.embed_text), so a query and a card spell names the same way."""
    return _WORD.sub(lambda m: " ".join(split_identifier(m.group())) or m.group(), text)
