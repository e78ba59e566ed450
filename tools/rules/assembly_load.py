"""Assemblies loaded from paths or bytes without a signature or allow-list check (C#)."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import (
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
BYTES_WORDS = frozenset({"bytes", "raw", "data", "image", "buffer", "payload", "content", "blob", "stream"})
CHECK = re.compile(
    r"(?i)signature|strongname|publickeytoken|getpublickey|authenticode|x509|allowlist|allow_list|"
    r"allowed(assembl|plugin|module|hash)|whitelist|trusted(assembl|plugin|publisher|hash)|"
    r"verify\w*(assembl|plugin|module|hash|signature|file)|expectedhash|knownhash|sha256|manifest\w*hash"
)


def _is_bytes(ctx: FileContext, expr) -> bool:
    expr = unwrap(expr)
    if expr.type == "invocation_expression":
        return callee(ctx, expr)[1] in ("ReadAllBytes", "ToArray", "GetBytes", "DownloadData", "GetByteArrayAsync")
    if expr.type in ("identifier", "member_access_expression"):
        return bool(set(camel_words(text(ctx, expr).split(".")[-1])) & BYTES_WORDS)
    return expr.type == "array_creation_expression"


@file_rule(
    id="DWA-170",
    title="Assembly loaded without signature or allow-list check",
    category="unsafe-assembly-load",
    severity="high",
    cwe=(494,),
    languages=("csharp",),
)
def unchecked_assembly_load(ctx: FileContext) -> Iterable[Hit]:
    """`Assembly.LoadFrom`/`LoadFile`/`UnsafeLoadFrom`, `Assembly.Load(byte[])` and
    `AssemblyLoadContext.LoadFromAssemblyPath`/`LoadFromStream` run whatever code sits at that path
    or in those bytes. Without a check (strong-name/Authenticode signature, public key token, a hash
    or name allow-list) in the loading member, anyone who can write to the plugin
    folder gets code execution. Loading by assembly name (`Assembly.Load("Name")`) and literal
    paths are not reported.
    """
    if "Load" not in ctx.text:
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
        yield hit(call, f"`{last + '.' if last else ''}{name}` loads code with no signature or allow-list check", max_lines=2)
