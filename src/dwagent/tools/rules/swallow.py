"""What a swallowed error costs, judged from what the guarded code does (C# and Python alike).

An empty handler is not one defect. What matters is the work whose failure disappears and what
the code does next:
- security work (verify, authenticate, authorize, decrypt, sign, validate, revoke, audit) or
  persistence work (write, flush, commit, save, replicate, fsync, delete, insert): the failure is
  lost where it matters (CWE-390). High only when the method then reports success anyway (`return
  true`, `Ok()`, `...Success`): the caller is told the write or the check happened. Medium
  otherwise; a comment explaining the intent lowers it by one level.
- best-effort cleanup (dispose, close, cancel, kill, unsubscribe), logging, and code that runs in
  a `finally`, a `Dispose`/`__exit__`, or inside another handler (the failure path itself): not
  reported, since propagating there would mask the original outcome.
- a parse probe (every deciding call parses, converts or decodes: `try { return Parse(s); }
  catch { } return default;`): the caught failure is the answer and the fallback the default,
  not reported.
- anything else: an unchecked error (CWE-391), reported as a low note.

Words are taken from call names (camelCase and snake_case split); the receiver decides only
whether a call is logging. The same rules serve both languages; each rule module supplies the
calls of the guarded block and the facts about its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwagent.tools.syntax.tree import camel_words

SECURITY_VERBS = frozenset(
    {"verify", "authenticate", "authorize", "authorise", "decrypt", "unprotect", "sign", "validate", "revoke", "audit", "introspect"}
)
SECURITY_WORDS = frozenset({"signature", "hmac", "mac", "permission", "permissions", "credentials", "token"})
PERSISTENCE_VERBS = frozenset(
    {"write", "flush", "commit", "save", "persist", "replicate", "fsync", "sync", "delete", "insert", "upsert", "store", "checkpoint", "truncate"}
)
# deleting is persistence work on a file or directory API, cleanup on a temporary path
DELETE_VERBS = frozenset({"delete", "unlink", "remove", "rmtree", "rmdir", "removedirs"})
FILE_RECEIVER = re.compile(
    r"(?i)(^|\.)(os|shutil|File|Directory|Path|pathlib\.Path|\w*(file|dir|directory|path|blob|object|bucket|store|storage|repo\w*|db|table|client))$"
)
PERSISTENCE_NAMES = re.compile(r"(?i)^(SaveChanges\w*|ExecuteNonQuery\w*|fdatasync|fsync|write\w*|commit\w*|flush\w*)$")
CLEANUP_VERBS = frozenset(
    {
        "dispose",
        "close",
        "cancel",
        "abort",
        "kill",
        "stop",
        "release",
        "unsubscribe",
        "unregister",
        "shutdown",
        "disconnect",
        "terminate",
        "cleanup",
        "clean",
        "detach",
        "unlink",
        "rmtree",
        "rmdir",
        "remove",
        "delete",
        "join",
        "wait",
        "reset",
    }
)
PARSE_VERBS = frozenset(
    {
        "parse",
        "try",
        "convert",
        "to",
        "from",
        "deserialize",
        "loads",
        "decode",
        "int",
        "float",
        "bool",
        "str",
        "fromisoformat",
        "strptime",
        "literal",
        "json",
    }
)
# queries and pauses that decide nothing about what the guarded block is for
NEUTRAL_VERBS = frozenset(
    {
        "exists",
        "is",
        "has",
        "contains",
        "get",
        "try",
        "delay",
        "sleep",
        "index",
        "last",
        "substring",
        "select",
        "where",
        "to",
        "any",
        "count",
        "first",
        "configure",
        "enumerate",
    }
)
LOGGER = re.compile(r"(?i)(^|\.)_?(log|logger|logging|\w*logger|console|trace|debug|diagnostics|telemetry|metrics|stderr|stdout|sys\.stderr)$")
LOG_NAMES = re.compile(r"(?i)^(log\w*|print|write_?line|trace\w*|debug|info|warn\w*|error|critical|exception|fail)$")
TEMP = re.compile(r"(?i)te?mp")
SUCCESS = re.compile(
    r"(?x)^(true|True|Task\.FromResult\(\s*true\s*\)|ValueTask\.FromResult\(\s*true\s*\)|(Ok|Accepted|NoContent|Created\w*)\s*\(.*\)"
    r"|[\w.]*\b(Success\w*|Succeeded|Ok|OK)\b(\s*\(.*\))?|\{\s*['\"](ok|success)['\"]\s*:\s*True.*\})$",
    re.S,
)
FAILURE = re.compile(
    r"(?x)^(false|False|null|None|default|-1|Task\.FromResult\(\s*(false|null)\s*\)|[\w.]*\b(Fail\w*|Error\w*|Unauthorized\w*|Forbid\w*|BadRequest\w*"
    r"|NotFound\w*|Invalid\w*|Denied\w*)\b.*)$",
    re.S,
)


@dataclass(frozen=True)
class Guarded:
    """Facts about one empty handler, gathered by the language's rule."""

    calls: tuple[tuple[str, str, str], ...]  # (receiver text, call name, argument text) of every call in the guarded block, in order
    cleanup_context: str  # '' or why the handler sits on a cleanup / failure path
    documented: bool
    returns_in_try: bool  # the guarded block returns: the handler falls through to an alternative
    after: str  # text of the first value returned after the handler ('' if none)
    narrow: bool = False  # one named exception type, not a catch-all


@dataclass(frozen=True)
class Judgement:
    """What to report: severity None means nothing; kind keys the root cause."""

    severity: str | None
    kind: str
    cwe: tuple[int, ...]
    why: str


def _words(name: str) -> list[str]:
    return camel_words(name.split("<")[0])


def _deletes_data(r: str, n: str, args: str) -> bool:
    w = _words(n)
    return bool(w) and w[0] in DELETE_VERBS and bool(FILE_RECEIVER.search(r or "-")) and not TEMP.search(f"{r} {args}")


def kind_of(calls) -> tuple[str, str]:
    """('security' | 'persistence' | 'cleanup' | 'logging' | 'parse' | 'other', the deciding call)."""
    work = [(r, n, a) for r, n, a in calls if not (LOGGER.search(r or "-") or (not r and LOG_NAMES.match(n)))]
    if calls and not work:
        return "logging", calls[0][1]
    for _r, n, _ in work:
        w = _words(n)
        if w and (w[0] in SECURITY_VERBS or (w[0] in ("check", "is", "ensure") and SECURITY_WORDS & set(w)) or "signature" in w):
            return "security", n
    for r, n, a in work:
        w = _words(n)
        if w and ((w[0] in PERSISTENCE_VERBS and w[0] not in DELETE_VERBS) or PERSISTENCE_NAMES.match(n) or _deletes_data(r, n, a)):
            return "persistence", n
    deciding = [(r, n, a) for r, n, a in work if not (_words(n)[:1] and _words(n)[0] in NEUTRAL_VERBS)] or work
    if deciding and all(_words(n)[:1] and _words(n)[0] in CLEANUP_VERBS for _, n, _ in deciding):
        return "cleanup", deciding[0][1]
    if deciding and all(_words(n)[:1] and _words(n)[0] in PARSE_VERBS for _, n, _ in deciding):
        return "parse", deciding[0][1]
    return "other", work[0][1] if work else ""


def judge(g: Guarded) -> Judgement:
    """Severity, root-cause kind, CWE and the reason for one empty handler."""
    kind, call = kind_of(g.calls)
    if g.cleanup_context and kind == "persistence" and _words(call)[:1] and _words(call)[0] not in DELETE_VERBS:
        # a save or flush on the way out still loses data silently: a note, not a blocker
        return Judgement("low", kind, (390,), f"persistence work (`{call}`) fails silently during cleanup ({g.cleanup_context})")
    if g.cleanup_context and kind not in ("security",):
        return Judgement(None, "cleanup", (391,), g.cleanup_context)
    if kind in ("cleanup", "logging"):
        return Judgement(None, kind, (391,), f"best-effort {kind}")
    if kind == "parse":
        return Judgement(None, kind, (391,), "a parse probe with a fallback")
    if kind in ("security", "persistence"):
        what = f"{kind} work (`{call}`)"
        success = bool(g.after) and bool(SUCCESS.match(g.after.strip().rstrip(";").strip()))
        fails_closed = g.returns_in_try and bool(FAILURE.match(g.after.strip().rstrip(";").strip())) if g.after else False
        if fails_closed:
            if g.documented:
                return Judgement(None, kind, (390,), "fails closed, documented")
            return Judgement("low", kind, (390,), f"{what} fails closed: the method then returns `{g.after[:40]}`, but the error is not recorded")
        if success:
            sev = "medium" if g.documented else "high"
            note = "; documented, but the caller is still told it succeeded" if g.documented else ""
            return Judgement(sev, kind, (390,), f"{what} fails silently and the method then reports success (`{g.after[:40]}`){note}")
        if g.documented and g.narrow:
            return Judgement(None, kind, (390,), "one named failure, explained where it is swallowed")
        if g.documented:
            return Judgement("low", kind, (390,), f"{what} fails silently (documented: low)")
        return Judgement("medium", kind, (390,), f"{what} fails silently; the caller cannot tell it did not happen")
    if g.documented and g.narrow:
        return Judgement(None, "unchecked", (391,), "one named failure, explained where it is swallowed")
    why = "documented" if g.documented else "no log, no rethrow"
    if g.returns_in_try:
        why += "; the handler falls through to an alternative"
    return Judgement("low", "unchecked", (391,), f"unchecked error ({why})")


def first_return_after(node, fn, return_type: str, skip_types: tuple[str, ...], text_of) -> str:
    """The returned expression text of the first `return` after `node` inside `fn` (not inside a
    nested function or lambda), '' if none."""
    best = None
    stack = [fn]
    while stack:
        n = stack.pop()
        if n is not fn and n.type in skip_types:
            continue
        if n.type == return_type and n.start_byte >= node.end_byte and (best is None or n.start_byte < best.start_byte):
            best = n
            continue
        if n.end_byte > node.end_byte:
            stack.extend(n.named_children)
    if best is None:
        return ""
    values = [c for c in best.named_children if c.type != "comment"]
    return text_of(values[0]) if values else ""
