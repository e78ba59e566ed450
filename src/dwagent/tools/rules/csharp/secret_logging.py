"""Secrets written to logs in C# (DWA-111): a password, token or key passed to a logger."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.flow import TRUST_WORDS, strongest
from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.interproc import local_initialiser
from dwagent.tools.rules.key_material import ENCODERS
from dwagent.tools.rules.names import is_secret_name, produces_secret
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import arguments, callee, camel_words, descendants, hit, interpolations, mentions, name_of, nodes, text, unwrap

LOG_METHODS = frozenset(
    {
        "LogTrace",
        "LogDebug",
        "LogInformation",
        "LogWarning",
        "LogError",
        "LogCritical",
        "Log",
        "Trace",
        "Debug",
        "Info",
        "Information",
        "Warn",
        "Warning",
        "Error",
        "Fatal",
        "Verbose",
        "TraceInformation",
        "TraceWarning",
        "TraceError",
        "WriteLine",
        "Write",
    }
)
LOG_RECEIVER = re.compile(r"(?i)(log|logger|console|trace|debug|_log|audit)$")
SAFE_WRAPPERS = re.compile(r"(?i)mask|redact|hash|obfuscat|sanitiz|truncat|fingerprint|length|count|isnull")


def _holds_produced_secret(ctx: FileContext, ident) -> bool:
    """A local initialised with fresh secret material (`var raw = Convert.ToBase64String(
    RandomNumberGenerator.GetBytes(32))`, `var value = keys.CreateApiKey()`), whatever its name."""
    return _produced(ctx, local_initialiser(ctx, ident))


def _produced(ctx: FileContext, value) -> bool:
    """`value` is fresh secret material, an encoding of it, or a string built around it
    (`"sdk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24))`, `$"sk_{NewApiKey()}"`)."""
    if value is None:
        return False
    value = unwrap(value)
    if value.type == "binary_expression" and text(ctx, value.child_by_field_name("operator")) == "+":
        return _produced(ctx, value.child_by_field_name("left")) or _produced(ctx, value.child_by_field_name("right"))
    if value.type == "interpolated_string_expression":
        return any(_produced(ctx, e) for e in interpolations(value))
    if value.type != "invocation_expression":
        return False
    recv, name = callee(ctx, value)
    if produces_secret(f"{recv}.{name}" if recv else name):
        return True
    if name in ("ToBase64String", "ToHexString", "ToHexStringLower", "GetString") and arguments(value):
        return _produced(ctx, arguments(value)[0])  # an encoding of the material is the material
    return False


# `"user:" + id`, `$"ip:{address}"`: a literal `word:` prefix in front of an identifier
_KEY_PREFIX = re.compile(r'^\$?"[A-Za-z][\w.-]*:')


def _composed_lookup_key(ctx: FileContext, ident) -> bool:
    """A local initialised by a call to a method of this file whose every `return` is a string
    composed as `"<kind>:" + id` (`$"user:{userId}"`, `$"ip:{ip}"`): a dictionary or rate-limit
    key naming who the caller is, not a credential (`clientKey`, `cacheKey`)."""
    value = local_initialiser(ctx, ident)
    if value is None or unwrap(value).type != "invocation_expression":
        return False
    _recv, name = callee(ctx, unwrap(value))
    for m in nodes(ctx, "method_declaration"):
        if name_of(ctx, m) != name:
            continue
        returns = [unwrap(r.named_children[0]) for r in descendants(m, "return_statement") if r.named_children]
        body = m.child_by_field_name("body")
        if body is None and m.child_by_field_name("arrow") is None:
            continue
        return bool(returns) and all(r.type == "interpolated_string_expression" and _KEY_PREFIX.match(text(ctx, r)) for r in returns)
    return False


# names that say the value is a part, a disguise or a digest of the secret
PARTIAL_WORDS = frozenset(
    {"masked", "mask", "truncated", "redacted", "hashed", "hash", "prefix", "hint", "last4", "fingerprint", "obfuscated", "partial", "preview"}
)


def _secret_args(ctx: FileContext, call) -> list:
    """Secret-named values (their nodes) passed to a log call directly, interpolated, or concatenated."""
    out = []
    stack = list(arguments(call))
    while stack:
        expr = unwrap(stack.pop())
        if expr.type in ("identifier", "member_access_expression"):
            name = text(ctx, expr).split(".")[-1]
            if set(camel_words(name)) & PARTIAL_WORDS:
                continue  # `truncatedSecret`, `maskedToken`: a part or a disguise, not the value
            if expr.type == "identifier" and _composed_lookup_key(ctx, expr):
                continue  # `clientKey = GetClientKey(ctx)` returning `$"user:{id}"`: a lookup key, not a secret
            if is_secret_name(name) or expr.type == "identifier" and _holds_produced_secret(ctx, expr):
                out.append(expr)
        elif expr.type == "interpolated_string_expression":
            stack.extend(interpolations(expr))
        elif expr.type == "binary_expression" and text(ctx, expr.child_by_field_name("operator")) == "+":
            stack.extend(side for side in (expr.child_by_field_name("left"), expr.child_by_field_name("right")) if side is not None)
        elif expr.type == "invocation_expression" and callee(ctx, expr)[1] in ENCODERS:
            # `Convert.ToBase64String(masterKey)` is the key in another alphabet
            fn = expr.child_by_field_name("function")
            stack.extend(arguments(expr)[:1])
            inner = fn.child_by_field_name("expression") if fn is not None and fn.type == "member_access_expression" else None
            if inner is not None and callee(ctx, expr)[1] != "GetString":
                stack.append(inner)
        # other calls (Mask(x), x.Length, Hash(x)) and conditions (x != null) are not the secret itself
    return sorted({text(ctx, e): e for e in out}.items())


def _log_severity(ctx: FileContext, leaked) -> tuple[str, str]:
    """High when a logged secret is shown to come from request data (every caller's credential
    lands in the log); otherwise medium, and the message says where the value comes from."""
    flows = flows_for(ctx)
    best = strongest(o for _, e in leaked for o in flows.origins(e, "all"))
    if best is not None and best.trust == "untrusted":
        return "high", f": {TRUST_WORDS['untrusted']} `{best.label}`, so every caller's credential is retained"
    origin = f"{TRUST_WORDS[best.trust]} `{best.label}`" if best is not None else "the code's own value"
    return "medium", f" (medium: {origin}; no request data shown reaching it, exposure needs access to the logs)"


@file_rule(
    id="DWA-111",
    title="Secret written to a log",
    category="secret-logging",
    severity="medium",
    cwe=(532,),
    languages=("csharp",),
)
def secret_in_log(ctx: FileContext) -> Iterable[Hit]:
    """A password, token, API key or other secret passed to a logger or console/trace writer
    (as an argument, an interpolation hole or a concatenated operand), including a local of any
    name initialised with fresh secret material (`RandomNumberGenerator.GetBytes`, a
    `CreateApiKey()`-style producer). Logs are retained, shipped
    and read by people who must not hold credentials. Masked, hashed, truncated or length-only
    values (by the call that makes them or by their name: `maskedToken`, `truncatedSecret`,
    `keyPrefix`) and `CancellationToken`s are not secrets and are not reported.

    Severity follows the value's source (data-flow core): high when request data (a caller's
    password or token) is shown reaching the log call; medium otherwise (the service's own key,
    a parameter, object state: reading it needs access to the logs), with the source in the message.
    """
    if not mentions(ctx, "log", "console", "trace", "debug"):
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name not in LOG_METHODS:
            continue
        if name in (
            "WriteLine",
            "Write",
            "Debug",
            "Trace",
            "Error",
            "Info",
            "Warn",
            "Warning",
            "Fatal",
            "Verbose",
            "Information",
            "Log",
        ) and not LOG_RECEIVER.search(recv.split(".")[-1] or ""):
            continue
        leaked = _secret_args(ctx, call)
        if leaked:
            sev, why = _log_severity(ctx, leaked)
            yield hit(call, f"`{', '.join(t for t, _ in leaked)}` written to a log via `{name}`{why}", severity=sev, max_lines=3)
