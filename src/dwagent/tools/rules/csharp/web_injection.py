"""Injection-class sinks in C# built on the data-flow core: XSS, open redirect, SSRF, LDAP, XPath,
code injection and untrusted data stored into the session (trust boundary).

Every rule here reports only a value that the data-flow core traces to a source of at least a
caller-supplied parameter; its severity follows the evidence (see `dataflow/flow.py: grade`):
high (critical for code injection) only when an untrusted source (request data, socket bytes,
a message payload) or a value read back from storage (second order) reaches the sink with no
validator guarding it, also when a caller in another file passes it (`dataflow/crossfile.py`);
medium for command-line/environment values and parameters whose callers are not in view; values
from constants, configuration or object state are not reported. Each finding lists its path,
hop by hop, as evidence.
"""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.per_file import flows_for, run_sinks
from dwagent.tools.dataflow.sinks import csharp_sink_sites, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.interproc import local_initialiser
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import arguments, callee, enclosing_member, hit, nodes, text, unwrap


@file_rule(id="DWA-152", title="Untrusted data written as raw HTML", category="xss", severity="high", cwe=(79,), languages=("csharp",))
def raw_html(ctx: FileContext) -> Iterable[Hit]:
    """A traced value rendered without HTML encoding: `Html.Raw(x)`, `new HtmlString(x)`,
    `new MarkupString(x)`, `Response.WriteAsync(x)` and `Results.Content(x, "text/html")` (the last two
    only in files that send text/html). Raised to high when request data reaches it;
    lowered to medium for parameters; the environment is not a source here. Not reported after an
    HTML encoder (`HtmlEncoder.Default.Encode`, `WebUtility.HtmlEncode`) or a sanitiser."""
    yield from run_sinks(
        ctx,
        "xss",
        r"Raw|HtmlString|MarkupString|Write|Content|Text",
        high="high",
        what="HTML written without encoding by",
        ignore=("lower",),
        fix="encode it (HtmlEncoder) or let the view escape it",
    )


@file_rule(id="DWA-153", title="Redirect to a URL taken from input", category="open-redirect", severity="high", cwe=(601,), languages=("csharp",))
def open_redirect(ctx: FileContext) -> Iterable[Hit]:
    """`Redirect(x)`, `Results.Redirect(x)`, `new RedirectResult(x)` with a traced value: an
    attacker's link sends the user to any site. High with a request source; medium for
    parameters. Not reported when `Url.IsLocalUrl(x)` (or an allow-list) guards the call, when
    the code exits unless it holds, or for `LocalRedirect`."""
    yield from run_sinks(
        ctx,
        "redirect",
        r"Redirect",
        high="high",
        what="redirect target of",
        ignore=("lower",),
        fix="use LocalRedirect or check Url.IsLocalUrl / an allow-list first",
    )


@file_rule(
    id="DWA-154", title="Outbound request to a URL taken from input (SSRF)", category="ssrf", severity="high", cwe=(918,), languages=("csharp",)
)
def ssrf(ctx: FileContext) -> Iterable[Hit]:
    """An HTTP client call (`GetAsync`, `PostAsync`, `GetStringAsync`, `WebRequest.Create`,
    `new HttpRequestMessage(method, url)`, `WebClient.Download*`) whose URL is traced to input:
    the server can be made to reach internal services. High with a request source; medium for
    parameters; configuration-held base URLs are not reported. An allow-list check of the host
    that exits otherwise guards it."""
    yield from run_sinks(
        ctx,
        "ssrf",
        r"Async|WebRequest|HttpRequestMessage|Download",
        high="high",
        what="URL of",
        ignore=("lower",),
        pending_params=True,
        fix="resolve the host against an allow-list before connecting",
    )


@file_rule(id="DWA-155", title="LDAP filter or path built from input", category="ldap-injection", severity="high", cwe=(90,), languages=("csharp",))
def ldap_injection(ctx: FileContext) -> Iterable[Hit]:
    """A `DirectorySearcher` filter, `SearchRequest` filter or `DirectoryEntry` path that carries a
    traced value: `*)(uid=*` widens the query. High with a request source; medium for
    parameters. Not reported after an LDAP escaping call."""
    yield from run_sinks(
        ctx,
        "ldap",
        r"DirectorySearcher|SearchRequest|DirectoryEntry|Filter",
        high="high",
        what="LDAP query of",
        fix="escape filter values (RFC 4515) or use a fixed filter with checked input",
    )


@file_rule(id="DWA-156", title="XPath query built from input", category="xpath-injection", severity="high", cwe=(643,), languages=("csharp",))
def xpath_injection(ctx: FileContext) -> Iterable[Hit]:
    """`SelectNodes`, `SelectSingleNode`, `XPathSelectElement(s)`, `XPathEvaluate` or an XPath
    navigator's `Select`/`Evaluate` with an expression carrying a traced value. High with a
    request source; medium for parameters; an allow-list or an XPath escaper guards it."""
    yield from run_sinks(
        ctx,
        "xpath",
        r"Select|XPath|Evaluate",
        high="high",
        what="XPath expression of",
        fix="use XPath variables (XsltArgumentList / custom resolver) or validate the value",
    )


@file_rule(
    id="DWA-157", title="Code or script evaluated from input", category="code-injection", severity="critical", cwe=(94,), languages=("csharp",)
)
def code_injection(ctx: FileContext) -> Iterable[Hit]:
    """Source text that reaches a compiler or script engine (`CSharpScript.EvaluateAsync/RunAsync`,
    `CompileAssemblyFromSource`, `CSharpSyntaxTree.ParseText`, a JavaScript/scripting engine's
    `Execute`/`Evaluate`) traced to input. Critical with an untrusted source (remote code
    execution); medium for parameters and other lower-trust values."""
    yield from run_sinks(
        ctx,
        "code",
        r"Script|Compile|ParseText|Execute|Evaluate",
        high="critical",
        what="code evaluated by",
        fix="never evaluate input; map it to fixed operations",
    )


@file_rule(
    id="DWA-158", title="Untrusted data stored in the session", category="trust-boundary", severity="medium", cwe=(501,), languages=("csharp",)
)
def session_trust_boundary(ctx: FileContext) -> Iterable[Hit]:
    """Request data written into the session (`Session.SetString(k, v)`, `Session["k"] = v`),
    which later code trusts as server state. Medium with an untrusted source (the harm depends on
    what trusts it); parameters and other origins are not reported. Validate before storing."""
    if "Session" not in ctx.text:
        return
    flows = flows_for(ctx)
    for site in csharp_sink_sites(ctx, "session"):
        yield from report(
            ctx,
            flows,
            site,
            "session",
            high="medium",
            what="session value set by",
            ignore=("lower",),
            fix="validate it before it becomes trusted state",
            min_trust="untrusted",
        )


_COOKIE_FLAGS = ("Secure", "HttpOnly")


@file_rule(
    id="DWA-159", title="Cookie set without Secure or HttpOnly", category="insecure-cookie", severity="medium", cwe=(614, 1004), languages=("csharp",)
)
def insecure_cookie(ctx: FileContext) -> Iterable[Hit]:
    """`Response.Cookies.Append(name, value)` with no options, or with `CookieOptions` that leave
    `Secure` or `HttpOnly` unset or false, and `new HttpCookie(...)` objects whose flags are never
    set: the cookie travels over plain HTTP or is readable by script. Medium; raised to high when
    the cookie's name says it holds a session, token or auth value. Options objects that set both
    flags (in the initializer or by assignment in the same method) are not reported."""
    if "Cookie" not in ctx.text:
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name != "Append" or not recv.endswith("Cookies"):
            continue
        args = arguments(call)
        if len(args) < 2:
            continue
        missing = _missing_flags(ctx, call, args[2] if len(args) > 2 else None)
        if missing:
            yield _cookie_hit(call, text(ctx, args[0]), missing)
    for new in nodes(ctx, "object_creation_expression"):
        if text(ctx, new.child_by_field_name("type")).split(".")[-1] != "HttpCookie":
            continue
        missing = _missing_flags(ctx, new, new)
        if missing:
            args = arguments(new)
            yield _cookie_hit(new, text(ctx, args[0]) if args else "cookie", missing)


def _missing_flags(ctx: FileContext, at, options) -> list[str]:
    """Flags not set to true on the options object (initializer, or `x.Flag = true` in the member)."""
    member = enclosing_member(at)
    scope = text(ctx, member) if member is not None else ctx.text
    if options is None:
        return list(_COOKIE_FLAGS)
    options = unwrap(options)
    target = text(ctx, options) if options.type == "identifier" else ""
    value = (local_initialiser(ctx, options) if target else options) or options
    if value.type not in ("object_creation_expression", "implicit_object_creation_expression"):
        return []  # options from elsewhere (a shared helper, a parameter, configuration): not visible here
    opt = text(ctx, value)
    missing = []
    for flag in _COOKIE_FLAGS:
        inline = re.search(rf"\b{flag}\s*=\s*(true|[^,}}]*\bIsHttps\b|CookieSecurePolicy\.Always)", opt)
        later = target and re.search(rf"\b{re.escape(target)}\.{flag}\s*=\s*(true|[^;]*\bIsHttps\b)", scope)
        if not inline and not later:
            missing.append(flag)
    return missing


def _cookie_hit(node, cookie: str, missing: list[str]) -> Hit:
    sensitive = re.search(r"(?i)sess|token|auth|jwt|sid|remember|login|csrf|xsrf", cookie)
    sev = "high" if sensitive and "Secure" in missing else "medium"
    why = "its name suggests a session/auth value" if sensitive else "no sign it holds a session or auth value"
    return hit(
        node,
        f"cookie {cookie[:40]} is set without {' and '.join(missing)} ({why}); set Secure = true and HttpOnly = true on its CookieOptions",
        max_lines=3,
        severity=sev,
    )
