"""Assemblies loaded from paths or bytes without a signature or allow-list check (C#)."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.flow import TRUST_WORDS, strongest
from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import _param_summary
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    camel_words,
    enclosing_member,
    hit,
    nodes,
    string_value,
    text,
    unwrap,
)

PATH_LOADS = {("Assembly", "LoadFrom"), ("Assembly", "LoadFile"), ("Assembly", "UnsafeLoadFrom")}
CONTEXT_LOADS = ("LoadFromAssemblyPath", "LoadFromStream", "LoadFromNativeImagePath")
# Every load above contains one of these; files without them skip the tree walk.
LOAD_WORDS = ("LoadFrom", "LoadFile", "Assembly.Load")
BYTES_WORDS = frozenset({"bytes", "raw", "data", "image", "buffer", "payload", "content", "blob", "stream"})
CHECK = re.compile(
    r"(?i)signature|strongname|publickeytoken|getpublickey|authenticode|x509|allowlist|allow_list|"
    r"allowed(assembl|plugin|module|hash)|whitelist|trusted(assembl|plugin|publisher|hash)|"
    r"verify\w*(assembl|plugin|module|hash|signature|file)|expectedhash|knownhash|sha256|manifest\w*hash"
)


def _is_bytes(ctx: FileContext, expr) -> bool:
    expr = unwrap(expr)
    while expr.type == "await_expression" and expr.named_children:
        expr = unwrap(expr.named_children[-1])
    if expr.type == "invocation_expression":
        return callee(ctx, expr)[1] in ("ReadAllBytes", "ToArray", "GetBytes", "DownloadData", "GetByteArrayAsync")
    if expr.type in ("identifier", "member_access_expression"):
        return bool(set(camel_words(text(ctx, expr).split(".")[-1])) & BYTES_WORDS)
    return expr.type == "array_creation_expression"


# Calls whose result is bytes fetched from another machine: loading them runs a remote party's code.
DOWNLOADS = frozenset({"DownloadData", "DownloadDataTaskAsync", "GetByteArrayAsync", "ReadAsByteArrayAsync", "GetStreamAsync", "ReadAsStreamAsync"})


def _load_severity(ctx: FileContext, arg) -> tuple[str, str, tuple]:
    """High when the path or bytes are shown to come from another party (request data, socket or
    message bytes, a download) or from whoever invokes the program (command line, environment:
    they choose the code that runs, as with a command run through a shell); medium otherwise: the
    path is the operator's (a plugin folder scan, configuration), so exploiting it needs write
    access to that folder. A parameter carries its summary, so the cross-file pass raises the
    finding when a caller in another file passes such input."""
    expr = unwrap(arg)
    while expr.type == "await_expression" and expr.named_children:
        expr = unwrap(expr.named_children[-1])
    if expr.type == "invocation_expression" and callee(ctx, expr)[1] in DOWNLOADS:
        return "high", f": the code is downloaded (`{callee(ctx, expr)[1]}`) and run unchecked", ()
    best = strongest(flows_for(ctx).origins(expr, "all"))
    if best is not None and best.trust in ("untrusted", "lower"):
        return "high", f": {TRUST_WORDS[best.trust]} `{best.label}` decides what is loaded", ()
    origin = f"{TRUST_WORDS[best.trust]} `{best.label}`" if best is not None else "a value of the code's own"
    summary: tuple = ()
    if best is not None and best.trust == "param":
        summary = tuple(_param_summary(ctx, arg, best, "all", "high"))
        if summary:
            # raised by a caller passing command-line/environment input too, also through a
            # receiver visibly of this type (`new Runner().RunAsync(path)`)
            summary += (("flow_raise", "untrusted,lower"), ("flow_typed_receiver", "1"))
    return "medium", f" (medium: the path comes from {origin}; whoever can write there runs code, no remote source shown)", summary


@file_rule(
    id="DWA-170",
    title="Assembly loaded without signature or allow-list check",
    category="unsafe-assembly-load",
    severity="medium",
    cwe=(494,),
    languages=("csharp",),
)
def unchecked_assembly_load(ctx: FileContext) -> Iterable[Hit]:
    """`Assembly.LoadFrom`/`LoadFile`/`UnsafeLoadFrom`, `Assembly.Load(byte[])` and
    `AssemblyLoadContext.LoadFromAssemblyPath`/`LoadFromStream` run whatever code sits at that path
    or in those bytes. Without a check (strong-name/Authenticode signature, public key token, a hash
    or name allow-list) in the loading member, anyone who can write to the plugin
    folder gets code execution. A load passed as a method group (`paths.Select(Assembly.LoadFrom)`,
    `Func<string, Assembly> load = Assembly.LoadFile;`) is the same load. Loading by assembly name
    (`Assembly.Load("Name")`) and literal paths are not reported.

    Severity follows the source of the path or bytes: high when request data, network bytes, a
    download (`DownloadData`, `GetByteArrayAsync`) or the command line / environment decides what
    is loaded (directly, or through a caller in another file: the cross-file pass); medium
    otherwise (a plugin-folder scan, configuration: the operator's path, exploitable by whoever
    can write to it), with the source in the message.
    """
    if not any(w in ctx.text for w in LOAD_WORDS):
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        args = arguments(call)
        if not args or string_value(ctx, args[0]) is not None:
            continue
        last = recv.split(".")[-1]
        if (last, name) in PATH_LOADS or name in CONTEXT_LOADS:
            pass
        elif last == "Assembly" and name == "Load" and _is_bytes(ctx, args[0]):
            pass
        else:
            continue
        # the check must sit in the loading member itself: a verified path elsewhere in the class
        # does not protect this one
        member = enclosing_member(call)
        scope = text(ctx, member) if member is not None else ctx.text
        if CHECK.search(scope):
            continue
        sev, why, summary = _load_severity(ctx, args[0])
        yield hit(
            call,
            f"`{last + '.' if last else ''}{name}` loads code with no signature or allow-list check{why}",
            severity=sev,
            max_lines=2,
            properties=summary,
        )
    yield from _method_groups(ctx)


def _method_groups(ctx: FileContext) -> Iterable[Hit]:
    """`Assembly.LoadFrom` used as a value (an argument or a delegate initializer), not called."""
    for m in nodes(ctx, "member_access_expression"):
        recv = text(ctx, m.child_by_field_name("expression")).split(".")[-1]
        name = text(ctx, m.child_by_field_name("name"))
        if (recv, name) not in PATH_LOADS and not (name in CONTEXT_LOADS and recv):
            continue
        parent = m.parent
        if parent is None or parent.type not in (
            "argument",
            "variable_declarator",
            "assignment_expression",
            "arrow_expression_clause",
            "return_statement",
        ):
            continue
        if parent.type == "assignment_expression" and parent.child_by_field_name("left") == m:
            continue
        call = parent.parent.parent if parent.type == "argument" and parent.parent is not None else None
        if call is not None and call.type == "invocation_expression" and callee(ctx, call)[1] == "nameof":
            continue
        member = enclosing_member(m)
        if CHECK.search(text(ctx, member) if member is not None else ctx.text):
            continue
        yield hit(
            m, f"`{recv}.{name}` is passed as a method group: every path it receives is loaded with no signature or allow-list check", max_lines=2
        )
