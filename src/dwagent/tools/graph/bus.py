"""Message-bus edges: which calls publish or subscribe which topic, and who handles it.

A call is a bus site when its method name is one of the configured publish/subscribe names and
its first argument resolves statically to a topic: a string literal, `nameof(X)` (→ `X`), a
constant (`Topics.Name` or a bare `Name`, looked up in the index's constants table, nearest
declaration first), or a `+` concatenation of those. Interpolated strings become patterns with
`*` for each hole. Anything else (a parameter, a method call) is recorded with an empty topic and
never matched: such sites are counted and named in orphan-topic findings, so the reader knows
what could not be resolved.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

_NAMEOF = re.compile(r"^nameof\s*\(\s*([\w.]+)\s*\)$")
_HOLE = re.compile(r"\{[^{}]*\}")
_PATH = re.compile(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$")


@dataclass(frozen=True)
class Constant:
    qualname: str
    name: str
    value: str
    file: str


class ConstantTable:
    """Constants by name, resolvable from a use site (own type, own file, then unique)."""

    def __init__(self, constants: list[Constant]) -> None:
        self.by_name: dict[str, list[Constant]] = {}
        for c in sorted(constants, key=lambda c: (c.qualname, c.file)):
            self.by_name.setdefault(c.name, []).append(c)

    def lookup(self, path: str, owner: str, file: str) -> str | None:
        """Value of constant `path` (`A.B` or `B`) used inside type `owner` in `file`."""
        name = path.rsplit(".", 1)[-1]
        cands = self.by_name.get(name)
        if not cands:
            return None
        if "." in path:
            suffix = "." + path
            exact = [c for c in cands if c.qualname.endswith(suffix) or c.qualname == path]
            cands = exact or cands
        if len(cands) == 1:
            return cands[0].value
        for pick in ([c for c in cands if owner and c.qualname.startswith(owner + ".")], [c for c in cands if c.file == file]):
            if pick:
                return pick[0].value
        values = {c.value for c in cands}
        return values.pop() if len(values) == 1 else None


def _literal(expr: str) -> tuple[str, bool] | None:
    e = expr.strip()
    if e.startswith('@"') and e.endswith('"'):
        return e[2:-1], False
    if e.startswith(('$"', '$@"', '@$"', 'f"', "f'")):
        body = e[e.index(e[-1]) + 1 : -1] if e[-1] in "\"'" else e
        return _HOLE.sub("*", body), True
    if len(e) >= 2 and e[0] == e[-1] and e[0] in "\"'":
        return e[1:-1], False
    return None


def resolve_topic(expr: str, constants: ConstantTable, owner: str, file: str) -> tuple[str, bool]:
    """(topic, is_pattern) for a topic argument as written; ('', False) when not static."""
    e = expr.strip()
    if not e:
        return "", False
    lit = _literal(e)
    if lit is not None:
        return lit
    m = _NAMEOF.match(e)
    if m:
        return m.group(1).rsplit(".", 1)[-1], False
    if _PATH.match(e):
        value = constants.lookup(e, owner, file)
        return (value, False) if value is not None else ("", False)
    if "+" in e:
        parts = [p for p in e.split("+")]
        out = []
        pattern = False
        for p in parts:
            value, pat = resolve_topic(p, constants, owner, file)
            if not value:
                return "", False
            out.append(value)
            pattern = pattern or pat
        return "".join(out), pattern
    return "", False


def is_pattern(topic: str, wildcards: tuple[str, ...]) -> bool:
    """True when `topic` contains a configured wildcard."""
    return any(w in topic for w in wildcards)


def topic_matches(subscribed: str, published: str, sub_pattern: bool, pub_pattern: bool) -> bool:
    """Does a subscription receive a published topic? Patterns use `*`/`#` as 'anything'."""
    if subscribed == published:
        return True
    if sub_pattern:
        glob = subscribed.replace("#", "*")
        if fnmatch.fnmatchcase(published, glob):
            return True
    if pub_pattern:
        glob = published.replace("#", "*")
        if fnmatch.fnmatchcase(subscribed, glob):
            return True
    return False


def statement_text(lines: dict[int, str], line: int, max_lines: int = 8) -> str:
    """The call statement starting at `line`: up to the first `;` or balanced close (max lines)."""
    out = []
    depth = 0
    for n in range(line, line + max_lines):
        text = lines.get(n, "")
        out.append(text)
        for ch in text:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        if ";" in text or (depth <= 0 and "(" in "".join(out)):
            break
    return "\n".join(out)
