"""Python event-loop misuse: a private event loop started from code that runs on an async path."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name
from dwagent.tools.syntax.tree import (
    ancestor,
    hit,
    nodes,
    text,
)

# Functions a process, thread or framework calls from synchronous code: a loop started there is
# the normal bridge into asyncio.
ENTRY_NAME = re.compile(r"^_*(main|cli|run_cli|entry_?point|console_main|handle|run_forever|thread_main|\w*_thread)$")
# Functions whose name declares them the sync-to-async bridge (`run_sync`, `block_on`, a runner's
# `__call__`): callers asked for a blocking call by name.
BRIDGE_NAME = re.compile(r"^_*(run\w*|\w*_sync|sync_\w*|block\w*|__call__)$")
INERT_DECORATORS = re.compile(
    r"^@(staticmethod|classmethod|property|(functools\.)?(wraps|cache|lru_cache|cached_property)\b|"
    r"override\b|typing\.override\b)"
)


def _is_async(ctx: FileContext, func) -> bool:
    return text(ctx, func).lstrip().startswith("async ")


def _framework_entry(ctx: FileContext, func) -> bool:
    """Decorated by something other than a plain method decorator: a CLI command, task or hook."""
    holder = func.parent
    if holder is None or holder.type != "decorated_definition":
        return False
    return any(d.type == "decorator" and not INERT_DECORATORS.match(text(ctx, d)) for d in holder.named_children)


def _passed_as_callable(ctx: FileContext, name: str) -> bool:
    """The function is handed to something else (`Thread(target=f)`, `executor.submit(f)`) rather
    than only called: it then runs on a thread of its own, where a private loop is correct."""
    return bool(re.search(rf"[=(,]\s*((self|cls)\.)?{re.escape(name)}\s*[,)]", ctx.text))


@file_rule(
    id="DWA-423",
    title="Event loop started inside code that runs on an async path (Python)",
    category="sync-over-async",
    severity="medium",
    confidence="medium",
    cwe=(833,),
    languages=("python",),
)
def nested_event_loop(ctx: FileContext) -> Iterable[Hit]:
    """`asyncio.run(...)` or `loop.run_until_complete(...)` inside a coroutine always fails
    ("cannot be called from a running event loop"), high severity. Inside an ordinary function or
    method of a module that also defines coroutines it is a synchronous wrapper that blocks its
    caller and raises as soon as anything async calls it; medium severity.

    Not reported: module level and `if __name__ == "__main__":` blocks, entry functions (`main`,
    `cli`, `handle`, thread bodies), bridges named as such (`run_sync`, `block_on`, `run_*`, a
    runner's `__call__`), functions decorated as commands, tasks or hooks, functions
    handed to a thread or executor (`Thread(target=f)`), functions that first check for a running
    loop (`asyncio.get_running_loop()`, `loop.is_running()`), modules with no coroutine of their own,
    and test code.
    """
    if "run_until_complete" not in ctx.text and "run(" not in ctx.text:
        return
    has_coroutines = "async def" in ctx.text
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if not ((name == "run" and obj == "asyncio") or name == "run_until_complete"):
            continue
        func = ancestor(call, ("function_definition",))
        if func is None:
            continue
        fname = text(ctx, func.child_by_field_name("name"))
        shown = f"{obj + '.' if obj else ''}{name}"
        if _is_async(ctx, func):
            yield hit(
                call,
                f"`{shown}` inside coroutine `{fname}`: raises RuntimeError on the running loop; await the coroutine instead",
                severity="high",
                confidence="high",
                max_lines=2,
            )
            continue
        if (
            not has_coroutines
            or ENTRY_NAME.match(fname)
            or BRIDGE_NAME.match(fname)
            or _framework_entry(ctx, func)
            or _passed_as_callable(ctx, fname)
        ):
            continue
        if re.search(r"get_running_loop\(|\.is_running\(\)|_get_running_loop\(", text(ctx, func)):
            continue  # the function checks for a running loop before starting its own
        yield hit(
            call,
            f"`{fname}` starts a private event loop with `{shown}`: it blocks its caller and fails "
            f"when called from async code; make it async and await it",
            max_lines=2,
        )


BLOCKING = {
    ("time", "sleep"),
    ("requests", "get"),
    ("requests", "post"),
    ("requests", "put"),
    ("requests", "delete"),
    ("requests", "patch"),
    ("requests", "head"),
    ("requests", "request"),
    ("urllib.request", "urlopen"),
    ("request", "urlopen"),
    ("subprocess", "run"),
    ("subprocess", "check_output"),
    ("subprocess", "call"),
}


@file_rule(
    id="DWA-417",
    title="Blocking call inside a coroutine (Python)",
    category="sync-over-async",
    severity="medium",
    languages=("python",),
)
def blocking_in_coroutine(ctx: FileContext) -> Iterable[Hit]:
    """`time.sleep`, `requests.*`, `urlopen` or `subprocess.run` called directly inside an `async
    def`: the call blocks the event loop thread, stalling every other request it serves. Use
    `asyncio.sleep`, an async HTTP client, or `asyncio.to_thread`. Calls inside nested sync
    functions and lambdas are not reported.
    """
    if "async def" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if (obj, name) not in BLOCKING:
            continue
        func = ancestor(call, ("function_definition", "lambda"))
        if func is not None and func.type == "function_definition" and text(ctx, func).startswith("async"):
            yield hit(call, f"`{obj}.{name}` blocks the event loop inside `async def {text(ctx, func.child_by_field_name('name'))}`", max_lines=1)
