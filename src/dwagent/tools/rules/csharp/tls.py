"""TLS certificate-validation bypasses in C#: accept-any callbacks, bypass flags, plaintext gRPC."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.bypass_guard import guard_severity
from dwagent.tools.rules.csharp.guards import bypass_guard
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    camel_words,
    hit,
    member_body,
    mentions,
    name_of,
    nodes,
    string_value,
    text,
    unwrap,
)

CALLBACK_PROPERTIES = (
    "ServerCertificateCustomValidationCallback",
    "RemoteCertificateValidationCallback",
    "ServerCertificateValidationCallback",
    "CertificateValidationCallback",
    "ClientCertificateValidation",
)
ACCEPT_ANY_MEMBERS = ("DangerousAcceptAnyServerCertificateValidator",)
# Constructors whose 3rd positional argument is a certificate validation callback.
CALLBACK_CTORS = {"SslStream": 2}

_PREFILTER = re.compile(r"Certificate|Callback|Validat")


def _always_true(ctx: FileContext, fn) -> bool:
    """A lambda/anonymous method/method whose every return yields literal true (and has one)."""
    body = fn.child_by_field_name("body") if fn.type != "method_declaration" else member_body(fn)
    if body is None:
        for c in fn.named_children:
            if c.type in ("block", "boolean_literal"):
                body = c
    if body is None:
        return False
    if body.type == "arrow_expression_clause":
        body = body.named_children[0] if body.named_children else None
    if body is None:
        return False
    body = unwrap(body)
    if body.type == "boolean_literal":
        return text(ctx, body) == "true"
    if body.type != "block":
        return False
    returns = []
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "return_statement":
            returns.append(n)
        elif n.type in ("lambda_expression", "anonymous_method_expression", "local_function_statement"):
            continue
        stack.extend(n.named_children)
    if not returns:
        return False
    for r in returns:
        val = [c for c in r.named_children if c.type != "comment"]
        if not val or text(ctx, unwrap(val[0])) != "true":
            return False
    # throwing on some path means it does validate something
    return "throw" not in text(ctx, body)


def _option_guard(ctx: FileContext, fn) -> str:
    """For `(..., errors) => opts.AllowX || errors == SslPolicyErrors.None`: the option name."""
    body = fn.child_by_field_name("body")
    if body is None or unwrap(body).type != "binary_expression":
        return ""
    b = unwrap(body)
    if text(ctx, b.child_by_field_name("operator")) != "||":
        return ""
    operands = [unwrap(b.child_by_field_name("left")), unwrap(b.child_by_field_name("right"))]
    plain = [o for o in operands if o.type in ("identifier", "member_access_expression")]
    checks = [o for o in operands if "None" in text(ctx, o) or o.type == "invocation_expression"]
    if plain and checks:
        return text(ctx, plain[0]).split(".")[-1]
    return ""


def _resolve_method(ctx: FileContext, name: str):
    simple = name.split(".")[-1]
    for m in nodes(ctx, "method_declaration"):
        if name_of(ctx, m) == simple:
            return m
    for fn in nodes(ctx, "variable_declarator"):  # Func<...> fields/locals holding a lambda
        if name_of(ctx, fn) == simple:
            vals = [c for c in fn.named_children if c.type in ("lambda_expression", "anonymous_method_expression")]
            if vals:
                return vals[0]
    return None


def _accepts_any(ctx: FileContext, expr) -> tuple[bool, str]:
    """(accepts any certificate?, option name guarding it inside the callback)."""
    expr = unwrap(expr)
    if expr.type in ("lambda_expression", "anonymous_method_expression"):
        if _always_true(ctx, expr):
            return True, ""
        opt = _option_guard(ctx, expr)
        return bool(opt), opt
    if expr.type == "object_creation_expression":  # new RemoteCertificateValidationCallback(M)
        args = arguments(expr)
        return _accepts_any(ctx, args[0]) if len(args) == 1 else (False, "")
    if expr.type in ("identifier", "member_access_expression"):
        if text(ctx, expr).split(".")[-1] in ACCEPT_ANY_MEMBERS:
            return True, ""
        target = _resolve_method(ctx, text(ctx, expr))
        if target is not None and target.type == "method_declaration":
            return _always_true(ctx, target), ""
        if target is not None:
            return _accepts_any(ctx, target)
    return False, ""


@file_rule(
    id="DWA-101",
    title="TLS certificate validation callback accepts any certificate",
    category="tls-bypass",
    severity="critical",
    cwe=(295,),
    languages=("csharp",),
)
def accept_any_certificate(ctx: FileContext) -> Iterable[Hit]:
    """A server/remote certificate validation callback that returns true for every certificate
    (a lambda or anonymous method returning `true`, a method group or named method whose every
    return is `true`, or `HttpClientHandler.DangerousAcceptAnyServerCertificateValidator`) turns
    TLS into unauthenticated encryption: any man in the middle is accepted.

    Severity follows the guard, read with its polarity (`if (!verifySsl)` is the branch taken when
    the verify option is false): critical when unconditional or behind an option whose default
    turns the bypass on; low when an opt-out option's default keeps validation on (the option's
    property/field initialiser, looked up in the same file and then across the index) or when
    only development/debug builds reach it; medium behind an environment variable or an option
    whose default is not found. A condition that is no opt-out (`if (useTls)`, a connection-state
    or protocol check) lowers critical to high only: the bypass runs whenever that path does.
    Test code is excluded.
    """
    if not _PREFILTER.search(ctx.text):
        return
    seen: set[int] = set()
    for a in nodes(ctx, "assignment_expression"):
        left = a.child_by_field_name("left")
        prop = text(ctx, left).split(".")[-1]
        if prop not in CALLBACK_PROPERTIES:
            continue
        ok, opt = _accepts_any(ctx, a.child_by_field_name("right"))
        if ok:
            seen.add(a.start_byte)
            yield _report(ctx, a, prop, opt)
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        idx = CALLBACK_CTORS.get(typ)
        args = arguments(new)
        if idx is not None and len(args) > idx:
            ok, opt = _accepts_any(ctx, args[idx])
            if ok:
                yield _report(ctx, new, typ, opt)
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m.child_by_field_name("name")) in ACCEPT_ANY_MEMBERS:
            a = m.parent
            if a is not None and a.type == "assignment_expression" and a.start_byte in seen:
                continue
            yield _report(ctx, m, "DangerousAcceptAnyServerCertificateValidator", "")


def _report(ctx: FileContext, node, what: str, option: str) -> Hit:
    sev, why, props = guard_severity(bypass_guard(ctx, node, option), "critical")
    return hit(node, f"`{what}` accepts any server certificate{why}", severity=sev, max_lines=3, properties=props)


_BYPASS_WORDS = {
    "any",
    "all",
    "skip",
    "disable",
    "disabled",
    "ignore",
    "bypass",
    "insecure",
    "invalid",
    "untrusted",
    "trust",
    "accept",
    "dangerous",
    "self",
    "unsafe",
}
_VALIDATE_WORDS = {"validate", "verify", "check", "require", "enforce", "validation", "verification"}
_TLS_WORDS = {"cert", "certs", "certificate", "certificates", "ssl", "tls", "hostname"}
# pinning is an extra check on top of chain validation: turning it off leaves validation on
_NOT_TLS = {"revocation", "crl", "client", "metadata", "chain", "expiry", "expiration", "pinning", "pin", "pinned"}


_TLS_NAME = re.compile(r"(?i)cert|ssl|tls|hostname")


def flag_bypass_value(name: str) -> str | None:
    """'true' if setting `name = true` disables certificate validation, 'false' if setting it to
    false does, None when the name is not such a flag."""
    if not _TLS_NAME.search(name):
        return None
    words = set(camel_words(name))
    if not words & _TLS_WORDS or words & _NOT_TLS:
        return None
    if words & _BYPASS_WORDS:
        return "true"
    if words & _VALIDATE_WORDS:
        return "false"
    return None


# Initializer members that name the server a connection goes to.
SERVER_MEMBERS = frozenset({"DataSource", "Server", "Host", "HostName", "Hostname", "Address", "Endpoint"})
LOOPBACK = re.compile(r"(?i)^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|\(local\)|\.)$")


def _local_peer(ctx: FileContext, assignment) -> str:
    """The literal server of the same object initializer when it is loopback or a single-label
    name (`tcp:mssql,1433`: a container or LAN service name); '' otherwise."""
    init = assignment.parent
    if init is None or init.type != "initializer_expression":
        return ""
    for sibling in init.named_children:
        if sibling.type != "assignment_expression":
            continue
        if text(ctx, sibling.child_by_field_name("left")).split(".")[-1] not in SERVER_MEMBERS:
            continue
        value = string_value(ctx, sibling.child_by_field_name("right"))
        if value is None:
            return ""
        host = re.sub(r"^(tcp|np|lpc):", "", value.strip(), flags=re.I)
        host = re.split(r"[,\\]", host)[0]
        host = host.split("://")[-1].split("/")[0]
        if not host.startswith("["):
            host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if LOOPBACK.match(host) or re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", host):
            return host
        return ""
    return ""


@file_rule(
    id="DWA-102",
    title="Certificate validation disabled by a flag",
    category="tls-bypass",
    severity="high",
    cwe=(295,),
    languages=("csharp",),
)
def bypass_flag(ctx: FileContext) -> Iterable[Hit]:
    """A setting such as `ValidateAnyCertificate = true`, `TrustServerCertificate = true`,
    `IgnoreSslErrors = true` or `VerifyServerCertificate = false` switches certificate validation
    off. Reported where the flag is set (assignment, object initializer, named argument, or the
    default value of the option itself). An assignment is judged by its guard like DWA-101 (high
    when unconditional or when the condition is no opt-out, e.g. "the scheme is ftps"; low behind
    an opt-out option that defaults to validating or in development only; medium behind an
    environment variable or an unresolved option; medium when the same initializer names a literal
    loopback or single-label server, `DataSource = "tcp:db,1433"`: a local or container network
    peer, where an attacker needs a foothold on that network first). Revocation and client-certificate flags are
    out of scope, and so are pinning flags (pinning adds to chain validation; off is the default
    of every TLS stack).
    """
    if not mentions(ctx, "cert", "ssl", "tls", "hostname"):
        return
    for a in nodes(ctx, "assignment_expression"):
        name = text(ctx, a.child_by_field_name("left")).split(".")[-1]
        right = unwrap(a.child_by_field_name("right"))
        if right is not None and right.type == "boolean_literal":
            bad = flag_bypass_value(name)
            if bad and text(ctx, right) == bad:
                sev, why, props = guard_severity(bypass_guard(ctx, a), "high")
                host = _local_peer(ctx, a)
                if sev == "high" and host:
                    sev, why = "medium", f" (medium: the server `{host}` is a loopback or single-label host, a local or container network peer)"
                yield hit(a, f"`{name} = {bad}` disables certificate validation{why}", severity=sev, properties=props)
    for arg in nodes(ctx, "argument"):
        label = arg.child_by_field_name("name")
        val = unwrap(arg.named_children[-1]) if arg.named_children else None
        if label is not None and val is not None and val.type == "boolean_literal":
            bad = flag_bypass_value(text(ctx, label))
            if bad and text(ctx, val) == bad:
                yield hit(arg, f"named argument `{text(ctx, label)}: {bad}` disables certificate validation")
    for prop in nodes(ctx, "property_declaration"):
        init = [c for c in prop.named_children if c.type == "boolean_literal"]
        bad = flag_bypass_value(name_of(ctx, prop))
        if init and bad and text(ctx, init[-1]) == bad:
            yield hit(init[-1], f"option `{name_of(ctx, prop)}` defaults to {bad}: certificate validation is off by default")
    for decl in nodes(ctx, "variable_declarator"):
        init = [c for c in decl.named_children if c.type == "boolean_literal"]
        bad = flag_bypass_value(name_of(ctx, decl))
        if init and bad and text(ctx, init[-1]) == bad:
            yield hit(decl, f"`{name_of(ctx, decl)}` is initialised to {bad}: certificate validation is off")


_LOOPBACK = re.compile(r"^https?://(localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0)([:/]|$)", re.I)


@file_rule(
    id="DWA-103",
    title="gRPC channel or server without transport security",
    category="tls-bypass",
    severity="high",
    cwe=(319,),
    languages=("csharp",),
)
def insecure_grpc(ctx: FileContext) -> Iterable[Hit]:
    """gRPC traffic in cleartext: `ChannelCredentials.Insecure` / `ServerCredentials.Insecure`,
    `GrpcChannel.ForAddress("http://remote-host")`, or the
    `Http2UnencryptedSupport` switch turned on. Loopback addresses are not reported (a local
    sidecar is a deliberate design), nor are channels built from configuration. Insecure
    credentials in the branch of a TLS option that defaults to on (`if (useTls) ... else
    Insecure`) or in development only are low; an unresolved option is medium.
    """
    if not re.search(r"Insecure|ForAddress|Http2UnencryptedSupport", ctx.text):
        return
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m.child_by_field_name("name")) == "Insecure" and text(ctx, m.child_by_field_name("expression")).split(".")[-1] in (
            "ChannelCredentials",
            "ServerCredentials",
        ):
            sev, why, props = guard_severity(bypass_guard(ctx, m), "high")
            why = "" if why == " unconditionally" else why
            yield hit(m, f"`{text(ctx, m)}`: gRPC without TLS{why}", severity=sev, properties=props)
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        args = arguments(call)
        if name == "ForAddress" and recv.endswith("GrpcChannel") and args:
            url = string_value(ctx, args[0])
            if url and url.lower().startswith("http://") and not _LOOPBACK.match(url):
                yield hit(call, f"gRPC channel to `{url}` over plaintext HTTP")
        elif name == "SetSwitch" and len(args) >= 2:
            key = string_value(ctx, args[0]) or ""
            if key.endswith("Http2UnencryptedSupport") and text(ctx, args[1]) == "true":
                yield hit(call, "HTTP/2 unencrypted support switched on (cleartext gRPC)")
