"""Path traversal in C#: externally supplied names joined into filesystem paths without a
canonicalisation + containment check."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import (
    arguments,
    callee,
    enclosing_member,
    hit,
    interpolations,
    nodes,
    text,
    unwrap,
)

JOIN_CALLS = {("Path", "Combine"), ("Path", "Join")}
FS_TYPES = ("File", "Directory")
FS_CTORS = ("FileStream", "FileInfo", "DirectoryInfo", "StreamReader", "StreamWriter")
# Parameter types that cannot carry a path fragment.
SAFE_TYPES = re.compile(r"^(int|long|short|uint|ulong|Guid|bool|DateTime|DateTimeOffset|decimal|double|float|byte)\??$")
# Member names on archive entries: the classic zip-slip source.
ARCHIVE_NAMES = ("FullName", "Name", "Key")
GUARD = re.compile(
    r"GetFileName\s*\(|IndexOfAny\s*\(\s*Path\.GetInvalid|Contains\s*\(\s*\"\.\.\"|"
    r"(?i:\b\w*(sanitiz|safepath|safename|safekey|ensure\w*(within|inside|under|contained|safe)|"
    r"validate\w*(path|key|name|file)|isvalid\w*(path|key|name|file)|isSafe\w*|isunder|iswithin|"
    r"ispathrooted|isSubPath|normalize\w*(key|name))\w*\s*\()"
)
CONTAINMENT = re.compile(r"GetFullPath|GetRelativePath|Canonical")
PREFIX_CHECK = re.compile(r"StartsWith|IsSubPath|IsBaseOf|GetRelativePath")


def _parameters(ctx: FileContext, member) -> dict[str, str]:
    params = member.child_by_field_name("parameters") if member is not None else None
    out = {}
    for p in params.named_children if params is not None else ():
        if p.type == "parameter":
            name = p.child_by_field_name("name")
            out[text(ctx, name)] = text(ctx, p.child_by_field_name("type"))
    return out


def _external_source(ctx: FileContext, expr, params: dict[str, str], body: str) -> str:
    """The parameter / archive entry an expression carries, or ''."""
    expr = unwrap(expr)
    if expr.type == "identifier":
        name = text(ctx, expr)
        if name in params and not SAFE_TYPES.match(params[name]):
            return name
        return ""
    if expr.type == "member_access_expression":
        full = text(ctx, expr)
        root = full.split(".")[0]
        last = full.split(".")[-1]
        if root in params and not SAFE_TYPES.match(params[root]) and last not in ("Length", "Count", "Id"):
            return full
        if last in ARCHIVE_NAMES and re.search(rf"\b{re.escape(root)}\s+in\s+[\w.]+\.Entries\b", body):
            return full
        return ""
    if expr.type == "interpolated_string_expression":
        for e in interpolations(expr):
            found = _external_source(ctx, e, params, body)
            if found:
                return found
    if expr.type == "binary_expression" and text(ctx, expr.child_by_field_name("operator")) == "+":
        return _external_source(ctx, expr.child_by_field_name("left"), params, body) or _external_source(
            ctx, expr.child_by_field_name("right"), params, body
        )
    return ""


def _guarded(body: str, source: str) -> bool:
    if GUARD.search(body):
        return True
    return bool(CONTAINMENT.search(body) and PREFIX_CHECK.search(body))


@file_rule(
    id="DWA-120",
    title="Externally supplied name joined into a filesystem path",
    category="path-traversal",
    severity="high",
    cwe=(22,),
    languages=("csharp",),
)
def path_join(ctx: FileContext) -> Iterable[Hit]:
    """A method parameter (a key, file name, object name...) or an archive entry name (zip slip)
    joined into a path with `Path.Combine`/`Path.Join`, or concatenated/interpolated into a path
    handed to `File.*`, `Directory.*` or a file stream, with no check that the result stays inside
    the intended folder. `../../etc/passwd` or an absolute name escapes the root.

    Not reported when the method canonicalises and checks containment (`Path.GetFullPath` plus a
    `StartsWith`/`GetRelativePath` prefix check), strips directories (`Path.GetFileName`), rejects
    `..`/invalid characters, or calls a sanitiser/validator for the name; nor for numeric/Guid
    parameters. Only the first argument of a join is treated as the trusted root.
    """
    if "Path." not in ctx.text and "File" not in ctx.text and "Directory" not in ctx.text:
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        recv_last = recv.split(".")[-1]
        args = arguments(call)
        if (recv_last, name) in JOIN_CALLS:
            candidates = args[1:]
        elif recv_last in FS_TYPES and args:
            candidates = [a for a in args[:1] if unwrap(a).type in ("interpolated_string_expression", "binary_expression")]
        else:
            continue
        yield from _check(ctx, call, candidates, f"{recv_last}.{name}")
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        args = arguments(new)
        if typ in FS_CTORS and args and unwrap(args[0]).type in ("interpolated_string_expression", "binary_expression"):
            yield from _check(ctx, new, args[:1], f"new {typ}")


def _check(ctx: FileContext, node, candidates, sink: str) -> Iterable[Hit]:
    member = enclosing_member(node)
    if member is None or not candidates:
        return
    params = _parameters(ctx, member)
    body = text(ctx, member)
    for cand in candidates:
        source = _external_source(ctx, cand, params, body)
        if source and not _guarded(body, source):
            yield hit(node, f"`{source}` flows into `{sink}` without canonicalisation and a containment check", max_lines=2)
            return
