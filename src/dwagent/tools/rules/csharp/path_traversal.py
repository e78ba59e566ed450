"""Path traversal in C#: externally supplied names joined into filesystem paths without a
canonicalisation + containment check."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import Site, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.interproc import argument_for, callers, local_initialiser, resolve, returned
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    const_names,
    enclosing_member,
    interpolations,
    is_constant_expr,
    line,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

JOIN_CALLS = {("Path", "Combine"), ("Path", "Join")}
FS_TYPES = ("File", "Directory")
FS_CTORS = ("FileStream", "FileInfo", "DirectoryInfo", "StreamReader", "StreamWriter")
# Parameter types that cannot carry a path fragment.
SAFE_TYPES = re.compile(
    r"^(int|long|short|uint|ulong|ushort|sbyte|nint|nuint|Guid|bool|DateTime|DateTimeOffset|DateOnly|"
    r"TimeOnly|TimeSpan|decimal|double|float|byte|Int32|Int64|UInt32|UInt64|Int16|Half)\??$"
)
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
        if name in params and not SAFE_TYPES.match(params[name]) and params[name].rstrip("?") not in _enum_names(ctx):
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
            if any(c.type == "interpolation_format_clause" for c in e.parent.named_children):
                continue  # `{day:yyyyMMdd}`, `{n:D6}`: a formatted date or number, not a name
            found = _external_source(ctx, e, params, body)
            if found:
                return found
    if expr.type == "binary_expression" and text(ctx, expr.child_by_field_name("operator")) == "+":
        return _external_source(ctx, expr.child_by_field_name("left"), params, body) or _external_source(
            ctx, expr.child_by_field_name("right"), params, body
        )
    return ""


def _enum_names(ctx: FileContext) -> frozenset[str]:
    """Enums declared in the file: an enum value formats as one of its member names."""
    return frozenset(re.findall(r"\benum\s+(\w+)", ctx.text))


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
    `..`/invalid characters, or calls a sanitiser/validator for the name; nor for numeric, Guid,
    date/time or same-file enum parameters, nor for interpolation holes with a format specifier
    (`{day:yyyyMMdd}`, `{seq:D6}`: formatted dates and numbers). Only the first argument of a join is treated as the trusted root.

    Across methods of the same file: a path built by a helper from its parameter (concatenation or
    interpolation) and handed to a file API by the caller is reported at that call; a private
    helper whose every in-file caller passes a constant or checks the value first is not.

    Severity from the data-flow path (listed as evidence): high only when an untrusted source
    (request data, an upload's name, socket bytes, a message payload) reaches the path unguarded
    (also through a caller in another file), or a stored (second-order) value does; medium for
    parameters whose callers are not in view (a storage key handed in by other code) and
    command-line/environment values; operator configuration is not reported.
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
            if not candidates:
                yield from _through_helper(ctx, call, args[0], f"{recv_last}.{name}")
                continue
        else:
            continue
        yield from _check(ctx, call, candidates, f"{recv_last}.{name}")
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        args = arguments(new)
        if typ in FS_CTORS and args and unwrap(args[0]).type in ("interpolated_string_expression", "binary_expression"):
            yield from _check(ctx, new, args[:1], f"new {typ}")
        elif typ in FS_CTORS and args:
            yield from _through_helper(ctx, new, args[0], f"new {typ}")


def _check(ctx: FileContext, node, candidates, sink: str) -> Iterable[Hit]:
    member = enclosing_member(node)
    if member is None or not candidates:
        return
    params = _parameters(ctx, member)
    body = text(ctx, member)
    for cand in candidates:
        source = _external_source(ctx, cand, params, body)
        if source and not _guarded(body, source) and not _callers_checked(ctx, member, source.split(".")[0]):
            found = list(_graded(ctx, node, cand, sink, f"`{source}` flows into `{sink}` without canonicalisation and a containment check"))
            yield from found
            if found:
                return


def _callers_checked(ctx: FileContext, member, param: str) -> bool:
    """A private helper whose every in-file caller passes a constant or checks the path first: the
    check sits one call up, where the value comes from (the helper is unreachable otherwise)."""
    if member.type != "method_declaration" or modifiers(ctx, member) & {"public", "protected", "internal"}:
        return False
    sites = callers(ctx, member)
    if not sites:
        return False
    consts = const_names(ctx)
    for call in sites:
        arg = argument_for(ctx, call, member, param)
        caller = enclosing_member(call)
        if arg is None or caller is None:
            return False
        if not (is_constant_expr(ctx, arg, consts) or _guarded(text(ctx, caller), text(ctx, arg))):
            return False
    return True


def _through_helper(ctx: FileContext, node, arg, sink: str) -> Iterable[Hit]:
    """The path comes from an in-file helper that builds it from its parameter (by concatenation or
    interpolation: a helper that joins with `Path.Combine` is reported in the helper itself)."""
    expr = unwrap(arg)
    if expr.type == "identifier":
        expr = local_initialiser(ctx, expr) or expr
    helper = resolve(ctx, expr)
    member = enclosing_member(node)
    if helper is None or member is None:
        return
    h_params, h_body = _parameters(ctx, helper), text(ctx, helper)
    for ret in returned(ctx, helper):
        if ret.type == "invocation_expression" and tuple(p.split(".")[-1] for p in callee(ctx, ret)) in JOIN_CALLS:
            continue
        inner = _external_source(ctx, ret, h_params, h_body)
        if not inner or _guarded(h_body, inner):
            continue
        passed = argument_for(ctx, expr, helper, inner.split(".")[0])
        body = text(ctx, member)
        source = _external_source(ctx, passed, _parameters(ctx, member), body) if passed is not None else ""
        if source and not _guarded(body, source):
            yield from _graded(
                ctx,
                node,
                expr,
                sink,
                f"`{source}` flows through `{name_of(ctx, helper)}` (line "
                f"{line(ret)}) into `{sink}` without canonicalisation and a "
                f"containment check",
            )
            return


def _graded(ctx: FileContext, node, expr, sink: str, message: str) -> Iterable[Hit]:
    """Grade a syntactic path hit by what the data-flow core traces into the path expression."""
    yield from report(ctx, flows_for(ctx), Site(node, expr, sink), "path", high="high", min_trust="unknown", message=message, max_lines=2)
