"""Network entry points without authentication: raw listeners that dispatch commands, and
controllers / SignalR hubs with actions that carry no authorization attribute (C#)."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import PRIVILEGED_ACTION
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    attributes,
    camel_words,
    enclosing_type,
    hit,
    line,
    modifiers,
    name_of,
    nodes,
    text,
)

LISTENER_TYPES = ("TcpListener", "HttpListener", "UdpClient")
RECEIVE = re.compile(
    r"\b(AcceptTcpClient|AcceptTcpClientAsync|AcceptSocket|AcceptAsync|Accept|GetContext|"
    r"GetContextAsync|Receive|ReceiveAsync|BeginAccept\w*|ReadLine|ReadLineAsync)\b"
)
DISPATCH = re.compile(
    r"\bswitch\b|(?i:dispatch|handlers?\s*\[|handlers?\.TryGetValue|execute\w*command|"
    r"command\w*\s*=|\bcommands?\b)"
)
AUTH = re.compile(
    r"(?i)authenticat|authoriz|\bauth\w*|token|api_?key|signature|hmac|credential|password|"
    r"challenge|SslStream|certificate|IsAuthenticated|secret"
)
FRAMEWORK_CONTROLLER_BASES = ("Controller", "ControllerBase", "ApiController", "ODataController")
AUTH_ATTRS = ("Authorize", "AllowAnonymous")
# A cancellation token stops a loop; it authenticates nobody. Its type, the names declared with that
# type and the conventional names are blanked before AUTH looks for an authentication step.
CANCEL_TYPE = re.compile(r"\bCancellationToken(?:Source)?\s+(\w+)")
CANCEL_NAMES = re.compile(
    r"\b\w*CancellationToken\w*\b|\b\w*[Cc]ancel\w*Token\w*\b|\bstopping[Tt]oken\b|\bct\b|"
    r"\bcts\b"
)


def without_cancellation_tokens(body: str) -> str:
    """`body` with cancellation tokens (their type, declared names, conventional names) blanked."""
    declared = {m.group(1) for m in CANCEL_TYPE.finditer(body)}
    if declared:
        body = re.sub(r"\b(" + "|".join(sorted(map(re.escape, declared))) + r")\b", " ", body)
    return CANCEL_NAMES.sub(" ", body)


def _attribute_text(ctx: FileContext, decl) -> str:
    return " ".join(text(ctx, c) for c in decl.children if c.type == "attribute_list")


# Operational endpoints that load balancers, monitors and browsers call anonymously by design:
# liveness/readiness probes, heartbeats, metrics scrapes, the server's version or clock, error
# pages and static assets. Matched on the action name and its route words; "status" is not here
# (a status can be a tenant's data).
OPERATIONAL_WORDS = frozenset(
    {
        "alive",
        "health",
        "healthz",
        "healthcheck",
        "live",
        "liveness",
        "livez",
        "ready",
        "readiness",
        "readyz",
        "ping",
        "heartbeat",
        "metrics",
        "version",
        "now",
        "error",
        "favicon",
        "robots",
        "static",
    }
)


_NAME_FILLER = frozenset({"installed", "latest", "server", "web", "api", "check", "probe"})


def operational_action(ctx: FileContext, method) -> bool:
    """An action whose name words, or whose route words, all mark a probe/metrics/version/error/
    static endpoint (`GetAlive` on `[HttpGet("~/alive")]`, `Error` on `[Route("/error")]`)."""
    name_words = set(camel_words(name_of(ctx, method))) - {"get", "async"}
    if name_words & OPERATIONAL_WORDS and name_words <= OPERATIONAL_WORDS | _NAME_FILLER:
        return True
    routes = " ".join(re.findall(r'"([^"]*)"', _attribute_text(ctx, method)))
    route_words = {w for part in re.split(r"[^A-Za-z0-9]+", routes) for w in camel_words(part)}
    return bool(route_words) and route_words <= OPERATIONAL_WORDS | {"api"}


SELF_CHECK = re.compile(
    r"\b(Unauthorized|Forbid|Challenge)\s*\(|StatusCodes\.Status40[13]|"
    # a caller-supplied key checked against a configured one: a webhook's shared secret
    r"\bFixedTimeEquals\s*\(|\b(?:Verify|Validate)\w*Signature\s*\("
)
# Sign-in, sign-out, registration and SSO hand-shake actions: they exist to authenticate the caller,
# so they cannot require it. Named so, or living in a controller named for the flow.
AUTH_FLOW_WORDS = frozenset(
    {
        "login",
        "logout",
        "logon",
        "logoff",
        "signin",
        "signout",
        "prelogin",
        "register",
        "registration",
        "signup",
        "sso",
        "saml",
        "oidc",
        "callback",
        "prevalidate",
        "webauthn",
        # confirming an e-mail address is a step of signing up: the caller has no account yet
        "verification",
    }
)
# a controller named for signing in serves nothing else (its Index/Confirm are steps of the flow)
SIGN_IN_CLASS_WORDS = frozenset({"login", "logon", "signin", "sso", "saml", "oidc"})


def _flow_words(name: str) -> set[str]:
    """Words of a name plus joined neighbours, so `SignIn` also reads as `signin`."""
    words = camel_words(name)
    return set(words) | {a + b for a, b in zip(words, words[1:])}


# HTTP verbs that read; an action carrying only these changes nothing by contract (the graph rule
# DWA-360 follows the action's calls and reports one that still reaches a state change)
READ_VERBS = frozenset({"HttpGet", "HttpHead", "HttpOptions"})
# a read that hands out bulk data or secrets is not harmless because its verb is GET
BULK_READ = re.compile(r"(?i)export|dump|download|backup|secret|credential|password|private|apikey|token|keys\b")


# the name of an action routed by no verb attribute that says it changes something
CHANGE_NAME = re.compile(r"^(?:Post|Put|Patch|Delete|Create|Add|Update|Remove|Set|Save|Reset|Enable|Disable|Toggle|Import|Upload|Run|Execute|Purge)")


def _no_change_evidence(ctx: FileContext, method) -> bool:
    """Nothing about the action says it changes state: it is routed only for reading verbs (and does
    not hand out bulk data or secrets), or routed by no verb with a name that does not say it writes."""
    verbs = {a for a in attributes(ctx, method) if a.startswith("Http")}
    name = name_of(ctx, method)
    if BULK_READ.search(name + " " + _attribute_text(ctx, method)):
        return False
    return verbs <= READ_VERBS if verbs else not CHANGE_NAME.match(name)


# attributes that confine a controller to non-production environments
ENV_ONLY_ATTRIBUTE = re.compile(r"(?i)environment|development|localonly|loopback|debugonly")


@file_rule(
    id="DWA-180",
    title="Raw network listener dispatches commands without authentication",
    category="unauthenticated-endpoint",
    severity="high",
    confidence="medium",
    cwe=(306,),
    languages=("csharp",),
)
def raw_listener(ctx: FileContext) -> Iterable[Hit]:
    """A `TcpListener`, `HttpListener` or bound `UdpClient` whose class receives data and dispatches
    it (a `switch` on the message, a handler table, command parsing) with no sign of an
    authentication step anywhere in the class (tokens, API keys, signatures, HMACs, credentials,
    TLS client certificates, `IsAuthenticated`). Anyone who can reach the port can issue commands.
    A cancellation token (`CancellationToken ct`, `stoppingToken`) is not an authentication step.
    """
    if not re.search(r"TcpListener|HttpListener|UdpClient", ctx.text):
        return
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        if typ not in LISTENER_TYPES:
            continue
        if typ == "UdpClient" and not arguments(new):
            continue  # an unbound client sends; it does not listen
        owner = enclosing_type(new)
        body = text(ctx, owner) if owner is not None else ctx.text
        if RECEIVE.search(body) and DISPATCH.search(body) and not AUTH.search(without_cancellation_tokens(body)):
            yield hit(new, f"`{typ}` receives and dispatches commands with no authentication step", max_lines=1)


def _bases(ctx: FileContext, cls) -> list[str]:
    for c in cls.named_children:
        if c.type == "base_list":
            return [re.sub(r"<.*", "", text(ctx, b)).split(".")[-1] for b in c.named_children]
    return []


@file_rule(
    id="DWA-181",
    title="Controller or hub actions without authentication",
    category="unauthenticated-endpoint",
    severity="high",
    confidence="medium",
    cwe=(306,),
    languages=("csharp",),
)
def missing_authorization(ctx: FileContext) -> Iterable[Hit]:
    """An ASP.NET Core controller (derives from `Controller`/`ControllerBase` or is marked
    `[ApiController]`) or a SignalR hub (derives from `Hub`/`Hub<T>`) with public actions that
    carry neither `[Authorize]` nor `[AllowAnonymous]`, and no `[Authorize]`/`[AllowAnonymous]` on
    the class. `[AllowAnonymous]` is read as an explicit decision and not reported.

    Classes deriving from a project-specific base are skipped (the base may carry
    `[Authorize]`), and so are actions that reject callers themselves (`return Unauthorized()`,
    `Forbid()`, `Challenge()`), and operational actions that are anonymous by design: liveness and
    readiness probes, heartbeats, metrics, the server's version or time, error pages and static
    files (named so, or routed so: `GetAlive` on `~/alive`), and actions that compare a
    caller-supplied key in fixed time or verify a signature (webhooks with a shared secret).
    Sign-in, sign-out, registration and SSO hand-shake actions (named so, or in a controller named
    for signing in) must be anonymous: when they are all that is open, one low note says so. A
    controller confined to non-production environments by an attribute is low. A global
    authorization policy configured at start-up is not visible to this per-file rule, hence
    medium confidence.

    Severity follows what the open actions can do. High: a hub (every hub method is a remote call),
    or an open action routed for a state-changing verb (`[HttpPost]`, `[HttpPut]`, `[HttpDelete]`,
    `[HttpPatch]`), named for a change when it is routed by no verb (`Delete...`, `Create...`), or
    handing out bulk data or secrets (`export`, `backup`, `keys`). Medium: every open action is a
    GET/HEAD/OPTIONS read (a client configuration document, an icon, a lookup) or a public method
    routed by no verb whose name says nothing of writing: no evidence of a change. Whether such an
    action still reaches a state change through its calls is DWA-360's question (the code graph
    follows each unauthenticated action to the writes it reaches and reports the hop path).
    """
    if not re.search(r"Controller|Hub", ctx.text):
        return
    for cls in nodes(ctx, "class_declaration"):
        attrs = attributes(ctx, cls)
        bases = _bases(ctx, cls)
        is_hub = "Hub" in bases
        is_controller = bool(set(bases) & set(FRAMEWORK_CONTROLLER_BASES)) or "ApiController" in attrs
        if not (is_hub or is_controller) or attrs & set(AUTH_ATTRS) or "abstract" in modifiers(ctx, cls):
            continue
        if bases and not (set(bases) & set(FRAMEWORK_CONTROLLER_BASES) or is_hub):
            continue
        body = cls.child_by_field_name("body")
        sign_in_class = bool(_flow_words(name_of(ctx, cls)) & SIGN_IN_CLASS_WORDS)
        open_actions, auth_flow, reads = [], [], []  # reads: open actions with no evidence of a change
        for m in body.named_children if body is not None else ():
            if m.type != "method_declaration":
                continue
            mods = modifiers(ctx, m)
            if "public" not in mods or mods & {"static", "override", "abstract"}:
                continue
            if attributes(ctx, m) & {*AUTH_ATTRS, "NonAction"}:
                continue
            if SELF_CHECK.search(text(ctx, m)):
                continue  # the action authenticates the caller itself (API key, signature...)
            if operational_action(ctx, m):
                continue  # health/metrics/version/error/static: anonymous by design, no data
            if sign_in_class or _flow_words(name_of(ctx, m)) & AUTH_FLOW_WORDS:
                auth_flow.append(name_of(ctx, m))
                continue
            open_actions.append(name_of(ctx, m))
            if not is_hub and _no_change_evidence(ctx, m):
                reads.append(name_of(ctx, m))
        kind = "hub" if is_hub else "controller"
        name_node = cls.child_by_field_name("name")
        env_only = any(ENV_ONLY_ATTRIBUTE.search(a) for a in attributes(ctx, cls))
        if open_actions:
            shown = ", ".join(open_actions[:6]) + (" ..." if len(open_actions) > 6 else "")
            msg = f"{kind} `{name_of(ctx, cls)}` exposes {len(open_actions)} action(s) with no [Authorize]: {shown}"
            if env_only:
                yield Hit(
                    line(name_node),
                    line(name_node),
                    msg + " (the controller is confined to non-production environments by an attribute)",
                    severity="low",
                )
            elif len(reads) < len(open_actions):
                yield Hit(line(name_node), line(name_node), msg)
            else:
                # every open action is a GET/HEAD/OPTIONS read or a public method routed by no verb whose
                # name says nothing of writing: no evidence of a change, so not high
                yield Hit(
                    line(name_node),
                    line(name_node),
                    msg + " (read-only by HTTP verb, or routed by no verb: no evidence the action changes state; "
                    "DWA-360 reports one whose calls reach a state change)",
                    severity="medium",
                )
        elif auth_flow:
            shown = ", ".join(auth_flow[:6]) + (" ..." if len(auth_flow) > 6 else "")
            yield Hit(
                line(name_node),
                line(name_node),
                f"{kind} `{name_of(ctx, cls)}` serves sign-in/registration actions anonymously by necessity "
                f"({shown}); check throttling and what they reveal",
                severity="low",
            )


STATE_CHANGING = frozenset({"HttpDelete", "HttpPost", "HttpPut", "HttpPatch"})
_ROLE_ARG = re.compile(r"\bAuthorize(Attribute)?\s*\((?=[^)]*\b(Roles|Policy)\s*=|\s*\"|\s*[A-Z]\w*\.)")


@file_rule(
    id="DWA-182",
    title="State-changing action needs only a signed-in user where siblings require a role",
    category="missing-authorization",
    severity="high",
    confidence="medium",
    cwe=(862,),
    languages=("csharp",),
)
def roleless_state_change(ctx: FileContext) -> Iterable[Hit]:
    """In a controller where some actions require a role or policy (`[Authorize(Roles = ...)]`,
    `[Authorize(Policy = ...)]`), a state-changing action (`[HttpDelete]`, `[HttpPut]`,
    `[HttpPatch]`, or an `[HttpPost]` whose name or route is a privileged action such as reset,
    refund, import, archive, purge) protected only by a plain `[Authorize]` (on itself or the class)
    lets any signed-in user perform it. The sibling's requirement shows the team knows the action
    class needs authorization; this one was missed. Read-only actions are not reported.
    """
    if "Authorize" not in ctx.text:
        return
    for cls in nodes(ctx, "class_declaration"):
        body = cls.child_by_field_name("body")
        if body is None or _ROLE_ARG.search(_attribute_text(ctx, cls)):
            continue
        methods = [m for m in body.named_children if m.type == "method_declaration" and "public" in modifiers(ctx, m)]
        guarded = [m for m in methods if _ROLE_ARG.search(_attribute_text(ctx, m))]
        if not guarded:
            continue
        class_plain = "Authorize" in attributes(ctx, cls)
        example = name_of(ctx, guarded[0])
        for m in methods:
            attrs = attributes(ctx, m)
            if m in guarded or not attrs & STATE_CHANGING or "AllowAnonymous" in attrs:
                continue
            if attrs & STATE_CHANGING == {"HttpPost"} and not PRIVILEGED_ACTION.search(name_of(ctx, m) + " " + _attribute_text(ctx, m)):
                continue  # creating one's own resource is not a privileged change
            if "Authorize" in attrs or class_plain:
                name_node = m.child_by_field_name("name")
                yield Hit(
                    line(name_node),
                    line(name_node),
                    f"`{name_of(ctx, m)}` changes state with only [Authorize] (any signed-in user), "
                    f"while `{example}` in the same controller requires a role or policy",
                )
