"""Broad `except` handlers that only pass in Python, judged by the work they hide (`rules/swallow.py`)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.python.parse_errors import silent_body
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.swallow import Guarded, first_return_after, judge
from dwagent.tools.syntax.python import call_name
from dwagent.tools.syntax.tree import ancestor, descendants, hit, nodes, text

BROAD = frozenset({"", "Exception", "BaseException"})
CLEANUP_FUNCTIONS = frozenset(
    {"__exit__", "__aexit__", "__del__", "close", "aclose", "shutdown", "stop", "cleanup", "dispose", "teardown", "tearDown", "terminate"}
)
_NESTED = ("lambda", "function_definition", "class_definition")


@file_rule(
    id="DWA-406",
    title="Broad exception swallowed with pass (Python)",
    category="empty-catch",
    severity="medium",
    cwe=(390, 391),
    languages=("python",),
)
def swallowed_exception(ctx: FileContext) -> Iterable[Hit]:
    """A bare `except:` or `except Exception:`/`BaseException` whose body is only `pass`, `...` or
    `continue`: every error, including programming errors (and, for bare except,
    `KeyboardInterrupt`), vanishes. Judged by what the `try` guards (`rules/swallow.py`): high
    (CWE-390) when security or persistence work (verify, authenticate, decrypt, sign, validate,
    revoke, audit; write, flush, commit, save, fsync, delete) fails and the function then returns
    success (`return True`); medium for such work otherwise; low for any other broad handler
    (CWE-391, unchecked error). A comment line in the handler documents the intent and lowers
    the severity by one level (a trailing comment does not count: one can be appended to any
    line). Not reported: best-effort cleanup (`close`, `terminate`, `kill`, removing a temporary
    file), logging, handlers in a `finally`, in `__exit__`/`__del__`/`close`, or inside another
    handler, and parse probes with a fallback. Narrow handlers such as `except FileNotFoundError:
    pass` are a normal idiom and not reported.
    """
    if "except" not in ctx.text:
        return
    for clause in nodes(ctx, "except_clause"):
        body = [c for c in clause.named_children if c.type == "block"]
        if not body:
            continue
        stmts = [c for c in body[0].named_children if c.type != "comment"]
        if not stmts or not all(s.type in ("pass_statement", "continue_statement") or text(ctx, s) == "..." for s in stmts):
            continue
        caught = [c for c in clause.named_children if c.type not in ("block", "comment")]
        target = caught[0] if caught else None
        if target is not None and target.type == "as_pattern":
            target = target.named_children[0]
        name = text(ctx, target).split(".")[-1] if target is not None else ""
        if name not in BROAD:
            continue
        # a comment line in the handler documents it; a trailing comment can be appended to any
        # line (also by someone steering the audit) and counts for nothing
        documented = silent_body(ctx, clause)[1]
        trystmt = clause.parent if clause.parent is not None and clause.parent.type == "try_statement" else None
        if trystmt is None:
            continue
        block = trystmt.child_by_field_name("body")
        found = sorted(descendants(block, "call", stop=_NESTED), key=lambda n: n.start_byte) if block is not None else []
        calls = tuple((*call_name(ctx, n), text(ctx, n.child_by_field_name("arguments"))[:200]) for n in found)
        fn = ancestor(trystmt, ("function_definition",))
        after = first_return_after(trystmt, fn, "return_statement", _NESTED, lambda n: text(ctx, n)) if fn is not None else ""
        returns = block is not None and bool(descendants(block, "return_statement", stop=_NESTED))
        j = judge(Guarded(calls, _cleanup_context(ctx, trystmt, fn), documented, returns, after))
        if j.severity is None:
            continue
        label = "bare except" if not name else f"except {name}"
        yield hit(clause, f"{label}: {j.why}", severity=j.severity, max_lines=1, cwe=j.cwe, root_cause=f"empty-catch:{j.kind}")


def _cleanup_context(ctx: FileContext, trystmt, fn) -> str:
    cur = trystmt.parent
    while cur is not None and cur.type != "function_definition":
        if cur.type == "finally_clause":
            return "cleanup in finally"
        if cur.type == "except_clause":
            return "inside another handler (the failure path)"
        cur = cur.parent
    if fn is not None and text(ctx, fn.child_by_field_name("name")) in CLEANUP_FUNCTIONS:
        return f"cleanup in {text(ctx, fn.child_by_field_name('name'))}"
    return ""
