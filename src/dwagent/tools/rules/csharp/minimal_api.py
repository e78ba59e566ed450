"""ASP.NET Core minimal-API endpoints (`app.MapPost(...)`) without the authorization their
siblings have."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.capability import checks_credential
from dwagent.tools.rules.names import PRIVILEGED_ACTION
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    descendants,
    enclosing_type,
    hit,
    name_of,
    nodes,
    string_value,
    text,
    unwrap,
)

MAP_METHODS = frozenset({"MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods"})
STATE_CHANGING = frozenset({"MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods"})
PUBLIC_PATH = re.compile(
    r"(?i)/(health\w*|live\w*|ready\w*|ping|metrics|status|version|login|logout|signin|signup|"
    r"register|token/?$|\.well-known|swagger|openapi|docs|favicon|static)"
)


def _chain(node) -> list:
    """Invocations chained on top of `node` (`node.RequireAuthorization().WithName(...)`)."""
    out = []
    cur = node
    while (
        cur.parent is not None
        and cur.parent.type == "member_access_expression"
        and cur.parent.parent is not None
        and cur.parent.parent.type == "invocation_expression"
    ):
        cur = cur.parent.parent
        out.append(cur)
    return out


def _auth_of(ctx: FileContext, calls) -> str:
    """'policy' for RequireAuthorization("X")/(policy builder), 'plain' for RequireAuthorization(),
    'anonymous' for AllowAnonymous(), '' for none."""
    kind = ""
    for c in calls:
        _, name = callee(ctx, c)
        if name == "AllowAnonymous":
            return "anonymous"
        if name == "RequireAuthorization":
            kind = "policy" if arguments(c) else (kind or "plain")
    return kind


def _groups(ctx: FileContext) -> dict[str, str]:
    """Route-group variables and the authorization their declaration applies."""
    out = {}
    for d in nodes(ctx, "variable_declarator"):
        value = d.named_children[-1] if len(d.named_children) > 1 else None
        if value is None or "MapGroup" not in text(ctx, value):
            continue
        calls = []
        cur = unwrap(value)
        while cur is not None and cur.type == "invocation_expression":
            calls.append(cur)
            fn = cur.child_by_field_name("function")
            cur = fn.child_by_field_name("expression") if fn is not None and fn.type == "member_access_expression" else None
        out[name_of(ctx, d)] = _auth_of(ctx, calls)
    return out


def _endpoints(ctx: FileContext):
    """(call, verb, path, effective auth) for each Map* endpoint in the file."""
    groups = _groups(ctx)
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name not in MAP_METHODS:
            continue
        args = arguments(call)
        path = string_value(ctx, args[0]) if args else None
        if path is None:
            continue
        own = _auth_of(ctx, _chain(call))
        group = groups.get(recv.split(".")[-1], "")
        rank = {"": 0, "plain": 1, "policy": 2, "anonymous": 3}
        yield call, name, path, max(own, group, key=rank.__getitem__), own


def _by_owner(ctx: FileContext) -> list[list]:
    """Endpoints grouped by their enclosing type: siblings are endpoints mapped by the same class."""
    owners: dict[int, list] = {}
    for ep in _endpoints(ctx):
        owner = enclosing_type(ep[0])
        owners.setdefault(owner.start_byte if owner is not None else -1, []).append(ep)
    return [owners[k] for k in sorted(owners)]


@file_rule(
    id="DWA-183",
    title="Minimal-API endpoint without authorization where its siblings require it",
    category="unauthenticated-endpoint",
    severity="high",
    confidence="medium",
    cwe=(306,),
    languages=("csharp",),
)
def unauthenticated_endpoint(ctx: FileContext) -> Iterable[Hit]:
    """A minimal-API endpoint (`MapGet`/`MapPost`/... ) with neither `RequireAuthorization` (on
    itself or its route group) nor `AllowAnonymous`, in a class where other endpoints require
    authorization: anonymous callers reach it. Health, login and documentation paths are public by
    design and not reported; nor are capability routes, whose handler passes a credential it
    receives (`token`, `sig`, `signature`...) to a check (`links.IsValid(key, expires, sig)`) before
    serving. Classes where no endpoint requires authorization are skipped (a global fallback policy
    may apply, which this per-file rule cannot see).
    """
    if "RequireAuthorization" not in ctx.text:
        return
    for eps in _by_owner(ctx):
        if not any(auth in ("plain", "policy") for *_, auth, _own in eps):
            continue
        yield from _unauthenticated(ctx, eps)


def _capability_route(ctx: FileContext, call) -> bool:
    """The handler lambda checks a credential it receives (pre-signed link, share token)."""
    args = arguments(call)
    handler = unwrap(args[-1]) if len(args) > 1 else None
    if handler is None or handler.type != "lambda_expression":
        return False
    params = [text(ctx, p.child_by_field_name("name")) for p in descendants(handler, "parameter", stop=("block", "arrow_expression_clause"))]
    return bool(checks_credential(text(ctx, handler.child_by_field_name("body")), params))


def _unauthenticated(ctx: FileContext, eps) -> Iterable[Hit]:
    for call, verb, path, auth, _own in eps:
        if auth == "" and not PUBLIC_PATH.search(path) and not _capability_route(ctx, call):
            yield hit(call, f'`{verb}("{path}")` has no RequireAuthorization, unlike its sibling endpoints', max_lines=1)


@file_rule(
    id="DWA-184",
    title="State-changing minimal-API endpoint needs only a signed-in user where siblings require a policy",
    category="missing-authorization",
    severity="high",
    confidence="medium",
    cwe=(862,),
    languages=("csharp",),
)
def roleless_endpoint(ctx: FileContext) -> Iterable[Hit]:
    """A `MapPut`/`MapDelete`/`MapPatch` endpoint, or a `MapPost` whose path is a privileged action
    (import, purge, reset, suspend...), covered only by a plain
    `RequireAuthorization()` (its own or its group's) while a sibling endpoint in the same class
    requires a named policy: any signed-in user can change what the siblings protect.
    """
    if "RequireAuthorization(" not in ctx.text:
        return
    for eps in _by_owner(ctx):
        if any(auth == "policy" for *_, auth, _own in eps):
            yield from _plain_only(eps)


def _plain_only(eps) -> Iterable[Hit]:
    for call, verb, path, auth, _own in eps:
        if verb == "MapPost" and not PRIVILEGED_ACTION.search(path):
            continue  # creating one's own resource is not a privileged change
        if verb in STATE_CHANGING and auth == "plain":
            yield hit(call, f'`{verb}("{path}")` requires only a signed-in user while sibling endpoints require a policy', max_lines=1)
