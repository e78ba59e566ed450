"""Empty catch blocks in C#: errors swallowed, judged by the work they hide (see `rules/swallow.py`)."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.swallow import Guarded, Judgement, first_return_after, judge
from dwagent.tools.syntax.tree import ancestor, arguments, callee, descendants, enclosing_member, hit, name_of, nodes, text

# Exceptions whose swallowing is a normal control-flow idiom (cancellation on shutdown).
BENIGN = ("OperationCanceledException", "TaskCanceledException", "ThreadAbortException", "ObjectDisposedException")
CLEANUP_MEMBERS = re.compile(r"^(Dispose\w*|Close|CloseAsync|Stop|StopAsync|Shutdown|ShutdownAsync|OnStopped|OnStopping)$")
_NESTED = ("lambda_expression", "local_function_statement", "anonymous_method_expression")
_FUNCTIONS = ("method_declaration", "constructor_declaration", "local_function_statement", "accessor_declaration", "lambda_expression")


@file_rule(
    id="DWA-206",
    title="Empty catch block",
    category="empty-catch",
    severity="medium",
    cwe=(390, 391),
    languages=("csharp",),
)
def empty_catch(ctx: FileContext) -> Iterable[Hit]:
    """A `catch` whose block has no statements: the failure disappears. Judged by what the `try`
    guards (`rules/swallow.py`):

    - **high** (CWE-390): security work (verify, authenticate, authorize, decrypt, sign, validate,
      revoke, audit) or persistence work (write, flush, commit, save, replicate, fsync, delete,
      insert) whose failure is swallowed and the method then returns success (`return true`,
      `Ok()`, `...Success`): the caller is told it happened;
    - **medium** (CWE-390): such work swallowed without that success report, or with it but a
      comment line explaining the intent;
    - **low** (note): such work swallowed with an explanatory comment, or failing closed (the try
      returns and the fall-through returns failure); any other empty catch (CWE-391, unchecked
      error), and an undocumented cancellation catch;
    - **not reported**: best-effort cleanup (Dispose, Close, Cancel, Kill, Unsubscribe, deleting a
      temporary file), logging, catches in a `finally`, in `Dispose`/`Close`/`StopAsync` or inside
      another catch (the failure path itself), a parse probe with a fallback
      (`try { return Parse(s); } catch { } return fallback;`), and a documented or filtered
      (`when (token.IsCancellationRequested)`) cancellation catch. Catches with any statement
      (log, rethrow, fallback assignment) are not reported.

    Only a comment on a line of its own, or one that is the whole body (`catch { /* why */ }`),
    counts as documentation: a trailing comment can be appended to any line (including by someone
    steering the audit), so it changes nothing. Findings group into one root cause per kind of
    work (security, persistence, unchecked).
    """
    if "catch" not in ctx.text:
        return
    for c in nodes(ctx, "catch_clause"):
        found = judge_catch(ctx, c)
        if found is None:
            continue
        caught, j = found
        if j.severity is not None:
            yield hit(c, f"catch of {caught}: {j.why}", severity=j.severity, max_lines=1, cwe=j.cwe, root_cause=f"empty-catch:{j.kind}")


def judge_catch(ctx: FileContext, c) -> tuple[str, Judgement] | None:
    """(caught type, judgement) for an empty catch clause; None when the clause has statements."""
    body = c.child_by_field_name("body")
    if body is None or any(ch.type != "comment" for ch in body.named_children):
        return None
    decl = [ch for ch in c.named_children if ch.type == "catch_declaration"]
    caught = text(ctx, decl[0].named_children[0]).split(".")[-1] if decl and decl[0].named_children else "all exceptions"
    documented = any(ch.type == "comment" and (own_line(ctx, ch) or _whole_body(ctx, ch, body)) for ch in body.named_children)
    filtered = any(ch.type == "catch_filter_clause" for ch in c.named_children)
    if caught in BENIGN:
        if documented or filtered:  # the documented / filtered shutdown path of a hosted service
            return caught, Judgement(None, "cancellation", (391,), "documented or filtered cancellation")
        return caught, Judgement("low", "unchecked", (391,), "the error is swallowed (cancellation: low)")
    trystmt = c.parent if c.parent is not None and c.parent.type == "try_statement" else None
    if trystmt is None:
        return None
    block = trystmt.child_by_field_name("body")
    found = sorted(descendants(block, "invocation_expression", stop=_NESTED), key=lambda n: n.start_byte) if block is not None else []
    fn = ancestor(trystmt, _FUNCTIONS)
    calls = tuple((*callee(ctx, n), _argument_text(ctx, n, fn)) for n in found)
    after = first_return_after(trystmt, fn, "return_statement", _NESTED, lambda n: text(ctx, n)) if fn is not None else ""
    returns = block is not None and bool(descendants(block, "return_statement", stop=_NESTED))
    # a filter (`when (ex.Status == Conflict)`) names the one failure that is expected
    narrow = caught not in ("all exceptions", "Exception", "SystemException") or filtered
    return caught, judge(Guarded(calls, _cleanup_context(ctx, trystmt), documented or filtered, returns, after, narrow))


def _cleanup_context(ctx: FileContext, trystmt) -> str:
    """Why a handler sits on a cleanup or failure path ('' when it does not)."""
    cur = trystmt.parent
    while cur is not None and cur.type not in _FUNCTIONS:
        if cur.type == "finally_clause":
            return "cleanup in finally"
        if cur.type == "catch_clause":
            return "inside another catch (the failure path)"
        cur = cur.parent
    member = enclosing_member(trystmt)
    if member is not None and (member.type == "destructor_declaration" or CLEANUP_MEMBERS.match(name_of(ctx, member))):
        return f"cleanup in {name_of(ctx, member) or 'a finalizer'}"
    return ""


def _argument_text(ctx: FileContext, call, fn) -> str:
    """The call's arguments, with the initialiser of a local passed by name (`var p = Path.GetTempFileName()`)."""
    out = []
    scope = text(ctx, fn) if fn is not None else ""
    for a in arguments(call):
        t = text(ctx, a)
        out.append(t)
        if re.fullmatch(r"\w+", t) and scope:
            m = re.search(rf"\b{t}\s*=\s*([^;]{{1,160}});", scope)
            if m:
                out.append(m.group(1))
    return " ".join(out)[:300]


def own_line(ctx: FileContext, comment) -> bool:
    """True when nothing but whitespace precedes the comment on its line."""
    start = ctx.source.rfind(b"\n", 0, comment.start_byte) + 1
    return not ctx.source[start : comment.start_byte].strip()


def _whole_body(ctx: FileContext, comment, body) -> bool:
    """`{ /* why */ }`: a block comment that is the entire body (appending text cannot make one)."""
    inner = ctx.source[body.start_byte + 1 : body.end_byte - 1].strip()
    return inner.startswith(b"/*") and inner.endswith(b"*/") and inner.count(b"*/") == 1
