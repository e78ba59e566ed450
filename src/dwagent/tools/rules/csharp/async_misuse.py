"""Async misuse in C#: blocking on tasks (sync-over-async) and Task.Delay standing in for work."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    block_statements,
    callee,
    enclosing_member,
    hit,
    member_body,
    name_of,
    nodes,
    text,
    unwrap,
)

TASK_FACTORIES = re.compile(r"^(Task|ValueTask)\.(Run|WhenAll|WhenAny|Factory\.StartNew|FromResult|Delay)$")
TASK_TYPE = re.compile(r"^(System\.Threading\.Tasks\.)?(Task|ValueTask)(<.*>)?\??$")
TASK_NAME = re.compile(r"(?i)(task|tasks)$")


def _task_locals(ctx: FileContext, member) -> set[str]:
    """Locals/fields/parameters in scope that hold tasks: declared Task-typed, or initialised from
    an *Async call / Task factory without await."""
    out: set[str] = set()
    scopes = [member] if member is not None else []
    for scope in scopes:
        stack = [scope]
        while stack:
            n = stack.pop()
            if n.type == "variable_declaration":
                typ = text(ctx, n.child_by_field_name("type"))
                for d in n.named_children:
                    if d.type != "variable_declarator":
                        continue
                    value = d.named_children[-1] if len(d.named_children) > 1 else None
                    if TASK_TYPE.match(typ) or (value is not None and _is_task_expr(ctx, value, set())):
                        out.add(name_of(ctx, d))
            elif n.type == "parameter" and TASK_TYPE.match(text(ctx, n.child_by_field_name("type"))):
                out.add(text(ctx, n.child_by_field_name("name")))
            stack.extend(n.named_children)
    for f in nodes(ctx, "field_declaration"):
        decl = [c for c in f.named_children if c.type == "variable_declaration"]
        if decl and TASK_TYPE.match(text(ctx, decl[0].child_by_field_name("type"))):
            out.update(name_of(ctx, d) for d in decl[0].named_children if d.type == "variable_declarator")
    for p in nodes(ctx, "property_declaration"):
        if TASK_TYPE.match(text(ctx, p.child_by_field_name("type"))):
            out.add(name_of(ctx, p))
    return out


def _is_task_expr(ctx: FileContext, expr, task_locals: set[str]) -> bool:
    expr = unwrap(expr)
    if expr.type == "invocation_expression":
        recv, name = callee(ctx, expr)
        if name.endswith("Async") or TASK_FACTORIES.match(f"{recv}.{name}"):
            return True
        return False
    if expr.type == "identifier":
        return text(ctx, expr) in task_locals
    if expr.type == "member_access_expression":
        return text(ctx, expr.child_by_field_name("name")) in task_locals
    return False


def _awaited_before(ctx: FileContext, member, before: int) -> set[str]:
    """Names of tasks awaited in `member` before offset `before`: `await t`, `await t.ConfigureAwait(..)`
    and every identifier inside `await Task.WhenAll(...)`/`WhenAny`'s arguments. Reading `.Result`
    of a completed task does not block."""
    out: set[str] = set()
    if member is None:
        return out
    stack = [member]
    while stack:
        n = stack.pop()
        if n.start_byte >= before:
            continue
        if n.type == "await_expression" and n.end_byte <= before and n.named_children:
            expr = unwrap(n.named_children[-1])
            if expr.type == "invocation_expression" and callee(ctx, expr)[1] == "ConfigureAwait":
                fn = expr.child_by_field_name("function")
                expr = unwrap(fn.child_by_field_name("expression")) if fn is not None else expr
            if expr.type in ("identifier", "member_access_expression"):
                out.add(text(ctx, expr))
            elif expr.type == "invocation_expression" and callee(ctx, expr)[1] == "WhenAll":
                out.update(re.findall(r"[A-Za-z_][\w.]*", " ".join(text(ctx, a) for a in arguments(expr))))
        stack.extend(n.named_children)
    return out


@file_rule(
    id="DWA-205",
    title="Blocking wait on a task (sync-over-async)",
    category="sync-over-async",
    severity="medium",
    cwe=(833,),
    languages=("csharp",),
)
def sync_over_async(ctx: FileContext) -> Iterable[Hit]:
    """`.Result`, `.Wait()` or `.GetAwaiter().GetResult()` on a task blocks a thread until the task
    completes: thread-pool starvation under load and deadlocks under a synchronization context.
    `.GetAwaiter().GetResult()` and `Task.WaitAll` are always task waits; `.Result`/`.Wait()` are
    reported only when the receiver is known to be a task (a call to an `*Async` method or a task
    factory, or a local, parameter, field or property typed or initialised as a task), so
    `semaphore.Wait()` or `response.Result` on ordinary objects are not. `.Result` on a task the
    same method already awaited (`await t`, `await Task.WhenAll(a, b)`) reads a finished task and
    is not reported. Low severity in `Main`.
    """
    if not re.search(r"\.Result\b|\.Wait\(|GetResult\(|WaitAll\(", ctx.text):
        return
    cache: dict[int, set[str]] = {}

    def task_locals(node) -> set[str]:
        member = enclosing_member(node)
        key = member.start_byte if member is not None else -1
        if key not in cache:
            cache[key] = _task_locals(ctx, member)
        return cache[key]

    def report(node, what: str) -> Hit:
        member = enclosing_member(node)
        low = member is not None and name_of(ctx, member) == "Main"
        return hit(node, f"{what} blocks on a task; await it instead", severity="low" if low else None, max_lines=2)

    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m.child_by_field_name("name")) != "Result":
            continue
        parent = m.parent
        if parent is not None and parent.type == "assignment_expression" and parent.child_by_field_name("left") == m:
            continue
        recv = m.child_by_field_name("expression")
        if recv is not None and _is_task_expr(ctx, recv, task_locals(m)):
            if unwrap(recv).type in ("identifier", "member_access_expression") and text(ctx, unwrap(recv)) in (
                _awaited_before(ctx, enclosing_member(m), m.start_byte)
            ):
                continue  # the task was awaited above: `.Result` reads a completed task
            yield report(m, f"`{text(ctx, m)[:80]}`")
    for call in nodes(ctx, "invocation_expression"):
        recv_text, name = callee(ctx, call)
        fn = call.child_by_field_name("function")
        recv = fn.child_by_field_name("expression") if fn is not None and fn.type == "member_access_expression" else None
        if name == "GetResult" and recv is not None and unwrap(recv).type == "invocation_expression" and callee(ctx, unwrap(recv))[1] == "GetAwaiter":
            yield report(call, "`.GetAwaiter().GetResult()`")
        elif name == "Wait" and recv is not None and _is_task_expr(ctx, recv, task_locals(call)):
            yield report(call, f"`{text(ctx, call)[:80]}`")
        elif name in ("WaitAll", "WaitAny") and recv_text in ("Task", "System.Threading.Tasks.Task"):
            yield report(call, f"`Task.{name}`")


DELAY_NAMES = re.compile(r"(?i)delay|wait|sleep|backoff|retry|throttl|poll|pause|debounce|jitter|cooldown|heartbeat|tick")
_LIT = r"(?:true|false|null|default|\"[^\"]*\"|-?\d+(?:\.\d+)?[mMdDfFL]?|[A-Z]\w*\.[A-Z]\w*|DateTime(?:Offset)?\.(?:Utc)?Now)"
FAKE_RETURN = re.compile(
    r"^return(\s+(true|false|null|default|Task\.CompletedTask|[\w.]+|new\s+[\w.<>]+\(\s*\)|"
    r"\"[^\"]*\"|-?\d+|Task\.FromResult\(.*\)|\w+Result\.\w+(\(\))?"
    # `input with { Applied = true }`: the caller's value stamped as done
    r"|[\w.]+ with \{ ?(\w+ ?= ?" + _LIT + r" ?,? ?)+\}))?;$",
    re.S,
)


@file_rule(
    id="DWA-207",
    title="Task.Delay standing in for work",
    category="fake-async-delay",
    severity="medium",
    languages=("csharp",),
)
def fake_delay(ctx: FileContext) -> Iterable[Hit]:
    """A method whose body is essentially `await Task.Delay(...)` followed by returning a constant
    (a literal, an empty object, or the input stamped with literals: `return request with {
    Applied = true };`): it simulates latency instead of doing the work its name promises. Methods whose name says they
    wait (`*Delay*`, `*Backoff*`, `*Retry*`, `*Poll*`, `*Throttle*`...) and thin wrappers that
    forward a caller-supplied delay are not reported. Test code is excluded.
    """
    if "Task.Delay" not in ctx.text:
        return
    for m in nodes(ctx, "method_declaration"):
        name = name_of(ctx, m)
        if DELAY_NAMES.search(name):
            continue
        body = member_body(m)
        if body is None or body.type != "block":
            continue
        stmts = block_statements(body)
        delays = [s for s in stmts if re.match(r"^await\s+Task\.Delay\(", text(ctx, s))]
        if not delays or len(stmts) > 3:
            continue
        params = {
            text(ctx, p.child_by_field_name("name"))
            for p in (m.child_by_field_name("parameters").named_children if m.child_by_field_name("parameters") is not None else ())
            if p.type == "parameter"
        }
        delay_arg = re.sub(r"^await\s+Task\.Delay\(|\);$", "", text(ctx, delays[0]))
        if delay_arg.split(",")[0].strip() in params:
            continue
        others = [s for s in stmts if s not in delays]
        if all(
            s.type == "return_statement"
            and FAKE_RETURN.match(re.sub(r"\s+", " ", text(ctx, s)))
            or re.match(r"^(_?\w*[Ll]og\w*|Console)\.", text(ctx, s))
            for s in others
        ):
            yield hit(delays[0], f"`{name}` only waits (`Task.Delay`) and returns: simulated work", max_lines=1)
