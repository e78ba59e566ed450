"""Python: key material sent to a peer, and key material or passwords returned to an HTTP caller.

The logging case is DWA-412 (`secrets.py`, CWE-532); this one covers the wire (CWE-201) and the
answer of a route (CWE-200). Vocabulary: `rules/key_material.py`. A value is followed through
encoders (`base64.b64encode(key).decode()`, `key.hex()`) and through one plain local assignment.
"""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.key_material import ENCODERS, exports_private_key, key_material_kind
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, local_value, positional
from dwagent.tools.syntax.tree import decorator_text, descendants, hit, nodes, text

NET_SENDS = frozenset({"send", "sendall", "sendto", "sendmsg", "send_bytes", "send_text", "send_json", "write", "writelines", "publish"})
NET_RECEIVER = re.compile(r"(?i)(?:^|[._])(?:sock|socket|conn|connection|client|peer|remote|ws|websocket|transport|channel|wfile|request)s?$")
STREAM_WRITER = re.compile(r"(?i)(?:^|[._])writer$")
RESPONSE_BUILDERS = frozenset(
    {"jsonify", "JSONResponse", "JsonResponse", "json_response", "Response", "make_response", "ORJSONResponse", "HttpResponse"}
)
ROUTE = re.compile(r"^@[\w.]+\.(?:route|get|post|put|patch|delete|api_route|websocket)\s*\(")


def _exposed(ctx: FileContext, expr, depth: int = 0) -> tuple[str, str] | None:
    """(what, kind) when `expr` is key material or a password, else None."""
    if expr is None or depth > 3:
        return None
    t = expr.type
    if t in ("parenthesized_expression", "await"):
        return _exposed(ctx, expr.named_children[-1] if expr.named_children else None, depth + 1)
    if t in ("identifier", "attribute", "subscript"):
        raw = text(ctx, expr)
        name = raw.split("[")[-1].strip("]'\" ") if t == "subscript" else raw.split(".")[-1]
        kind = key_material_kind(name)
        if kind:
            return raw, kind
        if t == "identifier":
            value = local_value(ctx, expr)
            found = _exposed(ctx, value, depth + 1) if value is not None else None
            return (f"{raw} (= {found[0]})", found[1]) if found else None
        return None
    if t == "call":
        obj, name = call_name(ctx, expr)
        if exports_private_key(name):
            return text(ctx, expr.child_by_field_name("function")) + "()", "key material"
        fn = expr.child_by_field_name("function")
        if name in ENCODERS:
            inner = positional(expr)[:1] + ([fn.child_by_field_name("object")] if fn is not None and fn.type == "attribute" else [])
            return next((x for x in (_exposed(ctx, a, depth + 1) for a in inner) if x), None)
        if name == "dict" or name in RESPONSE_BUILDERS:
            return _members(ctx, expr.child_by_field_name("arguments"), depth)
        return None
    if t == "dictionary":
        return _members(ctx, expr, depth)
    if t in ("string", "binary_operator", "concatenated_string", "interpolation"):
        for kid in expr.named_children:
            found = _exposed(ctx, kid.named_children[0] if kid.type == "interpolation" and kid.named_children else kid, depth + 1)
            if found:
                return found
    return None


def _members(ctx: FileContext, node, depth: int) -> tuple[str, str] | None:
    """A dict literal's or keyword arguments' secret-named members, or secret values among them."""
    for kid in node.named_children if node is not None else ():
        if kid.type in ("pair", "keyword_argument"):
            key = kid.child_by_field_name("key") or kid.child_by_field_name("name")
            value = kid.child_by_field_name("value")
            name = text(ctx, key).strip("'\"") if key is not None else ""
            kind = key_material_kind(name)
            if kind and value is not None and not re.match(r"^(None|True|False|\d+|['\"][^'\"]*['\"])$", text(ctx, value)):
                if not re.search(r"(?i)mask|redact|hash|fingerprint|public", text(ctx, value)):
                    return f"{name}: {text(ctx, value)[:60]}", kind
                continue
            found = _exposed(ctx, value, depth + 1) if not kind else None
        else:
            found = _exposed(ctx, kid, depth + 1)
        if found:
            return found
    return None


def _route_functions(ctx: FileContext) -> list:
    out = []
    for d in nodes(ctx, "decorated_definition"):
        fn = d.child_by_field_name("definition")
        if (
            fn is not None
            and fn.type == "function_definition"
            and any(ROUTE.match(decorator_text(ctx, c)) for c in d.children if c.type == "decorator")
        ):
            out.append(fn)
    return out


@file_rule(
    id="DWA-427",
    title="Key material sent to a peer or returned to a caller (Python)",
    category="secret-logging",  # the taxonomy's secret-disclosure category (its eval fixtures plant three per category)
    severity="high",
    cwe=(201, 200),
    languages=("python",),
)
def key_material_disclosed(ctx: FileContext) -> Iterable[Hit]:
    """A private key, master key, shared secret or HMAC/signing/encryption key (by name, or produced by
    `private_bytes(...)`, followed through `b64encode`/`.hex()` and one local) sent through a socket,
    connection, WebSocket, transport or asyncio stream writer (CWE-201); or such a value, or a password,
    returned by a route (`@app.get`, `@router.post`...) or put in a response built with `jsonify`,
    `JSONResponse`, `web.json_response`... directly or as a member (`{"private_key": key}`) (CWE-200).

    Not raised: public keys, key ids, hashes, fingerprints, encrypted/wrapped forms (by name), tokens and
    API keys (issued to callers by design), a client sending its own password to log in, file writes.
    Logging the same values is DWA-412."""
    if not re.search(r"(?i)key|secret|password|passwd|passphrase", ctx.text):
        return
    asyncio_streams = re.search(r"\b(?:open_connection|start_server|StreamWriter)\b", ctx.text) is not None
    reported: list[tuple[int, int]] = []  # one finding per answer: a return and the jsonify inside it are one
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if not obj:
            continue
        if name in NET_SENDS and (NET_RECEIVER.search(obj) or asyncio_streams and STREAM_WRITER.search(obj)):
            response = obj.endswith("wfile")
            for arg in positional(call)[:2]:
                found = _exposed(ctx, arg)
                if found and (found[1] == "key material" or response):
                    reported.append((call.start_byte, call.end_byte))
                    yield hit(call, f"{found[1]} `{found[0]}` sent through `{obj}` via `{name}`: the peer receives the secret", max_lines=3)
                    break
    answers = [
        r
        for fn in _route_functions(ctx)
        for r in descendants(fn.child_by_field_name("body"), "return_statement", stop=("function_definition", "lambda"))
    ]
    answers += [c for c in nodes(ctx, "call") if call_name(ctx, c)[1] in RESPONSE_BUILDERS]
    for node in answers:
        if any(a < node.end_byte and node.start_byte < b for a, b in reported):
            continue
        value = node.named_children[0] if node.type == "return_statement" and node.named_children else node if node.type == "call" else None
        found = _exposed(ctx, value)
        if found:
            reported.append((node.start_byte, node.end_byte))
            yield hit(node, f"{found[1]} `{found[0]}` returned to the HTTP caller: whoever calls the route receives the secret", max_lines=3)
