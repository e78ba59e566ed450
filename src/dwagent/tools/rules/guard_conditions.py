"""Reading a guard condition: does `cond`, holding with a given polarity, restrict the code it
guards to development/debug, an environment setting, or an opt-in option?

Works on the condition's source text (C# or Python), split at top-level `&&`/`||`/`and`/`or`
with De Morgan for the negated (else / early-exit) side, and `!`, `not`, `== false`... folded
into the polarity. Generic naming idioms only; no codebase's option names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DEV = re.compile(r"\bIs(?:Development|Staging|Environment)\s*\(|\bDebugger\s*\.\s*IsAttached\b|\bDEBUG\b|\b__debug__\b")
_PROD = re.compile(r"\bIsProduction\s*\(")
_ENV_VAR = re.compile(r"\bGetEnvironmentVariable\s*\(|\bos\s*\.\s*environ\b|\bgetenv\s*\(")
_CHAIN = re.compile(r"^[\w.?]+(?:\[\s*[\"']?\w+[\"']?\s*\])?(?:\s*\(\s*\))?$|^[\w.]+\.get\(\s*[\"']\w+[\"'](?:\s*,[^)]*)?\)$")
_RISKY = re.compile(
    r"(?i)allow|insecure|skip|disable|bypass|ignore|unsafe|trustall|trustany|acceptany|acceptall|"
    r"selfsigned|untrusted|invalid|permissive|devmode|debug|^_?dev|^_?test|^_?enable"
)
_SAFE = re.compile(r"(?i)validat|verif|require|secure|strict|check|enforce|pin|tls|ssl|https")
_FALSE = re.compile(r"\s*(?:==|is)\s*(?:false|False)\s*$|\s*(?:!=|is\s+not)\s*(?:true|True)\s*$")
_TRUE = re.compile(r"\s*(?:==|is)\s*(?:true|True)\s*$|\s*(?:!=|is\s+not)\s*(?:false|False)\s*$")


@dataclass(frozen=True)
class Atom:
    """One guarding term: its text, what it checks and, for an option, the safe default."""

    text: str
    kind: str  # development | environment | option
    option: str = ""
    safe_default: bool = False

    @property
    def describe(self) -> str:
        if self.kind == "option":
            return f"option {self.option} (the safe default is {str(self.safe_default).lower()})"
        return "development/debug check" if self.kind == "development" else "environment variable check"


def _strip_parens(t: str) -> str:
    t = t.strip()
    while t.startswith("(") and t.endswith(")"):
        depth = 0
        for i, ch in enumerate(t):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(t) - 1:
                return t  # the first paren closes before the end: (a) && (b)
        t = t[1:-1].strip()
    return t


def _split(t: str, ops: tuple[str, ...]) -> list[str]:
    """Split at top-level occurrences of any of `ops` (outside parentheses and strings)."""
    parts, depth, start, i, quote = [], 0, 0, 0, ""
    while i < len(t):
        ch = t[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            op = next((o for o in ops if t.startswith(o, i)), None)
            if op:
                parts.append(t[start:i])
                i += len(op)
                start = i
                continue
        i += 1
    parts.append(t[start:])
    return [p.strip() for p in parts if p.strip()]


def _classify(t: str, polarity: bool) -> Atom | None:
    if _DEV.search(t):
        return Atom(t, "development") if polarity else None
    if _PROD.search(t):
        return Atom(t, "development") if not polarity else None
    if _ENV_VAR.search(t):
        return Atom(t, "environment")  # a deployment setting gates the code either way
    if not _CHAIN.match(t):
        return None
    names = re.findall(r"[\"'](\w+)[\"']|(\w+)", t.replace(".get(", "."))
    name = next((a or b for a, b in reversed(names) if (a or b) not in ("get", "Value", "HasValue")), "")
    if not name:
        return None
    if _RISKY.search(name):
        return Atom(t, "option", name, safe_default=False) if polarity else None
    if _SAFE.search(name):
        return Atom(t, "option", name, safe_default=True) if not polarity else None
    return None


def guard_atom(text: str, polarity: bool) -> Atom | None:
    """The term that makes `text` a guard when it evaluates to `polarity` at the guarded code."""
    t = _strip_parens(text)
    for ops, conj in (((" || ", " or "), False), ((" && ", " and "), True)):
        parts = _split(t, ops)
        if len(parts) > 1:
            atoms = [guard_atom(p, polarity) for p in parts]
            need_all = conj != polarity  # a||b true / a&&b false: every part must restrict
            if need_all:
                return atoms[0] if all(atoms) else None
            return next((a for a in atoms if a), None)
    if t.startswith("!") and not t.startswith("!="):
        return guard_atom(t[1:], not polarity)
    if t.startswith("not "):
        return guard_atom(t[4:], not polarity)
    m = _FALSE.search(t)
    if m:
        return guard_atom(t[: m.start()], not polarity)
    m = _TRUE.search(t)
    if m:
        return guard_atom(t[: m.start()], polarity)
    return _classify(t, polarity)
