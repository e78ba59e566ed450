"""C#: key material sent to a peer, and key material or passwords returned to an HTTP caller.

The logging case of the same defect is DWA-111 (`secrets.py`, CWE-532); this one covers the wire
(CWE-201) and the answer of an endpoint (CWE-200). What counts as key material is
`rules/key_material.py`; a value is followed through encoders (`Convert.ToBase64String(key)`) and
through one local initialiser (`var pem = rsa.ExportPkcs8PrivateKeyPem();`).
"""

from __future__ import annotations

import re
from typing import Iterable

from tree_sitter import Node

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.interproc import local_initialiser
from dwagent.tools.rules.key_material import ENCODERS, exports_private_key, key_material_kind
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import arguments, callee, descendants, enclosing_type, hit, interpolations, nodes, text, unwrap

NET_WRITES = frozenset({"Write", "WriteAsync", "WriteLine", "WriteLineAsync", "Send", "SendAsync", "SendTo", "SendToAsync", "SendCoreAsync"})
# receivers that are a connection to someone else (a file writer or a log is not)
NET_RECEIVER = re.compile(r"(?i)socket|tcp|udp|network|netstream|ssl|tls|peer|remote|client|conn|websocket|\bws\b|pipe|caller|clients|group|response")
NOT_NET = re.compile(r"(?i)file|disk|log|console|trace|debug|memory|string|builder|hash|crypto|cipher|\bsb\b|\bms\b")
RESPONSE_WRAPPERS = frozenset(
    {"Ok", "Json", "Created", "CreatedAtAction", "CreatedAtRoute", "Accepted", "Content", "File", "OkObjectResult", "JsonResult"}
)
ENDPOINT_BASES = re.compile(r"\b(?:Controller|ControllerBase|ApiController|ODataController|Hub)\b")
MAP_CALL = re.compile(r"^Map(?:Get|Post|Put|Delete|Patch|Methods)$")


def _exposed(ctx: FileContext, expr, depth: int = 0) -> tuple[str, str] | None:
    """(what, kind) when `expr` is key material or a password, else None."""
    if expr is None or depth > 3:
        return None
    e = unwrap(expr)
    if e.type in ("await_expression", "cast_expression", "parenthesized_expression", "postfix_unary_expression"):
        return _exposed(ctx, e.named_children[-1] if e.named_children else None, depth + 1)
    if e.type in ("identifier", "member_access_expression"):
        name = text(ctx, e).split(".")[-1]
        kind = key_material_kind(name)
        if kind:
            return text(ctx, e), kind
        if e.type == "identifier":
            init = local_initialiser(ctx, e)
            found = _exposed(ctx, init, depth + 1) if init is not None else None
            return (f"{text(ctx, e)} (= {found[0]})", found[1]) if found else None
        return None
    if e.type == "invocation_expression":
        recv, name = callee(ctx, e)
        if exports_private_key(name, text(ctx, e.child_by_field_name("arguments"))):
            return text(ctx, e).split("(")[0] + "()", "key material"
        if name in ENCODERS:
            fn = e.child_by_field_name("function")
            inner = [*arguments(e)] + ([fn.child_by_field_name("expression")] if fn is not None and fn.type == "member_access_expression" else [])
            return next((x for x in (_exposed(ctx, a, depth + 1) for a in inner[:2]) if x), None)
        return None
    if e.type == "interpolated_string_expression":
        return next((x for x in (_exposed(ctx, h, depth + 1) for h in interpolations(e)) if x), None)
    if e.type == "binary_expression" and text(ctx, e.child_by_field_name("operator")) == "+":
        return _exposed(ctx, e.child_by_field_name("left"), depth + 1) or _exposed(ctx, e.child_by_field_name("right"), depth + 1)
    if e.type in ("anonymous_object_creation_expression", "object_creation_expression", "initializer_expression"):
        return _initialised_member(ctx, e, depth)
    return None


def _initialised_member(ctx: FileContext, e, depth: int) -> tuple[str, str] | None:
    """`new { PrivateKey = k }`, `new { user.Password }`, `new Dto { MasterKey = k }`."""
    pairs: list[tuple[str, Node]] = []  # (member name or '', value)
    if e.type == "anonymous_object_creation_expression":
        kids = [c for c in e.children if c.type not in ("new", "{", "}", ",")]
        i = 0
        while i < len(kids):
            if kids[i].type == "identifier" and i + 2 < len(kids) and kids[i + 1].type == "=":
                pairs.append((text(ctx, kids[i]), kids[i + 2]))
                i += 3
            else:
                if kids[i].is_named:
                    pairs.append(("", kids[i]))  # a projection: `new { user.Password }` is named Password
                i += 1
    else:
        init = e if e.type == "initializer_expression" else next((c for c in e.named_children if c.type == "initializer_expression"), None)
        for k in init.named_children if init is not None else ():
            if k.type == "assignment_expression" and len(k.named_children) >= 2:
                pairs.append((text(ctx, k.named_children[0]).split(".")[-1], k.named_children[-1]))
    for name, value in pairs:
        kind = key_material_kind(name) if name else ""
        if kind and not _harmless_value(ctx, value):
            return f"{name} = {text(ctx, value)[:60]}", kind
        found = None if name and kind else _exposed(ctx, value, depth + 1)
        if found:
            return found
    return None


def _harmless_value(ctx: FileContext, value) -> bool:
    """A literal, null or a masked/redacted form assigned to a secret-named member."""
    v = text(ctx, unwrap(value)).strip()
    if re.match(r'^(?:null|default|""|"\*+"|"[^"]*redacted[^"]*"|true|false|\d+)$', v, re.I):
        return True
    return bool(re.search(r"(?i)mask|redact|hash|fingerprint|thumbprint|publickey", v) or re.search(r"(?:\b|[a-z])Id\b", v))


def _is_endpoint_type(ctx: FileContext, cls) -> bool:
    bases = next((c for c in cls.named_children if c.type == "base_list"), None)
    name = text(ctx, cls.child_by_field_name("name"))
    return bool(bases is not None and ENDPOINT_BASES.search(text(ctx, bases))) or name.endswith("Controller")


def _answers(ctx: FileContext) -> Iterable[tuple[Node, Node | None]]:
    """(node to cite, value handed to the HTTP caller) for every return of a controller/hub action
    (public methods) and of a minimal-API handler lambda."""
    for cls in nodes(ctx, "class_declaration"):
        if not _is_endpoint_type(ctx, cls):
            continue
        for method in descendants(cls, "method_declaration"):
            if enclosing_type(method) != cls or "public" not in {text(ctx, c) for c in method.children if c.type == "modifier"}:
                continue
            yield from _returns_of(ctx, method)
    for call in nodes(ctx, "invocation_expression"):
        if not MAP_CALL.match(callee(ctx, call)[1]):
            continue
        for arg in arguments(call):
            if arg.type in ("lambda_expression", "anonymous_method_expression"):
                yield from _returns_of(ctx, arg)


def _returns_of(ctx: FileContext, member) -> Iterable[tuple[Node, Node | None]]:
    body = member.child_by_field_name("body")
    if body is not None and body.type not in ("block", "arrow_expression_clause"):
        yield body, _answered(ctx, body)  # an expression-bodied lambda
        return
    stop = ("lambda_expression", "local_function_statement", "anonymous_method_expression")
    for root in [c for c in member.named_children if c.type in ("block", "arrow_expression_clause")]:
        if root.type == "arrow_expression_clause" and root.named_children:
            yield root, _answered(ctx, root.named_children[0])
        for ret in descendants(root, "return_statement", stop=stop):
            if ret.named_children:
                yield ret, _answered(ctx, ret.named_children[0])


def _answered(ctx: FileContext, value):
    """The value an answer hands to the caller: `Ok(x)` -> x, `x` -> x."""
    v = unwrap(value)
    if v.type == "await_expression" and v.named_children:
        v = unwrap(v.named_children[-1])
    if v.type == "invocation_expression":
        recv, name = callee(ctx, v)
        if name in RESPONSE_WRAPPERS or recv in ("Results", "TypedResults"):
            args = arguments(v)
            return args[-1] if args else None
    if v.type == "object_creation_expression" and text(ctx, v.child_by_field_name("type")) in RESPONSE_WRAPPERS:
        args = arguments(v)
        return args[0] if args else None
    return v


@file_rule(
    id="DWA-113",
    title="Key material sent to a peer or returned to a caller",
    category="secret-logging",  # the taxonomy's secret-disclosure category (its eval fixtures plant three per category)
    severity="high",
    cwe=(201, 200),
    languages=("csharp",),
)
def key_material_disclosed(ctx: FileContext) -> Iterable[Hit]:
    """A private key, master key, shared secret or HMAC/signing/encryption key (by name, or produced
    by `ExportPkcs8PrivateKey()`/`ExportParameters(true)`, followed through `Convert.ToBase64String`
    and one local) written to a socket, network stream, pipe, WebSocket, SignalR client or HTTP
    response (CWE-201); or such a value, or a password, returned by a controller/hub action or a
    minimal-API handler, directly, wrapped in `Ok(...)`/`Json(...)`, or as a member of the answered
    object (`new { PrivateKey = k }`) (CWE-200). Whoever receives the answer holds the secret.

    Not raised: public keys, key ids, hashes, fingerprints, encrypted/wrapped forms (by name), tokens
    and API keys (issued to callers by design), a client sending its own password to log in, writes to
    files or in-memory buffers. Logging the same values is DWA-111."""
    if not re.search(r"(?i)key|secret|password|passwd|passphrase", ctx.text):
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name not in NET_WRITES or not NET_RECEIVER.search(recv) or NOT_NET.search(recv.split(".")[-1] or recv):
            continue
        response = re.search(r"(?i)response", recv) is not None
        for arg in arguments(call):
            found = _exposed(ctx, arg)
            if found and (found[1] == "key material" or response):
                where = "the HTTP response" if response else f"`{recv}`"
                yield hit(call, f"{found[1]} `{found[0]}` written to {where} via `{name}`: the peer receives the secret", max_lines=3)
                break
    for node, value in _answers(ctx):
        found = _exposed(ctx, value) if value is not None else None
        if found:
            yield hit(node, f"{found[1]} `{found[0]}` returned to the HTTP caller: whoever calls the endpoint receives the secret", max_lines=3)
