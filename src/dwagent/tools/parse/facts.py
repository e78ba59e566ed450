"""What a per-file extractor hands back: plain tuples in the column order of the index schema.

Workers run in other processes and pickle their results, so facts are tuples (cheap to build,
pickle and `executemany`), not objects. Column orders match `tools/index/schema.py`:

- symbol:   (kind, name, qualname, container, namespace, bases_json, attributes_json,
             modifiers_json, signature, doc, start_line, end_line)
- ref:      (kind, name, receiver, arg0, scope, line)
- constant: (qualname, name, value, line)
- chunk:    (symbol, kind, start_line, end_line, text)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

MAX_TEXT = 300  # receivers, arg0 and signatures are clipped: they are keys, not source copies
MAX_STRING = 1000
CHUNK_MAX_LINES = 80
WINDOW_LINES = 60

_TAG = re.compile(r"<[^>]+>")


@dataclass
class FileFacts:
    """Everything extracted from one file."""

    symbols: list[tuple] = field(default_factory=list)
    refs: list[tuple] = field(default_factory=list)
    constants: list[tuple] = field(default_factory=list)
    chunks: list[tuple] = field(default_factory=list)
    parse_errors: int = 0


def one_line(text: str, limit: int = MAX_TEXT) -> str:
    """Collapse whitespace runs to one space and clip to `limit` characters."""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text:  # the split only when needed
        # split() and strip() use the same whitespace test as the regex `\s` (str.isspace; checked
        # on every code point): equal to `re.sub(r"\s+", " ", text).strip()`, a quarter the cost.
        text = " ".join(text.split())
    else:
        text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Modifier and attribute lists repeat (`["public", "static"]`): their JSON is memoised per
# process, which cost a tenth of `json.dumps` (~0.8 CPU-s of C# extraction per 1.2M lines).
# Bounded, because the audited code chooses how many distinct lists there are.
_JSON_MEMO: dict[tuple[str, ...], str] = {}
_JSON_MEMO_MAX = 4096


def as_json(items: list[str]) -> str:
    """A JSON list of strings, non-ASCII kept as is; "[]" when empty."""
    if not items:
        return "[]"
    key = tuple(items)
    text = _JSON_MEMO.get(key)
    if text is None:
        text = json.dumps(items, ensure_ascii=False)
        if len(_JSON_MEMO) < _JSON_MEMO_MAX:
            _JSON_MEMO[key] = text
    return text


def first_sentence(doc: str) -> str:
    """The first sentence of a doc comment or docstring, tags removed, on one line."""
    text = one_line(_TAG.sub(" ", doc), 2000)
    for stop in (". ", ".\n"):
        cut = text.find(stop)
        if cut != -1:
            return text[: cut + 1]
    return one_line(text)


def bare_type_name(written: str) -> str:
    """`Ns.Base<T>` → `Base`; `global::X.Y?` → `Y`; `Foo[]` → `Foo`. The name readers match on."""
    name = written.strip()
    cut = name.find("<")
    if cut != -1:
        name = name[:cut]
    name = name.rstrip("?[] ")
    name = name.rsplit("::", 1)[-1]
    return name.rsplit(".", 1)[-1].strip()


def count_lines(data: bytes) -> int:
    """Lines as an editor shows them: a trailing newline does not start a new line."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


# --- chunks -------------------------------------------------------------------------------


def _split(symbol: str, kind: str, start: int, end: int, lines: list[str], out: list[tuple]) -> None:
    while start <= end:
        stop = min(end, start + CHUNK_MAX_LINES - 1)
        text = "\n".join(lines[start - 1 : stop])
        if text.strip():
            out.append((symbol, kind, start, stop, text))
        start = stop + 1


def chunk_by_symbols(
    lines: list[str],
    members: list[tuple[int, int, str]],
    types: list[tuple[int, int, str]],
    lead_prefixes: tuple[str, ...],
) -> list[tuple]:
    """Syntax-aware chunks covering every non-blank line exactly once.

    `members` are (start, end, qualname) of outermost member bodies (methods, properties...):
    each becomes `member` chunks, extended upwards over directly preceding lines that start
    with one of `lead_prefixes` (doc comments, attributes, decorators). Remaining lines form
    `type` chunks owned by the innermost type around them (or `file` chunks outside any type).
    Every chunk is at most CHUNK_MAX_LINES long.
    """
    n = len(lines)
    covered: list[tuple[int, int, str]] = []  # member intervals, sorted, non-overlapping
    last_end = 0
    for start, end, qual in sorted(members):
        start, end = max(1, start), min(n, end)
        if start > end or start <= last_end:
            continue  # empty, or nested in the previous member (it is part of that chunk)
        while start - 1 > last_end and lines[start - 2].lstrip().startswith(lead_prefixes):
            start -= 1
        covered.append((start, end, qual))
        last_end = end
    # Type boundaries: the innermost type can only change where a type starts or ends.
    spans = sorted(types, key=lambda t: (t[0], -t[1]))
    cuts = sorted({t[0] for t in spans} | {t[1] + 1 for t in spans})
    out: list[tuple] = []

    def gap(a: int, b: int) -> None:
        for cut in [c for c in cuts if a < c <= b] + [b + 1]:
            if a < cut:
                owner = ""
                for t_start, t_end, qual in spans:  # later (inner) spans overwrite outer ones
                    if t_start <= a <= t_end:
                        owner = qual
                _split(owner, "type" if owner else "file", a, cut - 1, lines, out)
                a = cut

    line = 1
    for start, end, qual in covered:
        if line < start:
            gap(line, start - 1)
        _split(qual, "member", start, end, lines, out)
        line = end + 1
    if line <= n:
        gap(line, n)
    return out


def chunk_windows(lines: list[str]) -> list[tuple]:
    """Fixed windows of WINDOW_LINES lines for files indexed lexically."""
    out: list[tuple] = []
    for start in range(1, len(lines) + 1, WINDOW_LINES):
        stop = min(len(lines), start + WINDOW_LINES - 1)
        text = "\n".join(lines[start - 1 : stop])
        if text.strip():
            out.append(("", "window", start, stop, text))
    return out
