"""Inline tuning literals in C#: timeouts, retry counts, backoff delays and pool/batch sizes written
as bare numbers inside the code path instead of coming from options or a named constant."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    ancestor,
    arguments,
    callee,
    camel_words,
    enclosing_member,
    enclosing_type,
    hit,
    lowered,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

# Words that make an assignment target a tuning knob (matched on the identifier's words).
TIME_WORDS = frozenset({"timeout", "delay", "interval", "backoff"})
# Also tuning when given as a TimeSpan, but too generic a word to judge a bare number by.
SPAN_WORDS = TIME_WORDS | {"ttl", "expiry", "expiration", "lifetime"}
COUNT_PHRASES = (
    ("max", "attempts"),
    ("max", "retries"),
    ("retry", "count"),
    ("max", "retry"),
    ("retries",),
    ("attempts",),
    ("batch", "size"),
    ("pool", "size"),
    ("degree", "of", "parallelism"),
    ("max", "parallelism"),
    ("concurrency",),
    ("max", "concurrency"),
    ("worker", "count"),
    ("workers",),
    ("max", "connections"),
    ("max", "connections", "per", "server"),
    ("prefetch", "count"),
    ("page", "size"),
)
# A loop counter of attempts: compared with a literal it is a hard-coded retry budget.
RETRY_COUNTER = re.compile(
    r"^_?(attempt|attempts|attemptNumber|attemptCount|retry|retries|retryCount|retryNumber|"
    r"tries|tryCount|try|retryAttempt|i?Retry)$",
    re.I,
)
TIMESPAN_FACTORY = re.compile(r"^(System\.)?TimeSpan\.From(Milliseconds|Seconds|Minutes|Hours|Ticks)$")
# Classes whose whole purpose is to hold defaults: their literals are the named configuration.
DEFAULTS_CLASS = re.compile(r"(Options|Settings|Config|Configuration|Defaults|Constants|Limits|Policy|Profile)$")
WAIT_CALLS = frozenset({"Delay", "Sleep"})
TIMEOUT_CALLS = frozenset({"CancelAfter", "WaitAsync"})
# Text prefilters: find the lower-cased words with str.find (C speed) and match only what follows
# them; a regex alternation scanned over every file costs more than the whole rule.
ASSIGN_AFTER = re.compile(
    r"(?i:ms|millis|milliseconds|seconds|secs)?[ \t]*=(?!=)[ \t]*(?:\(\w+\)[ \t]*)?"
    r"(?:(?:System\.)?TimeSpan\.From\w+\(\s*[\d.]|\d)"
)
COMPARE_AFTER = re.compile(r"[ \t]*(?:<=?|>=?|==)[ \t]*\d")
CALL_WORDS = ("CancelAfter(", "WaitAsync(", "Task.Delay(", "Thread.Sleep(")
NAME_SUFFIXES = (
    "timeout",
    "delay",
    "interval",
    "backoff",
    "ttl",
    "expiry",
    "expiration",
    "lifetime",
    "attempts",
    "retries",
    "retry",
    "retrycount",
    "batchsize",
    "poolsize",
    "parallelism",
    "concurrency",
    "workers",
    "workercount",
    "maxconnections",
    "connectionsperserver",
    "prefetchcount",
    "pagesize",
)
COUNTER_WORDS = ("attempt", "retr", "tries", "trycount")


def _followed_by(low: str, source: str, words, pattern, whole_word: bool) -> bool:
    """Some occurrence of a word (in `low`) is followed in `source` by `pattern`."""
    for word in words:
        i = low.find(word)
        while i != -1:
            j = i + len(word)
            if not whole_word:
                while j < len(low) and (low[j].isalnum() or low[j] == "_"):
                    j += 1
            if pattern.match(source, j):
                return True
            i = low.find(word, j)
    return False


def _may_assign(ctx: FileContext) -> bool:
    return _followed_by(lowered(ctx), ctx.text, NAME_SUFFIXES, ASSIGN_AFTER, whole_word=True)


def _may_compare(ctx: FileContext) -> bool:
    return _followed_by(lowered(ctx), ctx.text, COUNTER_WORDS, COMPARE_AFTER, whole_word=False)


LOOPS = ("for_statement", "while_statement", "do_statement", "foreach_statement")
NUMBER = ("integer_literal", "real_literal")


def _number(ctx: FileContext, node) -> float | None:
    node = unwrap(node) if node is not None else None
    if node is None or node.type not in NUMBER:
        return None
    raw = re.sub(r"[_uUlLfFdDmM]+$", "", text(ctx, node).replace("_", ""))
    try:
        return float(int(raw, 0)) if node.type == "integer_literal" else float(raw)
    except ValueError:
        return None


def _literal_time(ctx: FileContext, node, bare: bool = True) -> str | None:
    """`TimeSpan.FromX(<literal>)`, or (when `bare`) a positive number: its text, else None."""
    node = unwrap(node)
    if node.type == "invocation_expression":
        recv, name = callee(ctx, node)
        args = arguments(node)
        if TIMESPAN_FACTORY.match(f"{recv}.{name}") and len(args) == 1:
            value = _number(ctx, args[0])
            if value is not None and value > 0:
                return text(ctx, node)
        return None
    value = _number(ctx, node) if bare else None
    return text(ctx, node) if value is not None and value > 0 else None


def _is_tuning_name(name: str) -> str:
    """'time' or 'count' when the identifier names a timeout/delay or a retry/pool/batch size."""
    words = camel_words(name.split(".")[-1])
    if not words or words[0] in ("min", "is", "has", "use", "enable", "default"):
        return ""
    if words[-1] in TIME_WORDS or words[-1] in ("ms", "millis", "milliseconds", "seconds", "secs") and len(words) > 1 and words[-2] in TIME_WORDS:
        return "time"
    if words[-1] in SPAN_WORDS:
        return "span"
    joined = tuple(words)
    for phrase in COUNT_PHRASES:
        if joined[-len(phrase) :] == phrase:
            return "count"
    return ""


def _named_default(ctx: FileContext, node) -> bool:
    """The literal is a named constant or a configuration default, which is where it belongs."""
    owner = enclosing_type(node)
    if owner is not None and DEFAULTS_CLASS.search(name_of(ctx, owner)):
        return True
    prop = ancestor(node, ("property_declaration",))
    if prop is not None and enclosing_member(node) is prop:
        return True  # `public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);`
    field = ancestor(node, ("field_declaration",))
    if field is not None and ({"const", "static"} & modifiers(ctx, field)):
        return True
    local = ancestor(node, ("local_declaration_statement",))
    if local is not None and "const" in {text(ctx, c) for c in local.children if c.type == "modifier"}:
        return True
    cur = node
    while cur.parent is not None and cur.parent.type in (
        "parenthesized_expression",
        "argument",
        "argument_list",
        "invocation_expression",
        "prefix_unary_expression",
    ):
        cur = cur.parent
    parent = cur.parent
    if parent is not None and parent.type == "binary_expression" and _operator(ctx, parent) == "??":
        return True  # `options.Timeout ?? TimeSpan.FromSeconds(30)`: a fallback for a configured value
    if parent is not None and parent.type == "conditional_expression":
        return True
    return False


def _operator(ctx: FileContext, binary) -> str:
    return "".join(text(ctx, c) for c in binary.children if not c.is_named)


def _in_retry_context(ctx: FileContext, node) -> bool:
    """Inside a loop that counts attempts, a catch handler, or a member named for retrying."""
    if ancestor(node, ("catch_clause",)) is not None:
        return True
    member = enclosing_member(node)
    if member is not None and re.search(r"(?i)retry|retries|attempt|resilien", name_of(ctx, member)):
        return True
    loop = ancestor(node, LOOPS)
    if loop is None:
        return False
    header = text(ctx, loop).split("{", 1)[0]
    return bool(re.search(r"(?i)\b_?(attempt\w*|retr(y|ies)\w*|tries|tryCount)\b", header))


@file_rule(
    id="DWA-210",
    title="Timeout, retry count or pool size hard-coded inline",
    category="hardcoded-tuning",
    severity="low",
    confidence="medium",
    languages=("csharp",),
    domains=("readiness", "performance"),
)
def inline_tuning(ctx: FileContext) -> Iterable[Hit]:
    """A number that operators need to tune is written inline in the code path: a timeout
    (`Timeout = TimeSpan.FromSeconds(30)`, `cts.CancelAfter(5000)`), a retry budget
    (`for (var attempt = 0; attempt < 5; attempt++)`, `var maxAttempts = 5;`), a backoff delay
    (`await Task.Delay(2000)` in a retry loop or catch handler), or a pool/batch size
    (`MaxDegreeOfParallelism = 8`, `BatchSize = 500`). Changing it needs a rebuild, and
    environments that need different values cannot get them.

    Not reported: `const` and `static` fields (named constants), property defaults
    (`{ get; set; } = ...`), every literal in classes named `*Options`, `*Settings`, `*Config`,
    `*Defaults`, `*Constants`, fallbacks after `??` or in `?:`, zero/one/negative sentinels,
    polling delays outside any retry context, and test code.
    """
    # Three text prefilters keep the tree walks to files that can hold each shape (most files
    # hold none, and this rule would otherwise visit every assignment and comparison).
    source = ctx.text
    waits = any(w in source for w in CALL_WORDS)
    assigns = _may_assign(ctx)
    compares = _may_compare(ctx)
    if not (assigns or compares or waits):
        return
    seen: set[int] = set()

    def report(node, message: str) -> Iterable[Hit]:
        if node.start_byte in seen or _named_default(ctx, node):
            return ()
        seen.add(node.start_byte)
        return (hit(node, message, max_lines=1),)

    for a in nodes(ctx, "assignment_expression") if assigns else ():
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is None or right is None:
            continue
        kind = _is_tuning_name(text(ctx, left))
        yield from _value_hits(ctx, kind, text(ctx, left), right, report)
    for d in nodes(ctx, "variable_declarator") if assigns else ():
        if d.parent is None or d.parent.parent is None or d.parent.parent.type != "local_declaration_statement":
            continue  # fields are named values; their object initializers are seen as assignments
        value = d.named_children[-1] if len(d.named_children) > 1 else None
        if value is None:
            continue
        name = name_of(ctx, d)
        yield from _value_hits(ctx, _is_tuning_name(name), name, value, report)
    for b in nodes(ctx, "binary_expression") if compares else ():
        left, right = b.child_by_field_name("left"), b.child_by_field_name("right")
        op = _operator(ctx, b)
        if left is None or right is None or op not in ("<", "<=", ">", ">=", "=="):
            continue
        counter, bound = (left, right) if _number(ctx, right) is not None else (right, left)
        value = _number(ctx, bound)
        if value is None or value < 2 or unwrap(counter).type != "identifier":
            continue
        if RETRY_COUNTER.match(text(ctx, counter)) and enclosing_member(b) is not None:
            yield from report(b, f"retry budget `{text(ctx, b)}` is a hard-coded literal; read it from options")
    for call in nodes(ctx, "invocation_expression") if waits else ():
        recv, name = callee(ctx, call)
        args = arguments(call)
        if not args:
            continue
        shown = _literal_time(ctx, args[0])
        if name in TIMEOUT_CALLS and shown:
            yield from report(call, f"timeout `{shown}` passed to `{name}` is hard-coded; read it from options")
        elif name in WAIT_CALLS and recv.split(".")[-1] in ("Task", "Thread") and _in_retry_context(ctx, call):
            shown = shown or _backoff_literal(ctx, args[0])
            if shown:
                yield from report(call, f"retry delay `{shown}` is hard-coded; read it from options")


def _backoff_literal(ctx: FileContext, arg) -> str | None:
    """`TimeSpan.FromMilliseconds(350 * (attempt + 1))`: a literal step scaled by the attempt."""
    arg = unwrap(arg)
    inner = arg
    if arg.type == "invocation_expression":
        recv, name = callee(ctx, arg)
        if not TIMESPAN_FACTORY.match(f"{recv}.{name}") or not arguments(arg):
            return None
        inner = unwrap(arguments(arg)[0])
    if inner.type != "binary_expression":
        return None
    parts = [unwrap(c) for c in inner.named_children]
    if any(_number(ctx, p) not in (None, 0, 1) for p in parts):
        return text(ctx, arg)
    return None


def _value_hits(ctx: FileContext, kind: str, target: str, value, report) -> Iterable[Hit]:
    if not kind:
        return
    value = unwrap(value)
    if kind in ("time", "span"):
        shown = _literal_time(ctx, value, bare=kind == "time")
        if shown:
            yield from report(value, f"`{target.split('.')[-1]}` is set to the literal `{shown}`; read it from options")
    else:
        number = _number(ctx, value)
        if number is not None and number >= 2:
            yield from report(value, f"`{target.split('.')[-1]}` is set to the literal `{text(ctx, value)}`; read it from options")
